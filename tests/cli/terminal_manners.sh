#!/bin/sh
# Command-line manners of the three programs: --version; colour and a live
# progress line on a terminal (a pty, through util-linux's `script`), plain
# text when piped or with NO_COLOR; --tag '!T' and --skip-tag; --fail-fast.
#   tests/cli/terminal_manners.sh BIN_DIR VERSION
set -u
bin=$1 version=$2
suite=$(cd "$(dirname "$0")" && pwd)/suite
harness=$bin/harness
failures=0
esc=$(printf '\033')
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

for program in harness mock_discord reference_app; do
  out=$("$bin/$program" --version 2>&1)
  [ "$out" = "$program $version" ] && ok "$program --version" || fail "$program --version said '$out'"
done

out=$("$harness" run "$suite/quick.yaml" | cat)
case $out in *"$esc"*) fail "piped output has escape codes: $out" ;; *PASS*) ok "piped: plain PASS" ;; *) fail "piped: $out" ;; esac

if ! command -v script >/dev/null; then
  echo "SKIP: no util-linux script for a pseudo-terminal"
  exit 77
fi
out=$(env -u NO_COLOR TERM=xterm script -qfec "$harness run $suite/quick.yaml" /dev/null)
case $out in *"$esc[32mPASS$esc[0m"*) ok "terminal: a green PASS" ;; *) fail "terminal: no green PASS in: $out" ;; esac
out=$(NO_COLOR=1 TERM=xterm script -qfec "$harness run $suite/quick.yaml" /dev/null)
case $out in *"$esc[32m"*) fail "NO_COLOR: still coloured: $out" ;; *PASS*) ok "NO_COLOR: plain PASS" ;; *) fail "NO_COLOR: $out" ;; esac

out=$(TERM=xterm script -qfec "$harness run $suite/slow.yaml" /dev/null)
case $out in *"[0/1] 0s  running: slow"*) ok "terminal: a live progress line while 'slow' runs" ;;
  *) fail "terminal: no progress line in: $out" ;; esac
out=$("$harness" run "$suite/slow.yaml" | cat)
case $out in *"running:"*) fail "piped: a progress line: $out" ;; *) ok "piped: no progress line" ;; esac

out=$("$harness" list "$suite" --tag '!slow' --tag '!failing')
case $out in *slow*|*"fails on purpose"*) fail "--tag '!slow' listed: $out" ;; *quick*) ok "--tag '!T' leaves them out" ;;
  *) fail "--tag '!slow': $out" ;; esac
"$harness" run "$suite" --skip-tag slow --skip-tag failing >/dev/null && ok "--skip-tag leaves them out" ||
  fail "--skip-tag slow --skip-tag failing did not pass"

out=$("$harness" run "$suite" --jobs 1 --fail-fast)
status=$?
[ "$status" -eq 1 ] && ok "--fail-fast exits 1" || fail "--fail-fast exited $status"
case $out in *"SKIP  quick"*"not run: --fail-fast stopped the run after a failure"*) ok "--fail-fast skips the rest" ;;
  *) fail "--fail-fast: $out" ;; esac

[ "$failures" -eq 0 ] || exit 1
