// The admin API under /_mock/, driven over HTTP as the harness and people do.
#include "mock_discord/admin.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mock_discord/failures.hpp"
#include "mock_discord/world.hpp"
#include "mock_fixture.hpp"

using namespace mock_tests;
using nlohmann::json;

namespace {

json post(MockFixture& mock, const std::string& path, const std::string& body, int expected_status = 200) {
  auto answer = mock.http.Post(path.c_str(), body, "application/json");
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == expected_status);
  return json::parse(answer->body);
}

json get_json(MockFixture& mock, const std::string& path) {
  auto answer = mock.get(path);
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == 200);
  return json::parse(answer->body);
}

}  // namespace

TEST_CASE("admin: health") {
  MockFixture mock;
  auto health = get_json(mock, "/_mock/health");
  CHECK(health["status"] == "ok");
  CHECK(health["url"] == mock.server.url());
}

TEST_CASE("admin: reset goes back to the loaded config") {
  MockFixture mock;
  mock.login();
  mock.server.set_signed_in("mallory");
  post(mock, "/_mock/reset", "");
  CHECK(mock.server.active_tokens() == 0);
  CHECK(mock.server.journal().empty());
  CHECK(mock.server.config().signed_in == "nelly");
}

TEST_CASE("admin: reset goes back to the config a C++ reset(config) gave") {
  MockFixture mock;
  mock_discord::Config config = mock.server.config();
  mock_discord::User bob;
  bob.id = "6";
  bob.username = "bob";
  config.users.push_back(bob);
  config.signed_in = "bob";
  mock.server.reset(config);
  mock.server.set_signed_in("nelly");
  post(mock, "/_mock/reset", "");
  CHECK(mock.server.config().signed_in == "bob");
}

TEST_CASE("admin: config loads a world from YAML or JSON, with ${app}") {
  MockFixture mock;
  post(mock, "/_mock/config", "users:\n  - {id: \"5\", username: bob}\nconsent: auto\n");
  auto config = mock.server.config();
  CHECK(config.signed_in == "bob");
  CHECK(config.consent == mock_discord::ConsentMode::auto_approve);
  CHECK(config.applications[0].redirect_uris == std::vector<std::string>{kRedirectUri});

  post(mock, "/_mock/config?app_url=http://tunnel.test",
       R"({"discord": {"applications": [{"id": "9", "redirect_uris": ["${app}/cb", "${discord}/x"]}]}})");
  config = mock.server.config();
  CHECK(config.applications[0].redirect_uris ==
        std::vector<std::string>{"http://tunnel.test/cb", mock.server.url() + "/x"});
  CHECK(config.signed_in == "nelly");

  post(mock, "/_mock/reset", "");
  CHECK(mock.server.config().applications[0].id == "9");
}

TEST_CASE("admin: a bad config is a 400 with the located message, and changes nothing") {
  MockFixture mock;
  auto error = post(mock, "/_mock/config", "users:\n  - {id: \"5\", usrname: bob}\n", 400);
  CHECK(error["error"] ==
        "POST /_mock/config:2:15: unknown key 'usrname' in user 1 (did you mean 'username'?)\n"
        "   2 |   - {id: \"5\", usrname: bob}\n"
        "     |               ^");
  CHECK(post(mock, "/_mock/config", "signed_in: \"${nope}\"", 400)["error"].get<std::string>().find(
            "unknown placeholder '${nope}'") != std::string::npos);
  CHECK(post(mock, "/_mock/config", "[1, 2]", 400)["error"].get<std::string>().find("expected a map") !=
        std::string::npos);
  CHECK(mock.server.config().users.size() == 2);
}

TEST_CASE("admin: the clock moves codes past their lifetime") {
  MockFixture mock;
  std::string code = mock.obtain_code();
  auto before = mock.server.world().now_ms();
  auto moved = post(mock, "/_mock/clock", R"({"advance": "101s"})");
  CHECK(moved["now_ms"].get<std::int64_t>() >= before + 101000);
  auto answer = mock.exchange(code);
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK(answer->body.find("invalid_grant") != std::string::npos);
  CHECK(post(mock, "/_mock/clock", R"({"advance": "soon"})", 400)["error"].get<std::string>().find(
            "POST /_mock/clock:1:13: expected a duration for 'advance'") == 0);
  CHECK(post(mock, "/_mock/clock", R"({"advnce": "1s"})", 400)["error"].get<std::string>().find(
            "did you mean 'advance'?") != std::string::npos);
}

TEST_CASE("admin: failure rules are added, listed and cleared") {
  MockFixture mock;
  auto added = post(mock, "/_mock/failures", "{endpoint: users_me, status: 418, times: 2}");
  CHECK(added["added"] == "users_me status 418 x2");
  auto answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 418);
  auto listed = get_json(mock, "/_mock/failures");
  REQUIRE(listed["rules"].size() == 1);
  CHECK(listed["rules"][0]["fired"] == 1);
  auto cleared = mock.http.Delete("/_mock/failures");
  REQUIRE(cleared);
  CHECK(cleared->status == 200);
  answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 401);
  CHECK(post(mock, "/_mock/failures", R"({"endpoint": "users_me", "fault": "rest"})", 400)["error"]
            .get<std::string>()
            .find("unknown fault 'rest' in the failure rule (did you mean 'reset'?)") != std::string::npos);
}

