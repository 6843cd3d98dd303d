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
# The consumer must not see the source tree: only the installed package. It
# is compiled as the package was (a sanitizer build's library needs the
# sanitizer's runtime at link time).
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
cmake -S "$root/examples/cmake-consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER="$(cached CMAKE_CXX_COMPILER)" -DCMAKE_CXX_FLAGS="$(cached CMAKE_CXX_FLAGS)" \
      -DCMAKE_EXE_LINKER_FLAGS="$(cached CMAKE_EXE_LINKER_FLAGS)" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/embedded_mock_check"
