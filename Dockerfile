# The container image: mock_discord, harness and reference_app on Debian 12,
# with the shipped suites in /usr/local/share/discord_oauth_mock/scenarios.
#   docker build -t discord-oauth-mock .
#   docker run --rm -p 8090:8090 discord-oauth-mock mock_discord --host 0.0.0.0 --port 8090
#   docker run --rm -v "$PWD:/app" -w /app discord-oauth-mock \
#     harness run /usr/local/share/discord_oauth_mock/scenarios/apps --app-cmd "./my-app"
# tests/package/container_image_builds.sh builds and runs it where Docker
# is; tests/package/container_runtime_stage_test.py checks, without Docker,
# that the install below gives the runtime stage every file and every
# shared library it needs (so edit both stages together).

# Build stage: scripts/setup installs the Debian -dev packages and builds the
# three programs (one package list for people and the image).
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY . .
RUN scripts/setup programs \
 && cmake --install build --prefix /opt/discord_oauth_mock --component runtime

# Runtime stage: the shared libraries the programs link (`ldd`), nothing else.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libc6 libgcc-s1 libstdc++6 libssl3 libcpp-httplib0.11 libyaml-cpp0.7 zlib1g libbrotli1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/discord_oauth_mock/ /usr/local/
WORKDIR /app
EXPOSE 8090
# Any of the programs is the command; without one, the standalone mock.
CMD ["mock_discord", "--host", "0.0.0.0", "--port", "8090"]
