#!/usr/bin/env bash
# A synthetic full-size round (88 documents, about 2,800 pages; PDF, DOCX, HTML)
# built from the project's corpus, for benchmarks: see scripts/make_round.py.
# Installs reportlab and python-docx in target/round-venv the first time.
#
# Usage: scripts/make-round.sh [OUT_DIR]   (default target/rounds/full)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-target/rounds/full}"
venv="$root/target/round-venv"
if ! "$venv/bin/python" -c "import reportlab, docx" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet reportlab python-docx
fi
rm -rf "$out.partial"
"$venv/bin/python" scripts/make_round.py "$out.partial"
rm -rf "$out"
mv "$out.partial" "$out"
