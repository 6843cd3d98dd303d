// The bearer REST endpoints (users/@me, users/@me/guilds, oauth2/@me), API
// versions, Discord's 401/403/404/405 bodies and guild pagination.
#include "mock_fixture.hpp"

#include <regex>
#include <set>

using namespace mock_tests;

namespace {

nlohmann::json json_of(const httplib::Result& answer) {
  REQUIRE(answer);
  return nlohmann::json::parse(answer->body);
}

std::vector<std::string> guild_ids(const httplib::Result& answer) {
  std::vector<std::string> ids;
  for (const auto& guild : json_of(answer)) ids.push_back(guild["id"]);
  return ids;
}

const char kUnauthorized[] = R"({"message": "401: Unauthorized", "code": 0})";
const char kMissingScope[] = R"({"message": "Missing required OAuth2 scope", "code": 50026})";

}  // namespace

TEST_CASE("users/@me with identify: the user without email") {
  MockFixture mock;
  Tokens tokens = mock.login("identify");
  auto answer = mock.get("/api/v10/users/@me", bearer(tokens.access));
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->get_header_value("Content-Type") == "application/json");
  CHECK(answer->body.rfind(R"({"id": "80351110224678912", "username": "nelly", "avatar": null, "discriminator": "0", )", 0) == 0);
  auto user = json_of(answer);
  CHECK(user["global_name"] == "Nelly");
  CHECK(user["public_flags"] == 0);
  CHECK(user["flags"] == 0);
  CHECK(user["mfa_enabled"] == false);
  CHECK(user["locale"] == "en-US");
  CHECK_FALSE(user.contains("email"));
  CHECK_FALSE(user.contains("verified"));
}

TEST_CASE("users/@me with email: email and verified too") {
  MockFixture mock;
  auto user = json_of(mock.get("/api/users/@me", bearer(mock.login("identify email").access)));
  CHECK(user["email"] == "nelly@example.com");
  CHECK(user["verified"] == true);
  mock.server.set_signed_in("mallory");  // no email configured: null, as Discord answers
  auto other = json_of(mock.get("/api/users/@me", bearer(mock.login("email identify").access)));
  CHECK(other["email"].is_null());
  CHECK(other["global_name"].is_null());
}

TEST_CASE("a missing or bad bearer is Discord's 401") {
  MockFixture mock;
  Tokens tokens = mock.login("identify guilds");
  for (const char* path : {"/api/users/@me", "/api/users/@me/guilds", "/api/oauth2/@me"}) {
    for (const httplib::Headers& headers : {httplib::Headers{}, bearer("wrong"), httplib::Headers{{"Authorization", "Bot " + tokens.access}},
                                            httplib::Headers{{"Authorization", tokens.access}}, bearer("")}) {
      auto answer = mock.get(path, headers);
      REQUIRE(answer);
      CHECK(answer->status == 401);
      CHECK(answer->body == kUnauthorized);
    }
    auto lower_case = mock.get(path, {{"Authorization", "bearer " + tokens.access}});
    REQUIRE(lower_case);
    CHECK(lower_case->status == 200);
  }
}

TEST_CASE("a token without the route's scope is 403 with code 50026") {
  MockFixture mock;
  Tokens email_only = mock.login("email");
  Tokens identify = mock.login("identify");
  auto me = mock.get("/api/users/@me", bearer(email_only.access));
  REQUIRE(me);
  CHECK(me->status == 403);
  CHECK(me->body == kMissingScope);
  auto guilds = mock.get("/api/users/@me/guilds", bearer(identify.access));
  REQUIRE(guilds);
  CHECK(guilds->status == 403);
  CHECK(guilds->body == kMissingScope);
}

TEST_CASE("users/@me/guilds: objects and pagination") {
  MockFixture mock;
  mock.server.set_signed_in("mallory");
  auto token = bearer(mock.login("guilds").access);
  auto all = mock.get("/api/users/@me/guilds", token);
  REQUIRE(all);
  CHECK(all->status == 200);
  CHECK(guild_ids(all) == std::vector<std::string>{"100", "200", "300", "400", "500"});
  CHECK(all->body.rfind(
            R"([{"id": "100", "name": "guild 100", "icon": null, "banner": null, "owner": false, "permissions": "0", "features": []}, )",
            0) == 0);
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?limit=2", token)) == std::vector<std::string>{"100", "200"});
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?after=200", token)) == std::vector<std::string>{"300", "400", "500"});
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?after=200&limit=1", token)) == std::vector<std::string>{"300"});
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?before=400&limit=2", token)) == std::vector<std::string>{"200", "300"});
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?before=400", token)) == std::vector<std::string>{"100", "200", "300"});
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?after=100&before=500&limit=200", token)) ==
        std::vector<std::string>{"200", "300", "400"});
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?after=999", token)).empty());
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?with_counts=true", token)).size() == 5);
}

