#!/usr/bin/env bash
# `planthemes run` on a full-size round (scripts/make-round.sh: 88 documents, about
# 2,800 pages): cold (an empty cache), warm (the same round again: every document's
# reading and every passage's scores in the cache) and edited (one document changed:
# only it is read again). Prints wall time, time per stage, pages/s and peak RSS for
# each. The round is copied first, so the edit never touches ROUND_DIR.
#
# Usage: scripts/bench-round.sh [ROUND_DIR [planthemes run options...]]
#   ROUND_DIR defaults to target/rounds/full (made if missing); e.g.
#   scripts/bench-round.sh target/rounds/full --precision int8
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
round="${1:-target/rounds/full}"
shift || true

scripts/fetch-model.sh >/dev/null
scripts/setup-pdfium.sh >/dev/null
cargo build --release --locked --quiet --bin planthemes
[ -f "$round/manifest.csv" ] || scripts/make-round.sh "$round"
command -v /usr/bin/time >/dev/null 2>&1 || { echo "bench-round: needs GNU time (apt-get install time)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$round" "$work/round"
round="$work/round"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "round: $round ($(find "$round" -maxdepth 1 -type f ! -name manifest.csv | wc -l) files)"
for pass in cold warm edited; do
  if [ "$pass" = edited ]; then
    # One plan gains a paragraph: the run should read that document alone again.
    edited="$(ls "$round"/*.html | head -1)"
    sed -i 's#</body>#<p>This refresh adds a commitment to publish waiting times for every community service each quarter.</p></body>#' "$edited"
    echo "edited: $(basename "$edited")"
  fi
  /usr/bin/time -f "%e %M" -o "$work/time-$pass" \
    ./target/release/planthemes run "$round" --out "$work/$pass" --cache "$work/cache.redb" "$@" \
    > "$work/log-$pass" 2>&1 || { echo "bench-round: the $pass run failed:" >&2; tail -20 "$work/log-$pass" >&2; exit 1; }
  read -r wall rss_kb < "$work/time-$pass"
  python3 - "$work/$pass/report.json" "$pass" "$wall" "$rss_kb" <<'PY'
import json, sys
report, name, wall, rss_kb = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
c = report["counts"]
stages = ", ".join(f"{k} {v:.1f} s" for k, v in report["timings"])
cache = report.get("cache") or {}
hits = (f", cache: {cache.get('documents', 0)} documents read before, {cache.get('scored', 0)} passages scored before, "
        f"{cache['found']} vectors found, {cache['embedded']} embedded") if cache else ""
print(f"{name}: {wall:.1f} s wall, {c['pages'] / wall:.1f} pages/s, peak RSS {rss_kb / 1048576:.2f} GiB; "
      f"{c['coded']} of {c['documents']} documents, {c['pages']} pages, {c['passages']} passages{hits}")
print(f"  stages: {stages}")
PY
done
