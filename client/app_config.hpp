// The reference app's settings: a plain struct the harness can fill in
// directly, or read from config.ini (the tutorial's ClientId, ClientSecret,
// RedirectUrl) with the environment of the app contract winning over it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "client/oauth_config.hpp"
#include "support/diagnostic.hpp"

namespace client {

struct AppConfig {
  OAuthConfig oauth;
  std::string host = "127.0.0.1";
  int port = 5000;        // 0: any free port
  bool pkce = false;      // S256 PKCE on every sign-in
  // Where sign-in starts; /login serves it too (the pages link there). The
  // callback is served at the path of oauth.redirect_uri.
  std::string login_path = "/login";
  int keep_alive_seconds = 2;  // short, so that stop() returns quickly
};

// Looks a variable up; nullopt when unset.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// config.ini keys (case-insensitive; [sections] are ignored): ClientId,
// ClientSecret, RedirectUrl, Scopes, AuthorizeUrl, TokenUrl, ApiBase, Port,
// Pkce. Throws support::InputError at file:line:col for unknown keys and bad values.
void apply_ini(AppConfig& config, const support::SourceText& ini);
// PORT, DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI,
// DISCORD_SCOPES, DISCORD_AUTHORIZE_URL, DISCORD_TOKEN_URL, DISCORD_API_BASE,
// DISCORD_PKCE. Throws support::InputError naming the variable.
void apply_environment(AppConfig& config, const Environment& environment);

// Defaults, then `ini_path` (skipped when empty, or when missing and not
// `ini_required`), then the environment; checks that the result is complete
// and says where each missing setting can be given.
AppConfig load_app_config(const std::string& ini_path, bool ini_required, const Environment& environment);

}  // namespace client
