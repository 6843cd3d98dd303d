// The --app-* flags and the app a scenario really runs against (see app_contract.hpp).
#include "harness/app_contract.hpp"

#include <CLI/CLI.hpp>

#include "support/errors.hpp"

namespace harness {
namespace {

std::optional<std::string> path_flag(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text[0] != '/' || text.find_first_of(" ?#") != std::string::npos)
    throw support::UsageError(flag + " must be a path like /callback, found '" + text + "'");
  return text;
}

}  // namespace

AppSpec effective_app(const AppSpec& spec, const AppOverrides& overrides, bool app_command) {
  AppSpec app = spec;
  const bool reference_app = spec.kind == AppSpec::Kind::reference && (spec.kind_given || !app_command);
  if (reference_app) {
    app.user_page = app.user_page.empty() ? "/me" : app.user_page;
    app.refreshes = true;
  }
  if (spec.kind_given) return app;
  if (overrides.login_path) app.login_path = *overrides.login_path;
  if (overrides.user_page) app.user_page = *overrides.user_page;
  if (overrides.refreshes) app.refreshes = *overrides.refreshes;
  if (overrides.ready_timeout) app.ready_timeout = *overrides.ready_timeout;
  if (overrides.intercept_discord) app.intercept_discord = true;
  if (overrides.redirect_path) {
    app.redirect_path = *overrides.redirect_path;
    if (!app.redirect_uri_given) app.redirect_uri = "${app}" + app.redirect_path;
  }
  return app;
}

AppOverrides parse_app_flags(const AppFlagText& text) {
  AppOverrides overrides;
  overrides.login_path = path_flag("--app-login-path", text.login_path);
  overrides.redirect_path = path_flag("--app-redirect-path", text.redirect_path);
  overrides.user_page = path_flag("--app-user-page", text.user_page);
  if (!text.refreshes.empty()) {
    if (text.refreshes != "true" && text.refreshes != "false")
      throw support::UsageError("--app-refreshes is true or false, found '" + text.refreshes + "'");
    overrides.refreshes = text.refreshes == "true";
  }
  if (!text.ready_timeout.empty()) {
    overrides.ready_timeout = support::parse_duration(text.ready_timeout);
    if (!overrides.ready_timeout)
      throw support::UsageError("--app-ready-timeout is a duration like 20s, found '" + text.ready_timeout + "'");
    if (overrides.ready_timeout->count() <= 0) throw support::UsageError("--app-ready-timeout must be longer than 0ms");
  }
  overrides.intercept_discord = text.intercept_discord;
  return overrides;
}

void add_app_flags(CLI::App& command, AppFlagText& text) {
  command.add_option("--app-login-path", text.login_path, "where the app starts sign-in (app: login_path)");
  command.add_option("--app-redirect-path", text.redirect_path,
                     "the app's callback path; also what Discord has registered (app: redirect_path)");
  command.add_option("--app-user-page", text.user_page, "a page that shows who is signed in (app: user_page)");
  command.add_option("--app-refreshes", text.refreshes, "true when the app refreshes tokens itself (app: refreshes)");
  command.add_option("--app-ready-timeout", text.ready_timeout, "how long the app may take to start (app: ready_timeout)");
  command.add_flag("--intercept-discord", text.intercept_discord,
                   "the app hard-codes https://discord.com: stand in for it (app: {discord: intercept}); "
                   "no other outside host is reachable");
}

}  // namespace harness
