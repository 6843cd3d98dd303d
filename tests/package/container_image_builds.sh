#!/bin/sh
# The container image (Dockerfile), where a Docker engine is reachable:
# builds it, runs each program's --version, the apps suite from the image,
# and the standalone mock as documented (a published port answering like
# Discord). Without an engine it skips (exit 77) and says why; the runtime
# stage is then still checked by container_runtime_stage_test.py.
#   tests/package/container_image_builds.sh VERSION
set -u
version=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v docker >/dev/null 2>&1; then
  echo "SKIP: no docker command on this machine, so the image is not built here"
  exit 77
fi
if ! docker info >/dev/null 2>&1; then
  echo "SKIP: \`docker info\` fails (no Docker engine reachable), so the image is not built here"
  exit 77
fi
tag=discord-oauth-mock-test:$$
mock=""
cleanup() {
  [ -n "$mock" ] && docker rm -f "$mock" >/dev/null 2>&1
  docker image rm -f "$tag" >/dev/null 2>&1
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

docker build -t "$tag" "$root" || { echo "FAIL: docker build"; exit 1; }
for program in harness mock_discord reference_app; do
  out=$(docker run --rm "$tag" "$program" --version 2>&1)
  [ "$out" = "$program $version" ] && echo "ok: $program --version" || fail "$program --version said '$out'"
done

out=$(docker run --rm "$tag" harness check-app --suite /usr/local/share/discord_oauth_mock/scenarios/apps 2>&1)
[ $? -eq 0 ] && echo "ok: the apps suite runs in the image" || fail "check-app in the image: $out"

# The documented line, on a port Docker picks, then Discord's 401 for no token.
mock=$(docker run -d -p 127.0.0.1::8090 "$tag" mock_discord --host 0.0.0.0 --port 8090) || { fail "docker run -d"; mock=""; }
if [ -n "$mock" ]; then
  tries=0
  until docker logs "$mock" 2>&1 | grep -q listening; do
    tries=$((tries + 1))
    [ $tries -gt 300 ] && break
    sleep 0.1
  done
  port=$(docker port "$mock" 8090/tcp | head -n 1 | sed 's/.*://')
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v10/users/@me")
  [ "$status" = 401 ] && echo "ok: the standalone mock answers on the published port" ||
    fail "the standalone mock: status '$status' on port '$port'; logs: $(docker logs "$mock" 2>&1)"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
