// config.ini and environment reading for the reference app.
#include "client/app_config.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "support/errors.hpp"

namespace {

client::Environment environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

client::AppConfig from_ini(const std::string& text) {
  client::AppConfig config;
  client::apply_ini(config, support::SourceText("config.ini", text));
  return config;
}

std::string ini_error(const std::string& text) {
  try {
    from_ini(text);
  } catch (const support::InputError& error) {
    return error.what();
  }
  return "no error";
}

// A config.ini in a temporary file, removed at the end of the test.
struct TempIni {
  std::string path;
  explicit TempIni(const std::string& text) {
    char name[] = "/tmp/client_app_config_XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~TempIni() { std::remove(path.c_str()); }
};

const char kTutorialIni[] =
    "[DEFAULT]\n"
    "# from the Developer Portal\n"
    "ClientId = 157730590492196864\n"
    "ClientSecret = ini-secret\n"
    "RedirectUrl = http://localhost:5000/callback\n";

}  // namespace

TEST_CASE("config.ini in the tutorial's form") {
  client::AppConfig config = from_ini(kTutorialIni);
  CHECK(config.oauth.client_id == "157730590492196864");
  CHECK(config.oauth.client_secret == "ini-secret");
  CHECK(config.oauth.redirect_uri == "http://localhost:5000/callback");
  CHECK(config.oauth.authorize_url == "https://discord.com/oauth2/authorize");
  CHECK(config.oauth.token_endpoint() == "https://discord.com/api/v10/oauth2/token");
  CHECK(config.oauth.revoke_endpoint() == "https://discord.com/api/v10/oauth2/token/revoke");
  CHECK(config.port == 5000);
  CHECK_FALSE(config.pkce);
}

TEST_CASE("config.ini accepts every setting, any key case, colons and quotes") {
  client::AppConfig config = from_ini(
      "clientid: \"42\"\nScopes = identify  email guilds\nAuthorizeUrl = http://127.0.0.1:9/oauth2/authorize\n"
      "TokenUrl = http://127.0.0.1:9/api/oauth2/token\nApiBase = http://127.0.0.1:9/api/v10\nPort = 8080\nPkce = yes\n"
      "; a comment\n");
  CHECK(config.oauth.client_id == "42");
  CHECK(config.oauth.scopes == std::vector<std::string>{"identify", "email", "guilds"});
  CHECK(config.oauth.token_endpoint() == "http://127.0.0.1:9/api/oauth2/token");
  CHECK(config.oauth.revoke_endpoint() == "http://127.0.0.1:9/api/oauth2/token/revoke");
  CHECK(config.oauth.api_endpoint("/users/@me") == "http://127.0.0.1:9/api/v10/users/@me");
  CHECK(config.port == 8080);
  CHECK(config.pkce);
}

TEST_CASE("config.ini errors name the file, line and column") {
  std::string unknown = ini_error("ClientId = 1\n  ClientSecrett = x\n");
  CHECK_THAT(unknown, Catch::Contains("config.ini:2:3: unknown key 'ClientSecrett'"));
  CHECK_THAT(unknown, Catch::Contains("did you mean 'ClientSecret'?"));
  CHECK_THAT(unknown, Catch::Contains("ClientSecrett = x"));
  CHECK_THAT(ini_error("Port = 99999\n"), Catch::Contains("config.ini:1:8: Port must be a port number"));
  CHECK_THAT(ini_error("Pkce = maybe\n"), Catch::Contains("config.ini:1:8: Pkce must be 1 or 0"));
  CHECK_THAT(ini_error("just words\n"), Catch::Contains("config.ini:1:1: expected 'Key = value'"));
}

TEST_CASE("the environment wins over config.ini") {
  TempIni ini(kTutorialIni);
  client::AppConfig config = client::load_app_config(
      ini.path, true,
      environment({{"PORT", "0"},
                   {"DISCORD_CLIENT_SECRET", "env-secret"},
                   {"DISCORD_REDIRECT_URI", "https://xyz.ngrok-free.app/callback"},
                   {"DISCORD_SCOPES", "identify email"},
                   {"DISCORD_AUTHORIZE_URL", "http://127.0.0.1:7/oauth2/authorize"},
                   {"DISCORD_TOKEN_URL", "http://127.0.0.1:7/api/oauth2/token"},
                   {"DISCORD_API_BASE", "http://127.0.0.1:7/api/v10"},
                   {"DISCORD_PKCE", "1"}}));
  CHECK(config.oauth.client_id == "157730590492196864");  // only in the ini
  CHECK(config.oauth.client_secret == "env-secret");
  CHECK(config.oauth.redirect_uri == "https://xyz.ngrok-free.app/callback");
  CHECK(config.oauth.scopes == std::vector<std::string>{"identify", "email"});
  CHECK(config.oauth.authorize_url == "http://127.0.0.1:7/oauth2/authorize");
  CHECK(config.oauth.token_endpoint() == "http://127.0.0.1:7/api/oauth2/token");
  CHECK(config.oauth.api_base == "http://127.0.0.1:7/api/v10");
  CHECK(config.port == 0);
  CHECK(config.pkce);
}

TEST_CASE("the CA bundle Discord is verified with: SSL_CERT_FILE, as OpenSSL reads it, or CaFile") {
  auto env = [](std::map<std::string, std::string> extra) {
    extra.insert({{"DISCORD_CLIENT_ID", "1"}, {"DISCORD_CLIENT_SECRET", "s"}, {"DISCORD_REDIRECT_URI", "http://localhost/callback"}});
    return environment(extra);
  };
  CHECK(client::load_app_config("", false, env({})).oauth.transport.ca_cert_path == "/etc/ssl/certs/ca-certificates.crt");
  CHECK(client::load_app_config("", false, env({{"SSL_CERT_FILE", "/run/ca.pem"}})).oauth.transport.ca_cert_path ==
        "/run/ca.pem");
  CHECK(from_ini("CaFile = /etc/run-ca.pem\n").oauth.transport.ca_cert_path == "/etc/run-ca.pem");
}

TEST_CASE("load_app_config says where a missing setting can be given") {
  auto message = [](const std::map<std::string, std::string>& variables) {
    try {
      client::load_app_config("", false, environment(variables));
    } catch (const support::InputError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message({}), Catch::Contains("ClientId") && Catch::Contains("DISCORD_CLIENT_ID"));
  CHECK_THAT(message({{"DISCORD_CLIENT_ID", "1"}}), Catch::Contains("DISCORD_CLIENT_SECRET"));
  CHECK_THAT(message({{"DISCORD_CLIENT_ID", "1"}, {"DISCORD_CLIENT_SECRET", "s"}}),
             Catch::Contains("DISCORD_REDIRECT_URI"));
  CHECK_THAT(message({{"DISCORD_CLIENT_ID", "1"}, {"DISCORD_CLIENT_SECRET", "s"}, {"DISCORD_REDIRECT_URI", "nope"}}),
             Catch::Contains("the redirect URI is not an absolute http(s) URL"));
  CHECK_THAT(message({{"DISCORD_CLIENT_ID", "1"}, {"DISCORD_CLIENT_SECRET", "s"},
                      {"DISCORD_REDIRECT_URI", "http://localhost/callback"}, {"PORT", "http"}}),
             Catch::Contains("environment variable PORT must be a port number"));
  // A public client may leave the secret out when it uses PKCE.
  CHECK(message({{"DISCORD_CLIENT_ID", "1"}, {"DISCORD_PKCE", "1"}, {"DISCORD_REDIRECT_URI", "http://localhost/callback"}}) ==
        "no error");
}

TEST_CASE("a missing config.ini is an error only when it was asked for") {
  auto env = environment({{"DISCORD_CLIENT_ID", "1"}, {"DISCORD_CLIENT_SECRET", "s"},
                          {"DISCORD_REDIRECT_URI", "http://localhost/callback"}});
  CHECK(client::load_app_config("/nonexistent/config.ini", false, env).oauth.client_id == "1");
  CHECK_THROWS_AS(client::load_app_config("/nonexistent/config.ini", true, env), support::InputError);
}

TEST_CASE("examples/config.ini is valid and points at a local mock") {
  client::AppConfig config = client::load_app_config(PROJECT_ROOT "/examples/config.ini", true, environment({}));
  CHECK(config.oauth.client_id == "157730590492196864");
  CHECK(config.oauth.redirect_uri == "http://127.0.0.1:5000/callback");
  CHECK(config.oauth.token_endpoint() == "http://127.0.0.1:8090/api/oauth2/token");
  CHECK(config.port == 5000);
}
