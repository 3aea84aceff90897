#!/usr/bin/env bash
# The report's browser test: codes a copy of the sample round with one corrupt PDF
# added, then opens its report.html in headless Chromium (Debian's chromium, driven by
# playwright-core from npm: tests/browser/report.test.mjs) and clicks through it.
# Installs chromium and playwright-core when they are missing. Run by scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v chromium >/dev/null 2>&1; then
  echo "browser-test: installing Debian's chromium" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null 2>&1 || { echo "browser-test: node is missing (apt-get install nodejs npm)" >&2; exit 1; }
(cd tests/browser && npm ci --no-audit --no-fund --silent)

bin="${PLANTHEMES_BIN:-target/debug/planthemes}"
[ -x "$bin" ] || cargo build --locked --quiet --bin planthemes

round=target/browser-round
out=target/browser-run
rm -rf "$round" "$out"
mkdir -p "$round"
cp corpus/rounds/sample/* "$round/"
head -c 3000 corpus/rounds/sample/somerset-integrated-care-strategy-2023.pdf > "$round/broken-plan.pdf"
# Exit status 1 is expected: the broken PDF fails, everything else is coded.
status=0
"$bin" run "$round" --out "$out" --classifier keyword >/dev/null 2>"$out.log" || status=$?
if [ "$status" -ne 1 ]; then
  cat "$out.log" >&2
  echo "browser-test: expected exit status 1 (one broken file), got $status" >&2
  exit 1
fi
node tests/browser/report.test.mjs "$out"

# The diff page: the same round a year on, without one HWB strategy.
round2=target/browser-round-2
out2=target/browser-run-2
diffs=target/browser-diff
rm -rf "$round2" "$out2" "$diffs"
mkdir -p "$round2"
cp corpus/rounds/sample/* "$round2/"
rm "$round2/sunderland-joint-health-and-wellbeing-strategy-2023.pdf"
grep -v '^sunderland-' corpus/rounds/sample/manifest.csv > "$round2/manifest.csv"
"$bin" run "$round2" --out "$out2" --classifier keyword >/dev/null 2>"$out2.log" || { cat "$out2.log" >&2; exit 1; }
status=0
"$bin" diff "$out" "$out2" --out "$diffs" >/dev/null 2>"$diffs.log" || status=$?
if [ "$status" -gt 1 ]; then
  cat "$diffs.log" >&2
  echo "browser-test: diff failed with status $status" >&2
  exit 1
fi
node tests/browser/diff.test.mjs "$diffs"

# Commitment strength: the sample round with the default classifier and its
# commitment head.
out3=target/browser-run-default
rm -rf "$out3"
"$bin" run corpus/rounds/sample --out "$out3" >/dev/null 2>"$out3.log" || { cat "$out3.log" >&2; exit 1; }
node tests/browser/commitment.test.mjs "$out3"
