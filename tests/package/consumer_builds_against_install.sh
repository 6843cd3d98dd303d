#!/usr/bin/env bash
# The CMake package works for a project outside this tree: install the build
# into a fresh prefix, configure examples/cmake-consumer against it with
# find_package(mock_discord), build it and run it. Usage: SCRIPT BUILD_DIR.
set -euo pipefail
build=${1:?usage: consumer_builds_against_install.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
for program in harness mock_discord reference_app; do
  test -x "$work/prefix/bin/$program" || { echo "not installed: bin/$program" >&2; exit 1; }
done
# The consumer must not see the source tree: only the installed package.
cmake -S "$root/examples/cmake-consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/embedded_mock_check"
