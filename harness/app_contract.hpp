// The app contract's optional keys as `harness run` / `check-app` flags:
// `--app-login-path`, `--app-redirect-path`, `--app-user-page`,
// `--app-refreshes`, `--app-ready-timeout` and `--intercept-discord` describe
// the app that `--app-cmd` names, so they apply where --app-cmd does
// (scenarios that do not set `kind`) and win over the scenario's own keys there.
#pragma once

#include <optional>
#include <string>

#include "harness/scenario.hpp"

namespace CLI {
class App;
}

namespace harness {

struct AppOverrides {
  std::optional<std::string> login_path;
  std::optional<std::string> redirect_path;
  std::optional<std::string> user_page;
  std::optional<bool> refreshes;
  std::optional<support::Duration> ready_timeout;
  bool intercept_discord = false;  // --intercept-discord

  bool any() const { return login_path || redirect_path || user_page || refreshes || ready_timeout || intercept_discord; }
};

// The app a scenario runs against: its own `app:` section, with the
// overrides applied when it does not set `kind`. A redirect path moves the
// redirect URI too unless the section gives `redirect_uri`. When that app is
// the reference app (`app_command`: whether --app-cmd replaces apps that do
// not set `kind`), its own contract fills what is not given: `/me` shows
// who is signed in, and it refreshes its tokens.
AppSpec effective_app(const AppSpec& spec, const AppOverrides& overrides, bool app_command = false);

// Reads the flags' raw text (paths checked like the YAML keys, the timeout
// a duration); throws support::UsageError naming the flag.
struct AppFlagText {
  std::string login_path, redirect_path, user_page, refreshes, ready_timeout;
  bool intercept_discord = false;
};
AppOverrides parse_app_flags(const AppFlagText& text);
// Adds the --app-* flags to a CLI11 subcommand.
void add_app_flags(CLI::App& command, AppFlagText& text);

}  // namespace harness