TEST_CASE("admin: state is redacted; journal and counts report requests") {
  MockFixture mock;
  Tokens tokens = mock.login();
  auto state = mock.get("/_mock/state");
  REQUIRE(state);
  CHECK(state->status == 200);
  CHECK(state->body.find(tokens.access) == std::string::npos);
  CHECK(json::parse(state->body)["access_tokens"].size() == 1);

  auto journal = get_json(mock, "/_mock/journal");
  CHECK(journal["entries"].size() == mock.server.journal().size());
  auto last = get_json(mock, "/_mock/journal?last=1");
  REQUIRE(last["entries"].size() == 1);
  CHECK(last["entries"][0]["endpoint"] == "token");
  auto bad = mock.get("/_mock/journal?last=x");
  REQUIRE(bad);
  CHECK(bad->status == 400);

  auto counts = get_json(mock, "/_mock/counts");
  CHECK(counts["requests"]["token"] == 1);
  CHECK(counts["requests"]["authorize"] == 2);  // the page and the consent form
  CHECK(counts["codes_redeemed"] == 1);
  CHECK(counts["active_tokens"] == 1);
}

TEST_CASE("admin: issue_code gives an attacker's code that the token endpoint accepts") {
  MockFixture mock;
  auto issued = post(mock, "/_mock/issue_code", R"({"user": "mallory", "scopes": "identify", "state": "s"})");
  std::string code = issued["code"];
  auto exchanged = mock.exchange(code);
  REQUIRE(exchanged);
  REQUIRE(exchanged->status == 200);
  std::string access = json::parse(exchanged->body)["access_token"];
  auto me = mock.get("/api/users/@me", bearer(access));
  REQUIRE(me);
  CHECK(json::parse(me->body)["id"] == kMalloryId);
  CHECK(post(mock, "/_mock/issue_code", R"({"user": "nobody"})", 400)["error"].get<std::string>().find("nobody") !=
        std::string::npos);
  CHECK(post(mock, "/_mock/issue_code", R"({"scopes": ["identify"]})", 400)["error"].get<std::string>().find(
            "missing key 'user'") != std::string::npos);
}

TEST_CASE("admin: world changes") {
  MockFixture mock;
  Tokens tokens = mock.login();
  post(mock, "/_mock/world", "{signed_in: mallory, redirect_uris: [\"http://x.test/cb\"]}");
  auto config = mock.server.config();
  CHECK(config.signed_in == "mallory");
  CHECK(config.applications[0].redirect_uris == std::vector<std::string>{"http://x.test/cb"});
  post(mock, "/_mock/world", "{revoke_tokens_of: nelly}");
  CHECK(mock.server.active_tokens() == 0);
  CHECK(post(mock, "/_mock/world", "{signed_in: nobody}", 400)["error"].get<std::string>().find("nobody") !=
        std::string::npos);
}

TEST_CASE("admin: world changes refuse redirect URIs the config loader refuses") {
  MockFixture mock;
  auto refused = post(mock, "/_mock/world", R"({"redirect_uris": ["not a uri"]})", 400);
  CHECK(refused["error"] == "redirect_uris: not a redirect URI (scheme:..., no #fragment): 'not a uri'");
  std::string eleven = "{redirect_uris: [";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? ", " : "") + "\"http://x.test/" + std::to_string(i) + "\"";
  CHECK(post(mock, "/_mock/world", eleven + "]}", 400)["error"] ==
        "redirect_uris: Discord allows at most 10 redirect URIs, found 11");
  CHECK(mock.server.config().applications[0].redirect_uris == std::vector<std::string>{kRedirectUri});
}

TEST_CASE("admin: bodies sent as forms (curl -d) are read whole, far over 8 KiB") {
  MockFixture mock;
  // curl -d sends application/x-www-form-urlencoded, which cpp-httplib alone caps at 8 KiB.
  std::string config = "# " + std::string(100 * 1024, 'x') + "\nseed: 7\nconsent: auto\n";
  auto answer = mock.http.Post("/_mock/config", config, "application/x-www-form-urlencoded");
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == 200);
  CHECK(mock.server.config().seed == 7);
  CHECK(mock.server.config().consent == mock_discord::ConsentMode::auto_approve);
}

TEST_CASE("admin: a non-UTF-8 query (?x=%FF) does not break the journal") {
  MockFixture mock;
  auto odd = mock.get("/api/v10/users/@me?x=%FF");
  REQUIRE(odd);
  auto journal = get_json(mock, "/_mock/journal");
  CHECK(journal.dump().find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("admin: invalid UTF-8 in a failure rule is a 400 naming the byte, not a 500") {
  MockFixture mock;
  auto answer = mock.http.Post("/_mock/failures", "{endpoint: token, status: 500, body: {message: \"caf\xE9\"}}",
                               "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK_THAT(json::parse(answer->body)["error"].get<std::string>(), Catch::Contains("not UTF-8 text: byte 0xE9"));
  CHECK(mock.server.failures().to_json().empty());
}
