#!/usr/bin/env bash
# Ingest and segmentation throughput: PDF extraction in pages/s and segmentation in
# passages/s, on the committed fixtures plus generated long documents (a 100-page
# copy-set of the plan fixture and the HTML and DOCX fixtures), each document in its
# own worker process as in a real run.
#
# Usage: scripts/bench-ingest.sh [RUNS]   (default 3; PROFILE=dev uses the test build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-3}"
scripts/fetch-model.sh >/dev/null
scripts/setup-pdfium.sh >/dev/null
if [ "${PROFILE:-release}" = dev ]; then
  cargo build --quiet --bin planthemes; bin=target/debug/planthemes
else
  cargo build --release --quiet --bin planthemes; bin=target/release/planthemes
fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
for i in $(seq 1 20); do
  cp tests/fixtures/plan_report.pdf "$work/plan_$i.pdf"
  cp tests/fixtures/plan_page.html "$work/page_$i.html"
  cp tests/fixtures/plan.docx "$work/jfp_$i.docx"
done
echo "machine: $(nproc) cores; input: 20 x (5-page PDF, HTML page, DOCX) = 60 documents, 100 PDF pages"
for i in $(seq 1 "$runs"); do
  echo "run $i, PDFs only:  $("$bin" segment "$work"/*.pdf 2>&1 >/dev/null | grep '^read')"
  echo "run $i, all formats: $("$bin" segment "$work"/*.pdf "$work"/*.html "$work"/*.docx 2>&1 >/dev/null | grep '^read')"
done
