// World on its own: driving calls (sign-in, redirect URIs, revocation,
// forged codes, clock), what it reports (secrets, last issued values,
// counts) and the redacted state for the admin API.
#include "mock_fixture.hpp"

#include "mock_discord/world.hpp"
#include "support/errors.hpp"

using namespace mock_tests;

TEST_CASE("driving calls reject unknown names and impossible values") {
  mock_discord::World world(test_config());
  CHECK_THROWS_AS(world.set_signed_in("nobody"), support::InputError);
  CHECK_THROWS_AS(world.revoke_tokens_of("nobody"), support::InputError);
  CHECK_THROWS_AS(world.set_redirect_uris("404", {"http://x.test/cb"}), support::InputError);
  CHECK_THROWS_AS(world.set_redirect_uris("", std::vector<std::string>(11, "http://x.test/cb")), support::InputError);
  CHECK_THROWS_AS(world.set_redirect_uris("", {"http://x.test/cb#frag"}), support::InputError);
  // The config loader's own check: a scheme, something after it, no fragment.
  for (const char* bad : {"not a uri", "", "://x.test/cb", "1http://x.test/cb", "http:"})
    CHECK_THROWS_WITH(world.set_redirect_uris("", {"http://x.test/ok", bad}),
                      "redirect_uris: not a redirect URI (scheme:..., no #fragment): '" + std::string(bad) + "'");
  CHECK_THROWS_WITH(world.set_redirect_uris("", std::vector<std::string>(11, "http://x.test/cb")),
                    "redirect_uris: Discord allows at most 10 redirect URIs, found 11");
  CHECK(world.config().applications[0].redirect_uris == std::vector<std::string>{"http://127.0.0.1:9/callback"});
  CHECK_THROWS_AS(world.issue_code("nobody", "", "", {}, ""), support::InputError);
  CHECK_THROWS_AS(world.issue_code("nelly", "404", "", {}, ""), support::InputError);
  CHECK_THROWS_AS(world.issue_code("nelly", "", "", {"bogus"}, ""), support::InputError);
  CHECK_THROWS_AS(world.advance_clock(std::chrono::seconds(-1)), support::InputError);
  world.set_redirect_uris(kPublicClientId, std::vector<std::string>(10, "http://x.test/cb"));
  CHECK(world.config().applications[1].redirect_uris.size() == 10);
  world.set_signed_in("80351110224678912");  // by id
  CHECK(world.config().signed_in == "nelly");
  world.set_signed_in("");
  CHECK(world.config().signed_in.empty());
}

TEST_CASE("the clock moves by real time plus advances") {
  mock_discord::World world(test_config());
  std::int64_t start = world.now_ms();
  world.advance_clock(std::chrono::hours(2));
  CHECK(world.now_ms() >= start + 2 * 3600 * 1000);
  CHECK(world.now_ms() < start + 3 * 3600 * 1000);
}

TEST_CASE("issue_code makes a code the token endpoint redeems for that user (forge_callback)") {
  MockFixture mock;
  std::string code = mock.server.issue_code("mallory", kClientId, kRedirectUri, {"identify"}, "st");
  CHECK(code.size() == 30);
  CHECK(mock.server.last_issued().code == code);
  CHECK(mock.server.last_issued().state == "st");
  // The last code carried no state: ${last.state} must not be the old one.
  std::string stateless = mock.server.issue_code("mallory", kClientId, kRedirectUri, {"identify"}, "");
  CHECK(mock.server.last_issued().code == stateless);
  CHECK(mock.server.last_issued().state == "");
  auto answer = mock.exchange(code);
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  auto token = nlohmann::json::parse(answer->body)["access_token"].get<std::string>();
  auto me = nlohmann::json::parse(mock.get("/api/users/@me", bearer(token))->body);
  CHECK(me["username"] == "mallory");
  std::string defaulted = mock.server.issue_code("nelly", "", "", {}, "");  // first app, first URI, identify
  auto second = mock.exchange(defaulted);
  REQUIRE(second);
  CHECK(nlohmann::json::parse(second->body)["scope"] == "identify");
}

TEST_CASE("secrets lists every token ever issued and every client secret") {
  MockFixture mock;
  Tokens first = mock.login();
  mock.server.revoke_tokens_of("nelly");
  auto secrets = mock.server.secrets();
  for (const std::string& expected : {first.access, first.refresh, std::string(kClientSecret), std::string("public-secret")})
    CHECK(std::find(secrets.begin(), secrets.end(), expected) != secrets.end());
}

TEST_CASE("state_json describes the world without a single secret") {
  MockFixture mock;
  Tokens tokens = mock.login("identify email");
  std::string pending = mock.obtain_code();
  auto state = mock.server.world().state_json();
  CHECK(state["codes"].size() == 1);
  CHECK(state["codes"][0]["code"] == "[redacted]");
  CHECK(state["access_tokens"].size() == 1);
  CHECK(state["refresh_tokens"].size() == 1);
  CHECK(state["grants"][0]["scopes"] == nlohmann::json::array({"identify", "email"}));
  CHECK(state["codes_redeemed"] == 1);
  CHECK(state["signed_in"] == "nelly");
  std::string text = state.dump();
  for (const std::string& secret : {tokens.access, tokens.refresh, pending, std::string(kClientSecret)})
    CHECK(text.find(secret) == std::string::npos);
}

TEST_CASE("reset forgets codes, tokens and grants and restarts the seed") {
  MockFixture mock;
  std::string code = mock.obtain_code();
  Tokens tokens = mock.login();
  mock.server.reset(test_config());
  CHECK(mock.server.codes_redeemed() == 0);
  CHECK(mock.server.active_tokens() == 0);
  CHECK(status_of(mock.get("/api/users/@me", bearer(tokens.access))) == 401);
  CHECK(status_of(mock.exchange(code)) == 400);
  CHECK(mock.obtain_code() == code);  // same seed, same first value after the consent token
}
