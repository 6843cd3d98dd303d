#!/bin/sh
# Renders a report of a failing + passing + skipped suite and checks it in
# headless Chromium (report_in_chromium.js); screenshots and the report stay
# in BUILD/artifacts/ for CI to keep. Exit 77 (SKIP) without chromium.
#   tests/browser/report_renders.sh BUILD_DIR
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: no chromium at $chromium (apt-get install chromium, or set CHROMIUM)"
  exit 77
fi
artifacts=$build/artifacts
mkdir -p "$artifacts"
"$build/bin/harness" run "$root/scenarios/flows/happy-path.yaml" "$root/scenarios/flows/login-csrf.yaml" \
  "$root/tests/browser/report-suite" --jobs 2 --report "$artifacts/report.html" >"$artifacts/report-run.txt" 2>&1
status=$?
if [ "$status" -ne 1 ]; then
  echo "expected the suite to fail (exit 1), got $status:"
  cat "$artifacts/report-run.txt"
  exit 1
fi
cd "$root/tests/browser" && exec node report_in_chromium.js "$artifacts/report.html" "$artifacts"
