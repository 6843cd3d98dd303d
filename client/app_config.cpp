// Reading config.ini and the environment into an AppConfig.
#include "client/app_config.hpp"
#include "support/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "support/errors.hpp"
#include "support/suggest.hpp"

namespace client {
namespace {

using support::text::lower;

std::string trim(const std::string& text) { return support::text::trim(text, " \t\r"); }

std::optional<bool> parse_bool(const std::string& text) {
  std::string value = lower(trim(text));
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off" || value.empty()) return false;
  return std::nullopt;
}

std::optional<int> parse_port(const std::string& text) {
  std::string value = trim(text);
  if (value.empty() || value.size() > 5 || !std::all_of(value.begin(), value.end(), ::isdigit)) return std::nullopt;
  int port = std::stoi(value);
  if (port > 65535) return std::nullopt;
  return port;
}

// One setting, named as config.ini and the environment spell it.
struct Setting {
  const char* ini_key;
  const char* variable;
  // Stores `value`; returns an error message, or "" when the value is fine.
  std::string (*apply)(AppConfig&, const std::string& value);
};

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"ClientId", "DISCORD_CLIENT_ID", [](AppConfig& c, const std::string& v) { c.oauth.client_id = v; return std::string(); }},
      {"ClientSecret", "DISCORD_CLIENT_SECRET",
       [](AppConfig& c, const std::string& v) { c.oauth.client_secret = v; return std::string(); }},
      {"RedirectUrl", "DISCORD_REDIRECT_URI",
       [](AppConfig& c, const std::string& v) { c.oauth.redirect_uri = v; return std::string(); }},
      {"Scopes", "DISCORD_SCOPES",
       [](AppConfig& c, const std::string& v) {
         c.oauth.scopes = split_scopes(v);
         return c.oauth.scopes.empty() ? std::string("needs at least one scope, e.g. 'identify email'") : std::string();
       }},
      {"AuthorizeUrl", "DISCORD_AUTHORIZE_URL",
       [](AppConfig& c, const std::string& v) { c.oauth.authorize_url = v; return std::string(); }},
      {"TokenUrl", "DISCORD_TOKEN_URL", [](AppConfig& c, const std::string& v) { c.oauth.token_url = v; return std::string(); }},
      {"ApiBase", "DISCORD_API_BASE", [](AppConfig& c, const std::string& v) { c.oauth.api_base = v; return std::string(); }},
      // The CA bundle to verify Discord with: OpenSSL's variable, so that the
      // run CA a test harness hands over works as for any other program.
      {"CaFile", "SSL_CERT_FILE",
       [](AppConfig& c, const std::string& v) { c.oauth.transport.ca_cert_path = v; return std::string(); }},
      {"Port", "PORT",
       [](AppConfig& c, const std::string& v) {
         auto port = parse_port(v);
         if (!port) return std::string("must be a port number from 0 to 65535, not '" + v + "'");
         c.port = *port;
         return std::string();
       }},
      {"Pkce", "DISCORD_PKCE",
       [](AppConfig& c, const std::string& v) {
         auto on = parse_bool(v);
         if (!on) return std::string("must be 1 or 0 (true or false), not '" + v + "'");
         c.pkce = *on;
         return std::string();
       }},
  };
  return table;
}

std::string unquote(const std::string& value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    return value.substr(1, value.size() - 2);
  return value;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

void apply_ini(AppConfig& config, const support::SourceText& ini) {
  std::vector<std::string> keys;
  for (const auto& setting : settings()) keys.push_back(setting.ini_key);
  std::istringstream lines(ini.text());
  int number = 0;
  for (std::string raw; std::getline(lines, raw);) {
    ++number;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '[') continue;
    int column = static_cast<int>(raw.find_first_not_of(" \t")) + 1;
    std::size_t separator = line.find_first_of("=:");
    if (separator == std::string::npos)
      throw support::InputError(support::format_diagnostic(ini, number, column, "expected 'Key = value'"));
    std::string key = trim(line.substr(0, separator));
    std::string value = unquote(trim(line.substr(separator + 1)));
    auto setting = std::find_if(settings().begin(), settings().end(),
                                [&](const Setting& s) { return lower(s.ini_key) == lower(key); });
    if (setting == settings().end())
      throw support::InputError(support::format_diagnostic(
          ini, number, column, "unknown key '" + key + "'" + support::did_you_mean(key, keys)));
    std::string problem = setting->apply(config, value);
    if (!problem.empty()) {
      int value_column = static_cast<int>(raw.find_first_not_of(" \t", raw.find_first_of("=:") + 1)) + 1;
      throw support::InputError(
          support::format_diagnostic(ini, number, value_column, std::string(setting->ini_key) + " " + problem));
    }
  }
}

void apply_environment(AppConfig& config, const Environment& environment) {
  for (const auto& setting : settings()) {
    auto value = environment(setting.variable);
    if (!value) continue;
    std::string problem = setting.apply(config, *value);
    if (!problem.empty()) throw support::InputError(std::string("environment variable ") + setting.variable + " " + problem);
  }
}

AppConfig load_app_config(const std::string& ini_path, bool ini_required, const Environment& environment) {
  AppConfig config;
  if (!ini_path.empty() && (ini_required || std::ifstream(ini_path).good()))
    apply_ini(config, *support::SourceText::read_file(ini_path));
  apply_environment(config, environment);

  auto missing = [&](const std::string& what, const char* key, const char* variable) {
    return support::InputError(what + " is missing: set " + key + " in " +
                               (ini_path.empty() ? std::string("config.ini") : ini_path) + " or the environment variable " +
                               variable);
  };
  if (config.oauth.client_id.empty()) throw missing("the client id", "ClientId", "DISCORD_CLIENT_ID");
  if (config.oauth.client_secret.empty() && !config.pkce)
    throw missing("the client secret (only a public client using PKCE may omit it)", "ClientSecret",
                  "DISCORD_CLIENT_SECRET");
  if (config.oauth.redirect_uri.empty()) throw missing("the redirect URI", "RedirectUrl", "DISCORD_REDIRECT_URI");
  config.oauth.validate();
  return config;
}

}  // namespace client
