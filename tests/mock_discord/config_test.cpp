// The discord: section and fail: rules: defaults, every value, and every
// located error (file:line:col, the line, a caret, "did you mean").
#include "mock_discord/config.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "mock_discord/placeholders.hpp"
#include "support/errors.hpp"

using namespace mock_discord;

namespace {

Config config_from(const std::string& yaml, const Resolver& resolve = no_placeholders) {
  auto reader = support::YamlReader::from_string("c.yaml", yaml);
  return parse_config(reader, reader.root(), resolve, "http://app.test");
}

std::string error_of(const std::string& yaml, const Resolver& resolve = no_placeholders) {
  try {
    config_from(yaml, resolve);
  } catch (const support::InputError& error) {
    return error.what();
  }
  return "(no error)";
}

// The first line of an error: "c.yaml:3:7: message".
std::string headline(const std::string& yaml) {
  std::string message = error_of(yaml);
  return message.substr(0, message.find('\n'));
}

FailureRule rule(const std::string& yaml) {
  auto reader = support::YamlReader::from_string("r.yaml", yaml);
  return parse_failure_rule(reader, reader.root(), "step 2");
}

std::string rule_error(const std::string& yaml) {
  try {
    rule(yaml);
  } catch (const support::InputError& error) {
    std::string message = error.what();
    return message.substr(0, message.find('\n'));
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("the defaults are the spec's") {
  Config config = Config::defaults("http://127.0.0.1:5000");
  REQUIRE(config.applications.size() == 1);
  const Application& app = config.applications[0];
  CHECK(app.id == "157730590492196864");
  CHECK(app.name == "Airhorn");
  CHECK(app.secret == "mock-secret");
  CHECK(app.redirect_uris == std::vector<std::string>{"http://127.0.0.1:5000/callback"});
  CHECK_FALSE(app.is_public);
  REQUIRE(config.users.size() == 1);
  const User& nelly = config.users[0];
  CHECK(nelly.id == "80351110224678912");
  CHECK(nelly.username == "nelly");
  CHECK(nelly.global_name == "Nelly");
  CHECK(nelly.email == "nelly@example.com");
  CHECK(nelly.verified);
  REQUIRE(nelly.guilds.size() == 1);
  CHECK(nelly.guilds[0].id == "41771983423143937");
  CHECK(nelly.guilds[0].name == "Test Guild");
  CHECK(nelly.guilds[0].owner);
  CHECK(nelly.guilds[0].permissions == "2147483647");
  CHECK(config.signed_in == "nelly");
  CHECK(config.consent == ConsentMode::page);
  CHECK(config.code_ttl == std::chrono::seconds(100));
  CHECK(config.token_ttl == std::chrono::seconds(604800));
  CHECK(config.find_user("nelly") == &config.users[0]);
  CHECK(config.find_user("80351110224678912") == &config.users[0]);
  CHECK(config.find_user("bob") == nullptr);
  CHECK(config.find_application("157730590492196864") == &config.applications[0]);
  CHECK(config.find_application("1") == nullptr);
}

TEST_CASE("an empty or null discord: section gives the defaults") {
  CHECK(config_from("").applications[0].redirect_uris[0] == "http://app.test/callback");
  CHECK(config_from("~").users[0].username == "nelly");
}

TEST_CASE("every key of the spec's example is read") {
  Config config = config_from(R"(
applications:
  - id: "157730590492196864"
    name: Airhorn
    secret: s3cret
    redirect_uris: ["${app}/callback", "http://localhost:8080/cb"]
    public: true
    description: horns
  - id: "2"
users:
  - id: "80351110224678912"
    username: nelly
    global_name: Nelly
    email: nelly@example.com
    verified: false
    avatar: abc
    mfa_enabled: true
    locale: fr
    guilds: [{id: "41771983423143937", name: Test Guild, owner: true, permissions: "2147483647", icon: x}]
  - {id: "3", username: bob}
signed_in: bob
consent: auto
code_ttl: 10s
token_ttl: 7d
rate_limits:
  users_me: {limit: 5, per: 5s}
failures:
  - {endpoint: token, status: 500}
  - {endpoint: any, fault: reset, after: 2, times: always}
seed: 42
)",
                        table_resolver({{"app", "http://tunnel.test"}}));
  REQUIRE(config.applications.size() == 2);
  CHECK(config.applications[0].secret == "s3cret");
  CHECK(config.applications[0].redirect_uris ==
        std::vector<std::string>{"http://tunnel.test/callback", "http://localhost:8080/cb"});
  CHECK(config.applications[0].is_public);
  CHECK(config.applications[0].description == "horns");
  CHECK(config.applications[1].name == "Airhorn");
  CHECK(config.applications[1].redirect_uris == std::vector<std::string>{"http://app.test/callback"});
  REQUIRE(config.users.size() == 2);
  CHECK_FALSE(config.users[0].verified);
  CHECK(config.users[0].avatar == "abc");
  CHECK(config.users[0].mfa_enabled);
  CHECK(config.users[0].locale == "fr");
  CHECK(config.users[0].guilds[0].icon == "x");
  CHECK_FALSE(config.users[1].email);
  CHECK(config.users[1].guilds.empty());
  CHECK(config.signed_in == "bob");
  CHECK(config.consent == ConsentMode::auto_approve);
  CHECK(config.code_ttl == std::chrono::seconds(10));
  CHECK(config.token_ttl == std::chrono::hours(24 * 7));
  CHECK(config.rate_limits.at(Endpoint::users_me).limit == 5);
  CHECK(config.rate_limits.at(Endpoint::users_me).per == std::chrono::seconds(5));
  REQUIRE(config.failures.size() == 2);
  CHECK(config.failures[1].describe() == "any fault reset after 2 always");
  CHECK(config.seed == 42);
}

TEST_CASE("users default signed_in to the first one; null or empty signs nobody in") {
  CHECK(config_from("users: [{id: \"5\", username: zed}]").signed_in == "zed");
  CHECK(config_from("signed_in: ~").signed_in.empty());
  CHECK(config_from("signed_in: ''").signed_in.empty());
  CHECK(config_from("signed_in: \"80351110224678912\"").signed_in == "nelly");
}

TEST_CASE("unknown keys are located, shown and get a suggestion") {
  CHECK(error_of("aplications: []\n") ==
        "c.yaml:1:1: unknown key 'aplications' in discord (did you mean 'applications'?)\n"
        "   1 | aplications: []\n"
        "     | ^");
  CHECK(headline("applications:\n  - id: \"1\"\n    redirect_uri: [x]\n") ==
        "c.yaml:3:5: unknown key 'redirect_uri' in application 1 (did you mean 'redirect_uris'?)");
  CHECK(headline("users:\n  - {id: \"1\", username: a, emial: x}\n") ==
        "c.yaml:2:28: unknown key 'emial' in user 1 (did you mean 'email'?)");
  CHECK(headline("users:\n  - id: \"1\"\n    username: a\n    guilds: [{id: \"2\", name: g, owners: true}]\n")
            .rfind("c.yaml:4:33: unknown key 'owners' in guild 1 of user 'a' (did you mean 'owner'?)", 0) == 0);
  CHECK(headline("rate_limits:\n  user_me: {limit: 1, per: 1s}\n") ==
        "c.yaml:2:3: unknown key 'user_me' in 'rate_limits' (did you mean 'users_me'?)");
  CHECK(headline("rate_limits:\n  users_me: {limit: 1, pr: 1s}\n") ==
        "c.yaml:2:24: unknown key 'pr' in the rate limit of users_me (did you mean 'per'?)");
  CHECK(headline("failures:\n  - {endpoint: token, statu: 500}\n") ==
        "c.yaml:2:23: unknown key 'statu' in failure rule 1 (did you mean 'status'?)");
}

TEST_CASE("ids must be snowflakes") {
  CHECK(headline("applications: [{id: \"0123\"}]") ==
        "c.yaml:1:21: the id of application 1 must be a snowflake (digits, no leading zero, as a string), found '0123'");
  CHECK(headline("users: [{id: abc, username: a}]").find("c.yaml:1:14: the id of user 1 must be a snowflake") == 0);
  CHECK(headline("users: [{id: \"1\", username: a, guilds: [{id: \"-4\", name: g}]}]")
            .find("must be a snowflake") != std::string::npos);
  CHECK(headline("users: [{id: \"123456789012345678901\", username: a}]").find("must be a snowflake") !=
        std::string::npos);
  CHECK(config_from("applications: [{id: \"0\"}]").applications[0].id == "0");
}

TEST_CASE("required keys are reported at their map") {
  CHECK(headline("applications:\n  - name: x\n") == "c.yaml:2:5: missing key 'id' in application 1");
  CHECK(headline("users:\n  - id: \"1\"\n") == "c.yaml:2:5: missing key 'username' in user 1");
  CHECK(headline("rate_limits: {token: {limit: 2}}") == "c.yaml:1:22: missing key 'per' in the rate limit of token");
}

TEST_CASE("at most 10 redirect URIs, each a URI without a fragment") {
  std::string eleven = "applications: [{id: \"1\", redirect_uris: [";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? ", " : "") + "\"http://a/" + std::to_string(i) + "\"";
  CHECK(headline(eleven + "]}]") == "c.yaml:1:41: Discord allows at most 10 redirect URIs, found 11");
  CHECK(headline("applications: [{id: \"1\", redirect_uris: [\"http://a/#x\"]}]")
            .find("c.yaml:1:42: not a redirect URI") == 0);
  CHECK(headline("applications: [{id: \"1\", redirect_uris: [\"no scheme\"]}]").find("not a redirect URI") !=
        std::string::npos);
  CHECK(headline("applications: [{id: \"1\", redirect_uris: \"http://a\"}]")
            .find("expected a list for 'redirect_uris'") != std::string::npos);
  CHECK(config_from("applications: [{id: \"1\", redirect_uris: [\"com.example.app:/oauth\"]}]").applications[0].redirect_uris[0] ==
        "com.example.app:/oauth");
}

TEST_CASE("names and ids must be unique") {
  CHECK(headline("users: [{id: \"1\", username: a}, {id: \"2\", username: a}]") ==
        "c.yaml:1:53: username 'a' is listed twice");
  CHECK(headline("users: [{id: \"1\", username: a}, {id: \"1\", username: b}]") ==
        "c.yaml:1:38: user id '1' is listed twice");
  CHECK(headline("applications: [{id: \"1\"}, {id: \"1\"}]") == "c.yaml:1:32: application id '1' is listed twice");
  CHECK(headline("users: [{id: \"1\", username: a, guilds: [{id: \"2\", name: x}, {id: \"2\", name: y}]}]")
            .find("guild id '2' is listed twice") != std::string::npos);
}

TEST_CASE("signed_in must name a user; consent is page or auto") {
  CHECK(headline("signed_in: nely") == "c.yaml:1:12: 'signed_in' names no user: 'nely' (did you mean 'nelly'?)");
  CHECK(headline("consent: autoo") == "c.yaml:1:10: unknown consent 'autoo' in discord (did you mean 'auto'?)");
}

TEST_CASE("typed values are checked where they stand") {
  CHECK(headline("code_ttl: 100") ==
        "c.yaml:1:11: expected a duration for 'code_ttl' (like 250ms, 100s, 10m, 2h, 7d), found '100'");
  CHECK(headline("seed: -1") == "c.yaml:1:7: 'seed' must be between 0 and 9223372036854775807, found -1");
  CHECK(headline("applications: [{id: \"1\", public: yes}]") ==
        "c.yaml:1:34: expected true or false for 'public', found 'yes'");
  CHECK(headline("rate_limits: {users_me: {limit: 0, per: 1s}}") ==
        "c.yaml:1:33: 'limit' must be between 1 and 1000000, found 0");
  CHECK(headline("rate_limits: {users_me: {limit: 1, per: 0s}}") == "c.yaml:1:41: 'per' must be longer than 0ms");
  CHECK(headline("users: 3") == "c.yaml:1:8: expected a list for 'users', found '3'");
}

TEST_CASE("placeholders resolve in every string, and unknown ones are located") {
  Resolver resolve = table_resolver({{"app", "http://x.test"}});
  CHECK(config_from("users: [{id: \"1\", username: \"${app}\"}]", resolve).users[0].username == "http://x.test");
  std::string message = error_of("applications:\n  - id: \"1\"\n    secret: \"${nope}\"\n", resolve);
  CHECK(message ==
        "c.yaml:3:13: unknown placeholder '${nope}' (known here: ${app})\n"
        "   3 |     secret: \"${nope}\"\n"
        "     |             ^");
}

TEST_CASE("failure rules: every field") {
  FailureRule status = rule("{endpoint: token, status: 503, body: {message: down, retry: 2, ok: false, quoted: \"2\"}, "
                            "headers: {Retry-After: '5'}, times: 3, after: 1, delay: 250ms}");
  CHECK(status.kind == FailureRule::Kind::status);
  CHECK(status.endpoint == Endpoint::token);
  CHECK(status.status == 503);
  REQUIRE(status.body);
  CHECK(nlohmann::json::parse(*status.body) ==
        nlohmann::json{{"message", "down"}, {"retry", 2}, {"ok", false}, {"quoted", "2"}});
  CHECK(status.headers == Headers{{"Retry-After", "5"}});
  CHECK(status.times == 3);
  CHECK(status.after == 1);
  CHECK(status.delay == std::chrono::milliseconds(250));
  CHECK(rule("{status: 500, body: plain text}").body == "plain text");
  CHECK(rule("{status: 500}").endpoint == Endpoint::any);
  CHECK_FALSE(rule("{status: 500, times: always}").times);
  CHECK(rule("{path: /api/users/@me, status: 500}").path == "/api/users/@me");

  FailureRule error = rule("{endpoint: token, error: invalid_grant}");
  CHECK(error.kind == FailureRule::Kind::error);
  CHECK(error.error == "invalid_grant");

  FailureRule limited = rule("{endpoint: users_me, rate_limit: {retry_after: 1.5, scope: global}}");
  CHECK(limited.kind == FailureRule::Kind::rate_limit);
  CHECK(limited.retry_after == 1.5);
  CHECK(limited.scope == "global");
  CHECK(rule("{rate_limit: {}}").scope == "user");

  for (const char* name : {"reset", "close", "empty", "malformed_json", "truncated", "hang"}) {
    FailureRule fault = rule(std::string("{fault: ") + name + "}");
    CHECK(fault.kind == FailureRule::Kind::fault);
    CHECK(fault_name(fault.fault) == name);
  }
  FailureRule delay = rule("{endpoint: guilds, delay: 2s}");
  CHECK(delay.kind == FailureRule::Kind::delay_only);
  CHECK(delay.delay == std::chrono::seconds(2));
}

TEST_CASE("failure rules: every mistake is located") {
  CHECK(rule_error("{endpoint: tokn, status: 500}") ==
        "r.yaml:1:12: unknown endpoint 'tokn' in step 2 (did you mean 'token'?)");
  CHECK(rule_error("{endpoint: other, status: 500}") ==
        "r.yaml:1:12: unknown endpoint 'other' in step 2 "
        "(one of authorize, token, revoke, users_me, guilds, oauth2_me, any)");
  CHECK(rule_error("{endpoint: token, path: /x, status: 500}") ==
        "r.yaml:1:19: give either 'endpoint' or 'path' in step 2, not both");
  CHECK(rule_error("{path: x, status: 500}") == "r.yaml:1:8: 'path' must be a request path starting with '/', found 'x'");
  CHECK(rule_error("{status: 500, fault: reset}") ==
        "r.yaml:1:15: a rule takes one of 'status', 'error', 'rate_limit' or 'fault', found 'status' and 'fault' in step 2");
  CHECK(rule_error("{endpoint: token}") ==
        "r.yaml:1:1: a rule needs one of 'status', 'error', 'rate_limit', 'fault' or 'delay' in step 2");
  CHECK(rule_error("{error: invalid_grnt}") == "r.yaml:1:9: unknown error 'invalid_grnt' in step 2 (did you mean 'invalid_grant'?)");
  CHECK(rule_error("{fault: rest}") == "r.yaml:1:9: unknown fault 'rest' in step 2 (did you mean 'reset'?)");
  CHECK(rule_error("{status: 99}") == "r.yaml:1:10: 'status' must be between 100 and 599, found 99");
  CHECK(rule_error("{status: 600}") == "r.yaml:1:10: 'status' must be between 100 and 599, found 600");
  CHECK(rule_error("{status: 500, times: sometimes}") ==
        "r.yaml:1:22: expected a whole number or 'always' for 'times', found 'sometimes'");
  CHECK(rule_error("{status: 500, times: 0}") == "r.yaml:1:22: 'times' must be between 1 and 1000000000, found 0");
  CHECK(rule_error("{status: 500, after: -1}") == "r.yaml:1:22: 'after' must be between 0 and 1000000000, found -1");
  CHECK(rule_error("{fault: hang, delay: 5}").find("r.yaml:1:22: expected a duration for 'delay'") == 0);
  CHECK(rule_error("{fault: reset, body: x}") == "r.yaml:1:16: 'body' goes with 'status' in step 2");
  CHECK(rule_error("{status: 500, headers: [a]}") ==
        "r.yaml:1:24: expected a map of header names to values for 'headers' in step 2");
  CHECK(rule_error("{status: 500, headers: {\"Bad Name\": x}}") == "r.yaml:1:25: not a header name: 'Bad Name'");
  CHECK(rule_error("{status: 500, headers: {X: \"a\\r\\nInjected: 1\"}}") ==
        "r.yaml:1:28: the header 'X' must be one line");
  CHECK(rule_error("{rate_limit: {retry_after: soon}}") ==
        "r.yaml:1:28: expected a number for 'retry_after', found 'soon'");
  CHECK(rule_error("{rate_limit: {scope: globl}}") ==
        "r.yaml:1:22: unknown scope 'globl' in 'rate_limit' of step 2 (did you mean 'global'?)");
  CHECK(rule_error("{rate_limit: {retry_afer: 1}}") ==
        "r.yaml:1:15: unknown key 'retry_afer' in 'rate_limit' of step 2 (did you mean 'retry_after'?)");
  CHECK(rule_error("[status]") == "r.yaml:1:1: expected a map for step 2, found a list");
}

TEST_CASE("config files: the discord: map at the top, or under a discord: key") {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("mock_config_test_" + std::to_string(::getpid()) + ".yaml")).string();
  auto load = [&](const std::string& text) {
    std::ofstream(path) << text;
    return load_config_file(path, no_placeholders, "http://a.test");
  };
  CHECK(load("signed_in: ~\n").signed_in.empty());
  CHECK(load("discord:\n  seed: 7\n").seed == 7);
  try {
    load("discord: {}\nsteps: []\n");
    FAIL("no error");
  } catch (const support::InputError& error) {
    CHECK(std::string(error.what()).find(path + ":2:1: unknown key 'steps' in the config file") == 0);
  }
  std::remove(path.c_str());
  CHECK_THROWS_AS(load_config_file(path, no_placeholders, "http://a.test"), support::InputError);
}

