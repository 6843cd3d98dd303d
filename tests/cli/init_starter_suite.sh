#!/bin/sh
# `harness init` as people run it: the starter suite is written with its
# README, `harness check` finds it valid, `harness run` passes it against
# the reference app run as a command, a second init fails naming the file
# (exit 2, nothing overwritten), and a wrong path flag is refused clearly.
#   tests/cli/init_starter_suite.sh BIN_DIR
set -u
bin=$(cd "$1" && pwd)
harness=$bin/harness
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

out=$("$harness" init --app-cmd "$bin/reference_app" --app-user-page /me 2>&1)
status=$?
[ $status -eq 0 ] && ok "init wrote login-tests/" || fail "init exited $status: $out"
for file in sign-in.yaml csrf-wrong-state.yaml replayed-callback.yaml cancel.yaml README.md scenario.schema.json; do
  [ -s "login-tests/$file" ] || fail "no login-tests/$file"
done
for file in login-tests/*.yaml; do
  head -n 1 "$file" | grep -qx '# yaml-language-server: $schema=scenario.schema.json' || fail "$file: no schema line"
done
grep -q '^    harness run login-tests/$' login-tests/README.md && ok "the README says how to run it" ||
  fail "README: no 'harness run login-tests/'"

# Editors see the same: every file validates against the schema beside it.
if python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  python3 - login-tests <<'PY' && ok "the files validate against login-tests/scenario.schema.json" || fail "schema validation"
import glob, json, sys, jsonschema, yaml
folder = sys.argv[1]
validator = jsonschema.Draft202012Validator(json.load(open(folder + "/scenario.schema.json")))
errors = [f"{path}: {error.message}" for path in sorted(glob.glob(folder + "/*.yaml"))
          for error in validator.iter_errors(yaml.safe_load(open(path)))]
print("\n".join(errors))
sys.exit(1 if errors else 0)
PY
else
  echo "note: python3-jsonschema missing, the schema check is left out"
fi

out=$("$harness" check login-tests/ 2>&1)
case $out in "4 scenarios OK"*) ok "check: $out" ;; *) fail "check: $out" ;; esac

# From another folder: the app still starts where init ran (its cwd).
mkdir elsewhere
out=$(cd elsewhere && "$harness" run ../login-tests/ --junit ../junit.xml 2>&1)
status=$?
case $out in *"4 passed, 0 failed"*) [ $status -eq 0 ] && ok "run against the reference app: 4 passed" ||
  fail "run exited $status: $out" ;; *) fail "run: $out" ;; esac
grep -q 'tests="4"' junit.xml || fail "junit.xml: $(head -c 300 junit.xml)"

cp login-tests/cancel.yaml before.yaml
out=$("$harness" init --app-cmd "python3 app.py" 2>&1)
status=$?
[ $status -eq 2 ] || fail "second init exited $status (expected 2)"
case $out in *"login-tests/sign-in.yaml already exists"*) ok "second init: $out" ;;
  *) fail "second init did not name the file: $out" ;; esac
cmp -s before.yaml login-tests/cancel.yaml || fail "second init changed login-tests/cancel.yaml"

out=$("$harness" init other-tests --app-cmd "python3 app.py" --app-redirect-path callback 2>&1)
status=$?
[ $status -eq 2 ] || fail "bad --app-redirect-path exited $status (expected 2)"
case $out in *"--app-redirect-path must be a path like /callback, found 'callback'"*) ok "bad path: $out" ;;
  *) fail "bad path: $out" ;; esac
[ -e other-tests ] && fail "a refused init wrote other-tests/"

out=$("$harness" init other-tests 2>&1)
[ $? -eq 2 ] && case $out in *--app-cmd*) ok "init without --app-cmd: $out" ;; *) fail "no --app-cmd: $out" ;; esac ||
  fail "init without --app-cmd did not exit 2: $out"

"$harness" --help | grep -q '^  init ' && ok "harness --help lists init" || fail "harness --help has no init"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
