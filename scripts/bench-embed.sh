#!/usr/bin/env bash
# Embedding throughput of `planthemes embed` on the 2,000 bench passages
# (benches/data/bench_passages.jsonl), batch 32, max length 256 (the model's own),
# both cores. Prints passages/s and tokens/s for each run and their median.
#
# Usage: scripts/bench-embed.sh [RUNS]   (default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-3}"

scripts/fetch-model.sh >/dev/null
cargo build --release --quiet --bin planthemes
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "workload: $(wc -l < benches/data/bench_passages.jsonl) passages, batch 32, max length 256 (--truncate)"
rates=()
for i in $(seq 1 "$runs"); do
  line=$(./target/release/planthemes embed --no-cache --input benches/data/bench_passages.jsonl \
           --out "$out/vectors.jsonl" --batch-size 32 --truncate 2>&1 | grep '^embedded')
  pps=$(sed -E 's/.*\(([0-9.]+) passages\/s.*/\1/' <<<"$line")
  tps=$(sed -E 's/.*, ([0-9.]+) tokens\/s.*/\1/' <<<"$line")
  n=$(wc -l < "$out/vectors.jsonl")
  echo "run $i: $pps passages/s, $tps tokens/s ($n vectors written)"
  rates+=("$pps")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median: $median passages/s"
