// Rate limits: per user and route buckets from the config on the virtual
// clock, X-RateLimit-* headers on every REST answer, Discord's 429, and the
// canned answers failure rules use (error shorthands, rate_limited_response).
#include "mock_fixture.hpp"

#include <regex>

#include "mock_discord/discord_errors.hpp"

using namespace mock_tests;

namespace {

mock_discord::Config limited_config() {
  auto config = test_config();
  config.rate_limits[mock_discord::Endpoint::users_me] = {2, std::chrono::seconds(5)};
  return config;
}

std::string header(const mock_discord::CannedResponse& canned, const std::string& name) {
  for (const auto& [key, value] : canned.headers)
    if (key == name) return value;
  return "<absent>";
}

}  // namespace

TEST_CASE("a configured bucket counts down, answers 429, and refills when the clock moves") {
  MockFixture mock(limited_config());
  auto token = bearer(mock.login().access);
  auto first = mock.get("/api/users/@me", token);
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(first->get_header_value("X-RateLimit-Limit") == "2");
  CHECK(first->get_header_value("X-RateLimit-Remaining") == "1");
  CHECK(std::regex_match(first->get_header_value("X-RateLimit-Reset"), std::regex(R"(\d{10}\.\d{3})")));
  CHECK(std::regex_match(first->get_header_value("X-RateLimit-Reset-After"), std::regex(R"([0-5]\.\d{3})")));
  CHECK(std::regex_match(first->get_header_value("X-RateLimit-Bucket"), std::regex("[0-9a-f]{32}")));
  auto second = mock.get("/api/users/@me", token);
  REQUIRE(second);
  CHECK(second->get_header_value("X-RateLimit-Remaining") == "0");

  auto limited = mock.get("/api/users/@me", token);
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(std::regex_match(limited->body,
                         std::regex(R"(\{"message": "You are being rate limited.", "retry_after": [0-5](\.\d{1,3})?, "global": false\})")));
  CHECK(limited->get_header_value("X-RateLimit-Scope") == "user");
  CHECK(limited->get_header_value("X-RateLimit-Limit") == "2");
  CHECK(limited->get_header_value("X-RateLimit-Remaining") == "0");
  CHECK(limited->get_header_value("X-RateLimit-Bucket") == first->get_header_value("X-RateLimit-Bucket"));
  CHECK(std::regex_match(limited->get_header_value("Retry-After"), std::regex("[1-5]")));
  CHECK_FALSE(limited->has_header("X-RateLimit-Global"));

  mock.server.advance_clock(std::chrono::seconds(5));
  auto refilled = mock.get("/api/users/@me", token);
  REQUIRE(refilled);
  CHECK(refilled->status == 200);
  CHECK(refilled->get_header_value("X-RateLimit-Remaining") == "1");
}

TEST_CASE("buckets are per user and per route") {
  MockFixture mock(limited_config());
  auto nelly = bearer(mock.login("identify guilds").access);
  mock.server.set_signed_in("mallory");
  auto mallory = bearer(mock.login().access);
  CHECK(status_of(mock.get("/api/users/@me", nelly)) == 200);
  CHECK(status_of(mock.get("/api/users/@me", nelly)) == 200);
  CHECK(status_of(mock.get("/api/users/@me", nelly)) == 429);
  CHECK(status_of(mock.get("/api/users/@me", mallory)) == 200);
  auto guilds = mock.get("/api/users/@me/guilds", nelly);  // another route, not limited by the config
  REQUIRE(guilds);
  CHECK(guilds->status == 200);
  auto me = mock.get("/api/users/@me", mallory);
  REQUIRE(me);
  CHECK(guilds->get_header_value("X-RateLimit-Bucket") != me->get_header_value("X-RateLimit-Bucket"));
}

TEST_CASE("every REST answer carries the headers, even unlimited routes and refusals") {
  MockFixture mock;
  auto token = bearer(mock.login().access);
  for (const char* path : {"/api/users/@me", "/api/oauth2/@me", "/api/users/@me/guilds"}) {
    for (const auto& headers : {token, httplib::Headers{}}) {
      auto answer = mock.get(path, headers);
      REQUIRE(answer);
      CHECK(answer->get_header_value("X-RateLimit-Limit") == "50");
      CHECK(answer->has_header("X-RateLimit-Remaining"));
      CHECK(answer->has_header("X-RateLimit-Reset"));
      CHECK(answer->has_header("X-RateLimit-Reset-After"));
      CHECK(answer->has_header("X-RateLimit-Bucket"));
    }
  }
  for (int i = 0; i < 60; ++i) REQUIRE(status_of(mock.get("/api/users/@me", token)) == 200);  // nominal: never refused
}

