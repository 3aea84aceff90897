#!/usr/bin/env bash
# A Python for the export checks (tests/integration/export.rs): lxml validates .qdpx
# projects against the REFI-QDA schema, openpyxl and pandas open evidence.xlsx and
# evidence.csv as an analyst would. Installed into .venv-check/ (ignored by git).
# Idempotent; prints the interpreter's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-check"
python="$venv/bin/python"
if [ -x "$python" ] && "$python" -c "import lxml, openpyxl, pandas" >/dev/null 2>&1; then
  echo "$python"; exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "setup-check-python: python3 is missing (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
rm -rf "$venv"
python3 -m venv "$venv" >&2 || { echo "setup-check-python: cannot make a virtual environment (Debian: apt-get install python3-venv)" >&2; exit 1; }
"$python" -m pip install --quiet --disable-pip-version-check "lxml>=5" "openpyxl>=3.1" "pandas>=2" >&2
echo "$python"
