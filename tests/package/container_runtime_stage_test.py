#!/usr/bin/env python3
"""The Dockerfile's runtime stage, checked without Docker: performs the
build stage's own `cmake --install` (read from the Dockerfile) into a
temporary prefix, then checks that what the runtime stage copies exists and
holds the programs, the suites and the schema (and no development files),
that the programs run (--version; the installed suites pass `harness
check`; `harness check-app` finds the installed apps suite), and that every shared library they load (ldd) comes from a Debian
package the runtime stage installs (dpkg -S).

  tests/package/container_runtime_stage_test.py BUILD_DIR VERSION
"""
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dockerfile import commands, runtime_packages, stages  # noqa: E402

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
build, version = os.path.abspath(sys.argv[1]), sys.argv[2]
failures = []

dockerfile_path = os.path.join(root, "Dockerfile")
dockerfile_stages = stages(dockerfile_path)
build_stage = dict(dockerfile_stages).get("build")
runtime_stage = dockerfile_stages[-1][1]
if build_stage is None or dockerfile_stages[-1][0]:
    sys.exit("Dockerfile: expected a stage named build and an unnamed last (runtime) stage")

install = next((words for line in build_stage if line.startswith("RUN ") for words in commands(line[4:])
                if words[:2] == ["cmake", "--install"]), None)
if install is None or "--prefix" not in install:
    sys.exit("Dockerfile: the build stage has no `cmake --install BUILD --prefix PREFIX`")
image_prefix = install[install.index("--prefix") + 1]
packages = runtime_packages(dockerfile_path)
copies = [line.split()[1:] for line in runtime_stage if line.startswith("COPY --from=build ")]
if not packages or not copies:
    sys.exit(f"Dockerfile: the runtime stage installs {sorted(packages)} and copies {copies}")

with tempfile.TemporaryDirectory() as work:
    prefix = os.path.join(work, "prefix")
    # The same install, into a temporary prefix and from this build folder.
    command = install[:2] + [build] + install[3:]
    command[command.index("--prefix") + 1] = prefix
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    image = os.path.join(work, "image")  # what the runtime stage's COPY lines make of it
    for _, source, destination in copies:
        if not source.startswith(image_prefix):
            failures.append(f"COPY --from=build {source}: not from the install prefix {image_prefix}")
            continue
        local = prefix + source[len(image_prefix):]
        if not os.path.isdir(local) or not os.listdir(local):
            failures.append(f"COPY --from=build {source}: nothing installed there")
            continue
        os.makedirs(image + destination, exist_ok=True)
        subprocess.run(["cp", "-a", local.rstrip("/") + "/.", image + destination], check=True)

    bin_dir = os.path.join(image, "usr", "local", "bin")
    share = os.path.join(image, "usr", "local", "share", "discord_oauth_mock")
    for needed in ("harness", "mock_discord", "reference_app", "libdiscord_intercept.so"):
        if not os.path.isfile(os.path.join(bin_dir, needed)):
            failures.append(f"the image has no /usr/local/bin/{needed}")
    for needed in ("scenarios/apps/sign-in.yaml", "scenarios/discord", "scenarios/flows", "docs/scenario.schema.json"):
        if not os.path.exists(os.path.join(share, needed)):
            failures.append(f"the image has no /usr/local/share/discord_oauth_mock/{needed}")
    for development in ("include", "lib"):
        if os.path.exists(os.path.join(image, "usr", "local", development)):
            failures.append(f"the runtime stage holds development files: /usr/local/{development}")
    cmd = next((line for line in runtime_stage if line.startswith("CMD ")), "")
    if '"mock_discord"' not in cmd:
        failures.append(f"the image's CMD should start the standalone mock: {cmd}")

    for program in ("harness", "mock_discord", "reference_app"):
        path = os.path.join(bin_dir, program)
        if os.path.isfile(path):
            out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
            if out != f"{program} {version}":
                failures.append(f"{program} --version said '{out}'")
    if os.path.isdir(os.path.join(share, "scenarios")):
        check = subprocess.run([os.path.join(bin_dir, "harness"), "check", os.path.join(share, "scenarios")],
                               capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f"the installed suites do not pass `harness check`: {check.stdout}{check.stderr}")
        # As `docker run -w /app IMAGE harness check-app` does: the installed suite, from a folder without one.
        app_folder = os.path.join(work, "app")
        os.makedirs(app_folder)
        check_app = subprocess.run([os.path.join(bin_dir, "harness"), "check-app", "--jobs", "2"], cwd=app_folder,
                                   capture_output=True, text=True)
        checks = len([name for name in os.listdir(os.path.join(share, "scenarios", "apps")) if name.endswith(".yaml")])
        if check_app.returncode != 0 or f"of {checks} checks" not in check_app.stdout:
            failures.append(f"`harness check-app` from a folder without the suite: exit {check_app.returncode}\n"
                            f"{check_app.stdout}{check_app.stderr}")

    # Every shared library from a package the runtime stage installs.
    for name in sorted(os.listdir(bin_dir)) if os.path.isdir(bin_dir) else []:
        ldd = subprocess.run(["ldd", os.path.join(bin_dir, name)], capture_output=True, text=True).stdout
        for line in ldd.splitlines():
            if "not found" in line:
                failures.append(f"{name}: {line.strip()}")
                continue
            match = re.search(r"(/\S+) \(0x", line)
            if not match:
                continue  # linux-vdso: the kernel's
            path = match.group(1)
            real = os.path.realpath(path)
            candidates = []
            for candidate in (path, real):
                candidates += [candidate, candidate[4:] if candidate.startswith("/usr/") else "/usr" + candidate]
            owner = None
            for candidate in candidates:
                answer = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
                if answer.returncode == 0:
                    owner = answer.stdout.split(":")[0]
                    break
            if owner is None:
                failures.append(f"{name}: {path} belongs to no Debian package")
            elif owner not in packages:
                failures.append(f"{name}: {path} is from {owner}, which the runtime stage does not install "
                                f"(it installs {' '.join(sorted(packages))})")

for failure in failures:
    print("FAIL:", failure)
print(f"{len(failures)} failure(s); runtime packages: {' '.join(sorted(packages))}")
sys.exit(1 if failures else 0)