TEST_CASE("users/@me/guilds?with_counts=true adds approximate member and presence counts") {
  MockFixture mock;
  mock.server.set_signed_in("mallory");
  auto token = bearer(mock.login("guilds").access);
  auto counted = mock.get("/api/users/@me/guilds?with_counts=true", token);
  REQUIRE(counted);
  CHECK(counted->status == 200);
  CHECK(counted->body.rfind(R"([{"id": "100", "name": "guild 100", "icon": null, "banner": null, "owner": false, )"
                            R"("permissions": "0", "features": [], "approximate_member_count": )",
                            0) == 0);
  auto guilds = json_of(counted);
  REQUIRE(guilds.size() == 5);
  std::set<long long> member_counts;
  for (const auto& guild : guilds) {
    INFO(guild.dump());
    REQUIRE(guild["approximate_member_count"].is_number_integer());
    REQUIRE(guild["approximate_presence_count"].is_number_integer());
    CHECK(guild["approximate_member_count"] >= 1);
    CHECK(guild["approximate_presence_count"] >= 0);
    CHECK(guild["approximate_presence_count"] <= guild["approximate_member_count"]);
    member_counts.insert(guild["approximate_member_count"].get<long long>());
  }
  CHECK(member_counts.size() > 1);  // derived per guild, not one constant
  CHECK(json_of(mock.get("/api/v10/users/@me/guilds?with_counts=1", token)) == guilds);  // the same every time

  for (const char* query : {"", "?with_counts=false", "?with_counts=0"})
    for (const auto& guild : json_of(mock.get(std::string("/api/users/@me/guilds") + query, token))) {
      CHECK_FALSE(guild.contains("approximate_member_count"));
      CHECK_FALSE(guild.contains("approximate_presence_count"));
    }
  auto bad = mock.get("/api/users/@me/guilds?with_counts=maybe", token);
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body == R"({"message": "Invalid Form Body", "code": 50035, "errors": {"with_counts": {"_errors": [{"code": "BOOLEAN_TYPE_COERCE", "message": "Value \"maybe\" is not a valid boolean."}]}}})");
}

TEST_CASE("users/@me/guilds: bad before/after/limit are Discord's Invalid Form Body") {
  MockFixture mock;
  auto token = bearer(mock.login("guilds").access);
  auto check = [&](const std::string& query, const std::string& body) {
    auto answer = mock.get("/api/users/@me/guilds?" + query, token);
    REQUIRE(answer);
    CHECK(answer->status == 400);
    CHECK(answer->body == body);
  };
  check("limit=0", R"({"message": "Invalid Form Body", "code": 50035, "errors": {"limit": {"_errors": [{"code": "NUMBER_TYPE_MIN", "message": "int value should be greater than or equal to 1."}]}}})");
  check("limit=201", R"({"message": "Invalid Form Body", "code": 50035, "errors": {"limit": {"_errors": [{"code": "NUMBER_TYPE_MAX", "message": "int value should be less than or equal to 200."}]}}})");
  check("limit=ten", R"({"message": "Invalid Form Body", "code": 50035, "errors": {"limit": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value \"ten\" is not int."}]}}})");
  check("after=abc", R"({"message": "Invalid Form Body", "code": 50035, "errors": {"after": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value \"abc\" is not snowflake."}]}}})");
  check("before=-1", R"({"message": "Invalid Form Body", "code": 50035, "errors": {"before": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value \"-1\" is not snowflake."}]}}})");
  check("limit=%ZZ", R"({"message": "400: Bad Request", "code": 0})");
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?limit=200", token)).size() == 1);
  CHECK(guild_ids(mock.get("/api/users/@me/guilds?limit=1", token)).size() == 1);
}