TEST_CASE("the token endpoint is limited per client when the config says so") {
  auto config = test_config();
  config.rate_limits[mock_discord::Endpoint::token] = {1, std::chrono::seconds(10)};
  MockFixture mock(config);
  auto first = mock.exchange(mock.obtain_code());
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(first->get_header_value("X-RateLimit-Limit") == "1");
  std::string code = mock.obtain_code();
  auto limited = mock.exchange(code);
  REQUIRE(limited);
  CHECK(limited->status == 429);
  mock.server.advance_clock(std::chrono::seconds(10));
  CHECK(status_of(mock.exchange(code)) == 200);  // the refused request did not spend the code
}

TEST_CASE("error shorthands render Discord's exact status and body") {
  using mock_discord::Endpoint;
  CHECK(mock_discord::error_shorthands() == std::vector<std::string>{"invalid_grant", "invalid_client", "invalid_request",
                                                                     "unsupported_grant_type", "unauthorized", "server_error"});
  struct Expected {
    const char* name;
    int status;
    const char* body;
  };
  for (const Expected& expected : {
           Expected{"invalid_grant", 400, R"({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})"},
           Expected{"invalid_client", 401, R"({"error": "invalid_client"})"},
           Expected{"invalid_request", 400, R"({"error": "invalid_request", "error_description": "Invalid \"redirect_uri\" in request."})"},
           Expected{"unsupported_grant_type", 400, R"({"error": "unsupported_grant_type", "error_description": "Grant type None is not supported"})"},
           Expected{"unauthorized", 401, R"({"message": "401: Unauthorized", "code": 0})"},
           Expected{"server_error", 500, R"({"message": "500: Internal Server Error", "code": 0})"},
       }) {
    for (Endpoint endpoint : {Endpoint::token, Endpoint::users_me}) {
      auto canned = mock_discord::error_response(endpoint, expected.name);
      REQUIRE(canned);
      CHECK(canned->status == expected.status);
      CHECK(canned->body == expected.body);
      CHECK(canned->content_type == "application/json");
    }
  }
  CHECK_FALSE(mock_discord::error_response(Endpoint::token, "invalid_grnt"));
  // A refresh request's invalid_grant names the refresh token, as the token endpoint's own does.
  CHECK(mock_discord::error_response(Endpoint::token, "invalid_grant", "refresh_token")->body ==
        R"({"error": "invalid_grant", "error_description": "Invalid \"refresh_token\" in request"})");
  CHECK(mock_discord::error_response(Endpoint::token, "invalid_grant", "authorization_code")->body ==
        R"({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})");
}

TEST_CASE("rate_limited_response: user, shared and global scopes") {
  const std::int64_t now = 1700000000000;
  auto user = mock_discord::rate_limited_response(64.57, "user", "abc", now, 5);
  CHECK(user.status == 429);
  CHECK(user.body == R"({"message": "You are being rate limited.", "retry_after": 64.57, "global": false})");
  CHECK(header(user, "Retry-After") == "65");
  CHECK(header(user, "X-RateLimit-Scope") == "user");
  CHECK(header(user, "X-RateLimit-Limit") == "5");
  CHECK(header(user, "X-RateLimit-Remaining") == "0");
  CHECK(header(user, "X-RateLimit-Reset") == "1700000064.570");
  CHECK(header(user, "X-RateLimit-Reset-After") == "64.570");
  CHECK(header(user, "X-RateLimit-Bucket") == "abc");
  CHECK(header(user, "X-RateLimit-Global") == "<absent>");

  auto shared = mock_discord::rate_limited_response(1.5, "shared", "abc", now, 5);
  CHECK(shared.body == R"({"message": "The resource is being rate limited.", "retry_after": 1.5, "global": false})");
  CHECK(header(shared, "X-RateLimit-Scope") == "shared");
  CHECK(header(shared, "X-RateLimit-Limit") == "5");

  auto global = mock_discord::rate_limited_response(0.25, "global", "", now, 5);
  CHECK(global.body == R"({"message": "You are being rate limited.", "retry_after": 0.25, "global": true})");
  CHECK(header(global, "X-RateLimit-Global") == "true");
  CHECK(header(global, "X-RateLimit-Scope") == "global");
  CHECK(header(global, "Retry-After") == "1");
  CHECK(header(global, "X-RateLimit-Limit") == "<absent>");  // the global limit is no route's bucket
}
