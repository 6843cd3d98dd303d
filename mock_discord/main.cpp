// mock_discord: the standalone fake Discord. A thin shell around
// mock_discord::Server: read the options and the config, start, print the
// URL, wait for SIGINT or SIGTERM, stop.
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "mock_discord/placeholders.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "support/errors.hpp"
#include "support/signals.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"mock_discord: an offline Discord OAuth2 server (docs/mock_discord.md)"};
  app.set_version_flag("--version", std::string("mock_discord ") + PROJECT_VERSION);
  std::string config_path;
  mock_discord::ServerOptions options;
  std::optional<std::uint64_t> seed;
  std::string app_url = "http://127.0.0.1:5000";
  app.add_option("--config", config_path, "the world: the discord: section of a scenario (default: the spec's defaults)");
  app.add_option("--host", options.host, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "port to listen on; 0 picks a free one")->capture_default_str();
  app.add_option("--seed", seed, "seed of codes, tokens and ids (overrides the config's)");
  app.add_option("--admin-token", options.admin_token,
                 "require 'Authorization: Bearer TOKEN' on /_mock/ (default: loopback callers only)");
  app.add_option("--app-url", app_url, "the value of ${app}: the default redirect URI is ${app}/callback")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(support::ExitCode::invalid_input);
  }
  if (options.port < 0 || options.port > 65535) throw support::UsageError("--port must be between 0 and 65535");

  mock_discord::Config config = config_path.empty()
                                    ? mock_discord::Config::defaults(app_url)
                                    : mock_discord::load_config_file(config_path,
                                                                     mock_discord::table_resolver({{"app", app_url}}),
                                                                     app_url);
  if (seed) config.seed = *seed;

  support::StopSignals stop_signals;  // before any thread exists

  mock_discord::Server server(config, options);
  server.failures().set_clock([&server] { return server.world().now_ms(); });  // 429 holds follow /_mock/clock
  server.start();
  std::cout << "mock_discord listening on " << server.url() << std::endl;
  stop_signals.wait();
  server.stop();
  std::cout << "mock_discord stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const support::Error& error) {
    std::cerr << error.what() << std::endl;
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    std::cerr << "mock_discord: " << error.what() << std::endl;
    return static_cast<int>(support::ExitCode::system);
  }
}
