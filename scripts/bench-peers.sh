#!/usr/bin/env bash
# planthemes against what analysts would otherwise use: embeds the 2,000 bench
# passages (benches/data/bench_passages.jsonl) with sentence-transformers (PyTorch,
# CPU), ONNX Runtime (the same model exported with torch.onnx) and `planthemes
# embed` in fp32 and int8, same model folder, same max length and batch size, runs alternated, every
# system on all cores. Prints passages/s per run, a table of medians, the ratio
# planthemes/peer and the least cosine against sentence-transformers' vectors and
# against planthemes' fp32 vectors.
#
# Builds its own virtualenv (target/bench-peers-venv) from PyPI the first time:
# torch, sentence-transformers, onnxruntime, onnx (a few GB, a few minutes).
#
# Usage: scripts/bench-peers.sh [--max-length 256] [--batch-size 32] [--runs 3]
#          [--extra 'NAME=planthemes embed options']...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/fetch-model.sh >/dev/null
cargo build --release --locked --quiet --bin planthemes

venv="$root/target/bench-peers-venv"
if ! "$venv/bin/python" -c "import sentence_transformers, onnxruntime, onnx, torch" 2>/dev/null; then
  echo "bench-peers: building $venv (torch, sentence-transformers, onnxruntime, onnx from PyPI)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet torch "sentence-transformers>=3" onnxruntime onnx numpy
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
exec "$venv/bin/python" scripts/bench_peers.py \
  --model models/all-MiniLM-L6-v2 \
  --passages benches/data/bench_passages.jsonl \
  --planthemes target/release/planthemes "$@"
