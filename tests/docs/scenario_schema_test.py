#!/usr/bin/env python3
"""docs/scenario.schema.json: every shipped and example scenario validates
against it and names it on its first line (for yaml-language-server); the
schema refuses what the loader refuses (unknown keys, two actions in a step)
and accepts what it accepts (x- keys, merge keys). That the schema and the
loader know the same keys is checked in C++ (loader_test, config_test),
against the loader's own key tables.

Debian's python3-jsonschema and python3-yaml (scripts/setup all).
  tests/docs/scenario_schema_test.py PROJECT_ROOT
"""
import glob
import json
import os
import sys

import jsonschema
import yaml

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
schema_path = os.path.join(root, "docs", "scenario.schema.json")
with open(schema_path, encoding="utf-8") as handle:
    schema = json.load(handle)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def errors_of(document):
    return sorted(validator.iter_errors(document), key=lambda error: list(error.path))


def describe(error):
    return "/".join(str(part) for part in error.path) + ": " + error.message


shipped = []
for folder in ("scenarios", os.path.join("docs", "examples")):
    for pattern in ("**/*.yaml", "**/*.yml"):
        shipped += glob.glob(os.path.join(root, folder, pattern), recursive=True)
if len(shipped) < 50:
    failures.append(f"only {len(shipped)} shipped scenarios found under {root}")
for path in sorted(shipped):
    shown = os.path.relpath(path, root)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    first = text.split("\n", 1)[0]
    expected = "# yaml-language-server: $schema=" + os.path.relpath(schema_path, os.path.dirname(path))
    if first != expected:
        failures.append(f"{shown}:1: the first line should be '{expected}', found '{first}'")
    for error in errors_of(yaml.safe_load(text)):
        failures.append(f"{shown}: {describe(error)}")

# The schema refuses what the loader refuses, and takes what it takes.
base = "name: x\nsteps:\n  - open: ${app}/login\n"
cases = [
    (base, True, "a minimal scenario"),
    (base + "expct: {status: 200}\n", False, "an unknown top-level key"),
    ("name: x\nsteps:\n  - open: ${app}/login\n    consent: approve\n", False, "a step with two actions"),
    ("name: x\nsteps:\n  - name: nothing\n", False, "a step without an action"),
    ("name: x\nsteps:\n  - open: ${app}/login\n    expect: {stauts: 200}\n", False, "an unknown expectation"),
    ("name: x\ndiscord: {users: [{id: '1', usernme: a}]}\nsteps:\n  - open: ${app}\n", False, "an unknown user key"),
    ("name: x\nsteps:\n  - clock: 101\n", False, "a duration without a unit"),
    ("name: x\nx-login: &login {open: '${app}/login', expect: {status: 200}}\nsteps:\n  - <<: *login\n"
     "    name: signs in\n  - *login\n", True, "x- anchors, merge keys and aliases"),
    ("name: x\nsteps:\n  - open: ${app}\n    x-note: why\n", True, "an x- key in a step"),
]
for text, valid, what in cases:
    errors = errors_of(yaml.safe_load(text))
    if valid and errors:
        failures.append(f"the schema refuses {what}: {describe(errors[0])}")
    if not valid and not errors:
        failures.append(f"the schema accepts {what}")

for failure in failures:
    print(failure)
print(f"{len(shipped)} scenarios validated against {os.path.relpath(schema_path, root)}; {len(cases)} cases")
sys.exit(1 if failures else 0)
