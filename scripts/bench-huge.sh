#!/usr/bin/env bash
# A round holding one 200 MB text file (issue 19): by default it must fail at once as
# "too large"; with the limits raised it must finish, with progress, under 1 GiB of
# peak RSS. The raised run uses the keyword classifier: embedding its ~300,000
# passages would take hours on a laptop CPU, and memory is the question here.
# Prints wall time and peak RSS for both.
#
# Usage: scripts/bench-huge.sh [SIZE_MB]   (default 200)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size_mb="${1:-200}"

cargo build --release --locked --quiet --bin planthemes
command -v /usr/bin/time >/dev/null 2>&1 || { echo "bench-huge: needs GNU time (apt-get install time)" >&2; exit 1; }

round="target/rounds/huge-$size_mb"
if [ ! -f "$round/huge.txt" ]; then
  mkdir -p "$round"
  python3 - "$round/huge.txt" "$size_mb" <<'PY'
import random, sys
path, size = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
rng = random.Random(19)
words = ("housing warm homes jobs skills air quality green space smoking alcohol obesity "
         "waiting lists primary care dentistry screening partners council voluntary sector "
         "residents neighbourhood anchor institution procurement local recruitment carbon "
         "children older people deprivation ethnic minority carers outcomes data budget").split()
with open(path, "w") as f:
    written, n = 0, 0
    while written < size:
        n += 1
        if n % 9 == 1:
            para = f"Section {n // 9 + 1}: priority {rng.randint(1, 12)}"
        else:
            para = " ".join(
                " ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize() + "."
                for _ in range(rng.randint(2, 6)))
        f.write(para + "\n\n")
        written += len(para) + 2
PY
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; file: $(du -m "$round/huge.txt" | cut -f1) MB"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" ./target/release/planthemes run "$round" --out "$work/$name" "$@" \
    > "$work/log-$name" 2>&1 && status=0 || status=$?
  read -r wall rss_kb < <(tail -n 1 "$work/time")
  printf '%s: exit %s, %.1f s wall, peak RSS %.2f GiB\n' "$name" "$status" "$wall" "$(echo "$rss_kb / 1048576" | bc -l)"
  grep -E "coded|time:|huge.txt" "$work/log-$name" | sed 's/^/  /'
}
run default --classifier keyword
run raised --classifier keyword --max-file-mb 100000 --max-passages 100000000
