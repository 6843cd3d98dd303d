#!/usr/bin/env python3
"""examples/ci/github-actions.yml cannot rot: it parses; every harness
option it uses exists in that subcommand's --help; each sharded job's
matrix lists exactly shards 1..N for its `--shard ${{ matrix.shard }}/N`;
every JUnit and HTML report is uploaded even when the run failed, and the
JUnit reports are published; the runtime packages it installs are the
Dockerfile's runtime stage's.

Debian's python3-yaml.
  tests/docs/ci_example_test.py PROJECT_ROOT HARNESS_PROGRAM
"""
import os
import re
import subprocess
import sys

import yaml

sys.dont_write_bytecode = True
root, harness = os.path.abspath(sys.argv[1]), sys.argv[2]
sys.path.insert(0, os.path.join(root, "tests", "package"))
from dockerfile import apt_packages, commands, runtime_packages  # noqa: E402

workflow_path = os.path.join(root, "examples", "ci", "github-actions.yml")
workflow = yaml.safe_load(open(workflow_path, encoding="utf-8"))
failures = []
help_texts = {}


def help_of(subcommand):
    if subcommand not in help_texts:
        answer = subprocess.run([harness, subcommand, "--help"], capture_output=True, text=True)
        help_texts[subcommand] = answer.stdout if answer.returncode == 0 else None
    return help_texts[subcommand]


def shell_lines(script):
    """A step's run: script as lines, continuations joined."""
    return script.replace("\\\n", " ").splitlines()


jobs = workflow.get("jobs", {})
if not jobs:
    failures.append("no jobs")
harness_calls = 0
docker_packages = runtime_packages(os.path.join(root, "Dockerfile"))
for job_name, job in jobs.items():
    steps = job.get("steps", [])
    shards = job.get("strategy", {}).get("matrix", {}).get("shard")
    shard_counts = set()
    reports = []
    for step in steps:
        for line in shell_lines(step.get("run", "")):
            packages = apt_packages(line)
            if "libssl3" in packages and packages != docker_packages:
                failures.append(f"{job_name}: installs {sorted(packages)}, the Dockerfile's runtime stage "
                                f"{sorted(docker_packages)}")
            shard_counts |= {int(n) for n in re.findall(r"--shard \$\{\{ *matrix\.shard *\}\}/(\d+)", line)}
            for other in re.findall(r"--shard (\S+)", line):
                if not re.fullmatch(r"\$\{\{", other):
                    failures.append(f"{job_name}: --shard {other}: not the matrix's shard")
            for words in commands(line):
                for i, word in enumerate(words[:-1]):
                    if os.path.basename(word) != "harness":
                        continue
                    harness_calls += 1
                    subcommand, arguments = words[i + 1], words[i + 2:]
                    help_text = help_of(subcommand)
                    if help_text is None:
                        failures.append(f"{job_name}: `harness {subcommand}` is not a harness subcommand")
                        continue
                    for argument in arguments:
                        option = argument.split("=", 1)[0]
                        if option.startswith("--") and not re.search(r"(^|[\s,])" + re.escape(option) + r"\b",
                                                                      help_text):
                            failures.append(f"{job_name}: `harness {subcommand} {option}` is not in its --help")
                    for flag in ("--junit", "--report", "--json"):
                        if flag in arguments:
                            reports.append(arguments[arguments.index(flag) + 1])
    if shards is not None or shard_counts:
        if len(shard_counts) != 1:
            failures.append(f"{job_name}: matrix shards {shards} but --shard .../N with N in {sorted(shard_counts)}")
        elif shards != list(range(1, next(iter(shard_counts)) + 1)):
            failures.append(f"{job_name}: matrix shards {shards}, expected 1..{next(iter(shard_counts))}")
    uploads = [step for step in steps if "upload-artifact" in step.get("uses", "")]
    for report in reports:
        folder = report.split("${{")[0]
        if not any(step.get("if") == "always()" and folder.startswith(str(step.get("with", {}).get("path", "")).rstrip("/"))
                   for step in uploads):
            failures.append(f"{job_name}: {report} is not uploaded by an `if: always()` upload-artifact step")

if harness_calls < 2:
    failures.append(f"only {harness_calls} harness calls found")
publishers = [step for job in jobs.values() for step in job.get("steps", []) if "junit" in step.get("uses", "")]
if not publishers:
    failures.append("no step publishes the JUnit reports")

for failure in failures:
    print(f"FAIL: {os.path.relpath(workflow_path, root)}: {failure}")
print(f"{len(failures)} failure(s), {harness_calls} harness calls checked")
sys.exit(1 if failures else 0)
