#!/usr/bin/env bash
# Put PDFium (libpdfium.so), the PDF engine planthemes extracts text with, into
# vendor/pdfium/. Debian has no pdfium package; the pypdfium2 wheel on PyPI carries a
# self-contained build (needs only libc, libm, pthread, libgcc_s), so pip fetches it.
# Idempotent. planthemes finds the library through PLANTHEMES_PDFIUM, then
# vendor/pdfium/ in the project.
#
# Also installs poppler's pdftotext (Debian's poppler-utils), the second PDF engine
# planthemes falls back to when PDFium cannot read a file.
#
# Usage: scripts/setup-pdfium.sh
set -euo pipefail

if ! command -v pdftotext >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup-pdfium: installing poppler-utils (pdftotext, the fallback PDF engine)"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq poppler-utils >/dev/null; } \
      || echo "setup-pdfium: could not install poppler-utils; PDFs PDFium cannot read will fail" >&2
  else
    echo "setup-pdfium: pdftotext not found; install poppler (the fallback PDF engine)" >&2
  fi
fi

VERSION="5.15.2"   # pdfium-render's `pdfium_latest` API (8125) works against this build (8149)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/vendor/pdfium"
die() { echo "setup-pdfium: $*" >&2; exit 1; }

if [ -s "$dest/libpdfium.so" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$VERSION" ]; then
  echo "setup-pdfium: $dest/libpdfium.so is present (pypdfium2 $VERSION)"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=manylinux_2_17_x86_64 ;;
  Linux-aarch64) platform=manylinux_2_17_aarch64 ;;
  *) die "no prebuilt PDFium for $(uname -s)-$(uname -m) here; put libpdfium into $dest by hand or set PLANTHEMES_PDFIUM" ;;
esac

python=""
for p in python3 python; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then python="$p"; break; fi
done
[ -n "$python" ] || die "pip is missing: install it (Debian: apt-get install python3-pip) and run this script again"

work="$(mktemp -d "${TMPDIR:-/tmp}/planthemes-pdfium.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "setup-pdfium: downloading pypdfium2==$VERSION from PyPI"
"$python" -m pip download --quiet --no-deps --only-binary=:all: --platform "$platform" \
  "pypdfium2==$VERSION" -d "$work" || die "pip download of pypdfium2==$VERSION failed (is PyPI reachable?)"
wheel=$(ls "$work"/pypdfium2-*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || die "pip download produced no wheel"
"$python" - "$wheel" "$work/lib" <<'PY'
import sys, zipfile, pathlib
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
out.mkdir(parents=True)
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith("/libpdfium.so")]
    if not names:
        sys.exit("the wheel has no libpdfium.so")
    (out / "libpdfium.so").write_bytes(z.read(names[0]))
PY
mkdir -p "$dest"
mv "$work/lib/libpdfium.so" "$dest/libpdfium.so.partial"
mv "$dest/libpdfium.so.partial" "$dest/libpdfium.so"
echo "$VERSION" > "$dest/VERSION"
echo "setup-pdfium: installed $dest/libpdfium.so"
