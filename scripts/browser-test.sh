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
