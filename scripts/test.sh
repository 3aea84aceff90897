#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script).
# Installs what the tests need first: the encoder model (scripts/fetch-model.sh) and
# the opt-in larger encoder its parity tests read (scripts/fetch-mpnet.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v cargo >/dev/null 2>&1 || { echo "test: cargo is missing; install Rust from https://rustup.rs" >&2; exit 1; }
scripts/fetch-model.sh
scripts/fetch-mpnet.sh
scripts/setup-pdfium.sh
# A Python with lxml, openpyxl and pandas, for the export checks (REFI-QDA schema,
# evidence.xlsx and evidence.csv opened as an analyst's tools open them).
PLANTHEMES_CHECK_PYTHON="$(scripts/setup-check-python.sh)"
export PLANTHEMES_CHECK_PYTHON

# Unit tests, integration tests (the real binary, the real model) and the benches
# run once each in test mode, so they cannot rot.
# The fuzz targets (tests/integration/fuzz.rs) run 30 s each here.
PLANTHEMES_FUZZ_SECS="${PLANTHEMES_FUZZ_SECS:-30}" cargo test --all-targets --locked

# The HTML report in a real browser (installs Debian's chromium and playwright-core).
scripts/browser-test.sh