TEST_CASE("the example config loads") {
  Config config = load_config_file(std::string(PROJECT_ROOT) + "/examples/mock-config.yaml",
                                   table_resolver({{"app", "http://127.0.0.1:5000"}}), "http://127.0.0.1:5000");
  CHECK(config.consent == ConsentMode::page);
  CHECK(config.find_user(config.signed_in) != nullptr);
}

TEST_CASE("paths are classified as Discord's endpoints, versioned or not") {
  CHECK(classify_path("/oauth2/authorize") == Endpoint::authorize);
  CHECK(classify_path("/oauth2/authorize/consent") == Endpoint::authorize);
  CHECK(classify_path("/api/oauth2/token") == Endpoint::token);
  CHECK(classify_path("/api/v10/oauth2/token") == Endpoint::token);
  CHECK(classify_path("/api/v6/oauth2/token/revoke") == Endpoint::revoke);
  CHECK(classify_path("/api/users/@me") == Endpoint::users_me);
  CHECK(classify_path("/api/v9/users/%40me") == Endpoint::users_me);
  CHECK(classify_path("/api/users/@me/guilds") == Endpoint::guilds);
  CHECK(classify_path("/api/v10/oauth2/@me") == Endpoint::oauth2_me);
  CHECK(classify_path("/api/vx/oauth2/token") == Endpoint::other);
  CHECK(classify_path("/api/v10x/oauth2/token") == Endpoint::other);
  for (const char* unknown : {"/api/v0/oauth2/token", "/api/v00/oauth2/token", "/api/v06/users/@me", "/api/v/users/@me"})
    CHECK(classify_path(unknown) == Endpoint::other);
  CHECK(classify_path("/api/v99/users/@me") == Endpoint::users_me);  // a version, if not one Discord serves
  CHECK(classify_path("/oauth2/token") == Endpoint::other);
  CHECK(classify_path("/api/users/@me/") == Endpoint::other);
  CHECK(classify_path("/_mock/health") == Endpoint::other);
  CHECK(classify_path("/") == Endpoint::other);
}

TEST_CASE("endpoint and fault names round-trip") {
  for (Endpoint endpoint : {Endpoint::authorize, Endpoint::token, Endpoint::revoke, Endpoint::users_me, Endpoint::guilds,
                            Endpoint::oauth2_me, Endpoint::other, Endpoint::any})
    CHECK(endpoint_from_name(endpoint_name(endpoint)) == endpoint);
  CHECK(endpoint_name(Endpoint::users_me) == "users_me");
  CHECK_FALSE(endpoint_from_name("user_me"));
  CHECK(fault_name(Fault::malformed_json) == "malformed_json");
}

TEST_CASE("table_resolver reads placeholders with the scenario files' grammar") {
  auto resolve = mock_discord::table_resolver({{"app", "http://127.0.0.1:5000"}});
  CHECK(resolve("${app}/callback") == "http://127.0.0.1:5000/callback");
  CHECK(resolve("$${app} costs $5") == "${app} costs $5");  // escaped, and a lone $
  CHECK_THROWS_WITH(resolve("${app"), Catch::Contains("unterminated placeholder"));
  CHECK_THROWS_WITH(resolve("${a b}"), Catch::Contains("malformed placeholder"));
}