TEST_CASE("oauth2/@me: application, scopes, expiry and the user only with identify") {
  MockFixture mock;
  std::int64_t before = mock.server.world().now_ms();
  Tokens tokens = mock.login("identify guilds");
  auto answer = mock.get("/api/oauth2/@me", bearer(tokens.access));
  REQUIRE(answer);
  CHECK(answer->status == 200);
  auto body = json_of(answer);
  CHECK(body["application"]["id"] == kClientId);
  CHECK(body["application"]["name"] == "Airhorn");
  CHECK(body["application"]["icon"].is_null());
  CHECK(body["application"]["hook"] == true);
  CHECK(body["application"]["bot_public"] == true);
  CHECK(body["application"]["bot_require_code_grant"] == false);
  CHECK(std::regex_match(body["application"]["verify_key"].get<std::string>(), std::regex("[0-9a-f]{64}")));
  CHECK(body["scopes"] == nlohmann::json::array({"identify", "guilds"}));
  std::string expires = body["expires"];
  CHECK(std::regex_match(expires, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00)")));
  std::time_t expected = static_cast<std::time_t>(before / 1000 + 604800);
  char prefix[32];
  std::strftime(prefix, sizeof prefix, "%Y-%m-%dT%H", std::gmtime(&expected));
  CHECK(expires.rfind(prefix, 0) == 0);  // to the hour: no timing assertion
  CHECK(body["user"]["id"] == kNellyId);
  CHECK_FALSE(body["user"].contains("email"));
  CHECK_FALSE(body["user"].contains("locale"));

  auto guilds_only = json_of(mock.get("/api/oauth2/@me", bearer(mock.login("guilds").access)));
  CHECK(guilds_only["scopes"] == nlohmann::json::array({"guilds"}));
  CHECK_FALSE(guilds_only.contains("user"));
}

TEST_CASE("API versions: unversioned and v6-v10 answer, v3-v5 are 400, others 404") {
  MockFixture mock;
  auto token = bearer(mock.login().access);
  for (const char* prefix : {"/api", "/api/v6", "/api/v7", "/api/v8", "/api/v9", "/api/v10"}) {
    auto answer = mock.get(std::string(prefix) + "/users/@me", token);
    REQUIRE(answer);
    CHECK(answer->status == 200);
  }
  for (const char* prefix : {"/api/v3", "/api/v4", "/api/v5"}) {
    auto answer = mock.get(std::string(prefix) + "/users/@me", token);
    REQUIRE(answer);
    CHECK(answer->status == 400);
    CHECK(answer->body == R"({"message": "400: Bad Request", "code": 0})");
  }
  // Versions are written without leading zeros: v0, v00 and v06 are no versions but unknown routes.
  for (const char* prefix : {"/api/v2", "/api/v11", "/api/v99", "/api/v0", "/api/v00", "/api/v06", "/api/v010"}) {
    INFO(prefix);
    auto answer = mock.get(std::string(prefix) + "/users/@me", token);
    REQUIRE(answer);
    CHECK(answer->status == 404);
    CHECK(answer->body == R"({"message": "404: Not Found", "code": 0})");
  }
  auto token_v0 = mock.post_form("/api/v0/oauth2/token", {{"grant_type", "client_credentials"}, {"scope", "identify"}},
                                 basic_auth(kClientId, kClientSecret));
  REQUIRE(token_v0);
  CHECK(token_v0->status == 404);
  CHECK(mock.server.journal().back().endpoint == "other");
}

TEST_CASE("unknown routes are Discord's JSON 404; known routes with the wrong method 405") {
  MockFixture mock;
  for (const char* path : {"/api/users/@me/connections", "/api/nothing", "/nothing", "/api/v10/users/@me/", "/apix/users/@me", "/"}) {
    auto answer = mock.get(path);
    REQUIRE(answer);
    CHECK(answer->status == 404);
    CHECK(answer->body == R"({"message": "404: Not Found", "code": 0})");
    CHECK(answer->get_header_value("Content-Type") == "application/json");
  }
  auto wrong = mock.http.Delete("/api/users/@me");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->body == R"({"message": "405: Method Not Allowed", "code": 0})");
  auto post_me = mock.post_form("/api/users/@me", {});
  REQUIRE(post_me);
  CHECK(post_me->status == 405);
}

TEST_CASE("a user revoked by revoke_tokens_of loses every token") {
  MockFixture mock;
  Tokens nelly = mock.login("identify");
  mock.server.set_signed_in("mallory");
  Tokens mallory = mock.login("identify");
  mock.server.revoke_tokens_of("nelly");
  CHECK(status_of(mock.get("/api/users/@me", bearer(nelly.access))) == 401);
  CHECK(status_of(mock.get("/api/users/@me", bearer(mallory.access))) == 200);
  auto refreshed = mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", nelly.refresh}},
                                  basic_auth(kClientId, kClientSecret));
  REQUIRE(refreshed);
  CHECK(refreshed->status == 400);
}

TEST_CASE("HEAD answers like GET without a body") {
  MockFixture mock;
  std::string token = mock.login().access;
  auto answer = raw_exchange(mock.port, "HEAD /api/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n");
  CHECK(answer.status_line() == "HTTP/1.1 200 OK");
  CHECK(answer.body().empty());
  auto refused = raw_exchange(mock.port, "HEAD /api/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(refused.status_line() == "HTTP/1.1 401 Unauthorized");
}
