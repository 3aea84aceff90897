#!/usr/bin/env bash
# The main job on the bundled sample round: `planthemes run` codes
# corpus/rounds/sample/ (19 plans from 8 ICSs in PDF, DOCX, HTML and Markdown) and
# writes the coverage tables and report.html to runs/<UTC time>/.
# Installs what it needs first: the encoder model and PDFium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v cargo >/dev/null 2>&1 || { echo "sample: cargo is missing; install Rust from https://rustup.rs" >&2; exit 1; }
scripts/fetch-model.sh
scripts/setup-pdfium.sh
cargo build --release --locked --quiet --bin planthemes
exec ./target/release/planthemes run "$@"
