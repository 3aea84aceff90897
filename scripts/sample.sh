#!/usr/bin/env bash
# The main job on the bundled sample: for now, embed the sample passages
# (corpus/sample_passages.jsonl) with the default encoder and write
# runs/sample/vectors.jsonl. Later stages replace this with `planthemes run`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v cargo >/dev/null 2>&1 || { echo "sample: cargo is missing; install Rust from https://rustup.rs" >&2; exit 1; }
scripts/fetch-model.sh
scripts/setup-pdfium.sh
cargo build --release --locked --quiet --bin planthemes
mkdir -p runs/sample
./target/release/planthemes embed --input corpus/sample_passages.jsonl --output runs/sample/vectors.jsonl
echo "vectors: $root/runs/sample/vectors.jsonl"
