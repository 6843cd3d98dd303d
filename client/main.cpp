// build/bin/reference_app: the reference login app as a program. Settings
// come from config.ini and the environment (client/app_config.hpp); it
// serves until SIGTERM or SIGINT.
#include <CLI/CLI.hpp>

#include <iostream>

#include "client/app_config.hpp"
#include "client/reference_app.hpp"
#include "support/errors.hpp"
#include "support/signals.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"The reference Discord login app: /, /login, /callback, /me, /logout on 127.0.0.1:$PORT.\n"
               "Settings: config.ini (ClientId, ClientSecret, RedirectUrl, ...), then the environment\n"
               "(PORT, DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI, DISCORD_SCOPES,\n"
               "DISCORD_AUTHORIZE_URL, DISCORD_TOKEN_URL, DISCORD_API_BASE, DISCORD_PKCE), which wins."};
  cli.set_version_flag("--version", std::string("reference_app ") + PROJECT_VERSION);
  std::string config_path = "config.ini";
  bool config_given = false;
  cli.add_option_function<std::string>(
         "--config", [&](const std::string& path) { config_path = path, config_given = true; },
         "the config.ini to read (default: ./config.ini when it exists)")
      ->type_name("FILE");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error) == 0 ? 0 : static_cast<int>(support::ExitCode::invalid_input);
  }

  support::StopSignals stop_signals;  // before any thread starts

  try {
    client::ReferenceApp app(client::load_app_config(config_path, config_given, client::process_environment()));
    app.start();
    stop_signals.wait();
    app.stop();
    return 0;
  } catch (const support::Error& error) {
    std::cerr << "reference_app: " << error.what() << std::endl;
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    std::cerr << "reference_app: " << error.what() << std::endl;
    return static_cast<int>(support::ExitCode::failed);
  }
}
