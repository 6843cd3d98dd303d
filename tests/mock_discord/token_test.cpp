// POST /api[/vN]/oauth2/token and /token/revoke: the three grants, client
// authentication, PKCE (RFC 7636 vector), code binding and expiry on the
// virtual clock, refresh rotation, revocation, concurrent redemption,
// seeded values and every documented error body.
#include "mock_fixture.hpp"

#include <atomic>
#include <regex>
#include <set>
#include <thread>

using namespace mock_tests;

namespace {

const char kInvalidCode[] = R"({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})";
const char kInvalidRefresh[] = R"({"error": "invalid_grant", "error_description": "Invalid \"refresh_token\" in request"})";
const char kInvalidRedirect[] = R"({"error": "invalid_request", "error_description": "Invalid \"redirect_uri\" in request."})";
const char kInvalidClient[] = R"({"error": "invalid_client"})";
const char kGrantTypeNone[] = R"({"error": "unsupported_grant_type", "error_description": "Grant type None is not supported"})";

void check_answer(const httplib::Result& answer, int status, const std::string& body) {
  REQUIRE(answer);
  CHECK(answer->status == status);
  CHECK(answer->body == body);
  CHECK(answer->get_header_value("Content-Type") == "application/json");
}

bool alphanumeric30(const std::string& text) { return std::regex_match(text, std::regex("[A-Za-z0-9]{30}")); }

}  // namespace

TEST_CASE("authorization_code: Discord's success body") {
  MockFixture mock;
  std::string code = mock.obtain_code("identify email");
  auto answer = mock.exchange(code);
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->get_header_value("Cache-Control") == "no-store");
  std::smatch match;
  REQUIRE(std::regex_match(answer->body, match,
                           std::regex(R"re(\{"access_token": "([A-Za-z0-9]{30})", "token_type": "Bearer", "expires_in": 604800, )re"
                                      R"re("refresh_token": "([A-Za-z0-9]{30})", "scope": "identify email"\})re")));
  CHECK(match[1] != match[2]);
  CHECK(mock.server.last_issued().access_token == match[1].str());
  CHECK(mock.server.last_issued().refresh_token == match[2].str());
  CHECK(mock.server.codes_redeemed() == 1);
  CHECK(mock.server.active_tokens() == 1);
}

TEST_CASE("every API version prefix reaches the token endpoint") {
  MockFixture mock;
  for (const char* path : {"/api/oauth2/token", "/api/v6/oauth2/token", "/api/v8/oauth2/token", "/api/v10/oauth2/token"}) {
    auto answer = mock.post_form(path, {{"grant_type", "authorization_code"}, {"code", mock.obtain_code()}, {"redirect_uri", kRedirectUri}},
                                 basic_auth(kClientId, kClientSecret));
    REQUIRE(answer);
    CHECK(answer->status == 200);
  }
}

TEST_CASE("codes are single use") {
  MockFixture mock;
  std::string code = mock.obtain_code();
  REQUIRE(status_of(mock.exchange(code)) == 200);
  check_answer(mock.exchange(code), 400, kInvalidCode);
  check_answer(mock.exchange("notacode"), 400, kInvalidCode);
  CHECK(mock.server.codes_redeemed() == 1);
}

TEST_CASE("codes expire after code_ttl on the virtual clock") {
  MockFixture mock;
  std::string late = mock.obtain_code();
  std::string early = mock.obtain_code();
  mock.server.advance_clock(std::chrono::seconds(90));
  CHECK(status_of(mock.exchange(early)) == 200);
  mock.server.advance_clock(std::chrono::seconds(11));
  check_answer(mock.exchange(late), 400, kInvalidCode);

  auto config = test_config();
  config.code_ttl = std::chrono::seconds(5);
  MockFixture short_lived(config);
  std::string code = short_lived.obtain_code();
  short_lived.server.advance_clock(std::chrono::seconds(6));
  check_answer(short_lived.exchange(code), 400, kInvalidCode);
}

TEST_CASE("a code is bound to its client and redirect URI") {
  MockFixture mock;
  std::string code = mock.obtain_code();
  auto other_client = mock.post_form("/api/oauth2/token",
                                     {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}},
                                     basic_auth(kPublicClientId, "public-secret"));
  check_answer(other_client, 400, kInvalidCode);
  for (const char* uri : {"http://127.0.0.1:9/callback/", "http://127.0.0.1:9/other"})
    check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", uri}},
                                basic_auth(kClientId, kClientSecret)),
                 400, kInvalidRedirect);
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "authorization_code"}, {"code", code}},
                              basic_auth(kClientId, kClientSecret)),
               400, kInvalidRedirect);
  CHECK(status_of(mock.exchange(code)) == 200);  // failed attempts did not spend it
}

TEST_CASE("a code carries its user and scopes") {
  MockFixture mock;
  mock.server.set_signed_in("mallory");
  Tokens tokens = mock.login("identify guilds");
  auto me = mock.get("/api/users/@me", bearer(tokens.access));
  REQUIRE(me);
  CHECK(nlohmann::json::parse(me->body)["id"] == kMalloryId);
  CHECK(status_of(mock.get("/api/users/@me/guilds", bearer(tokens.access))) == 200);
}

TEST_CASE("client authentication: Basic or form, bad secrets and bad headers are invalid_client") {
  MockFixture mock;
  auto form_auth = mock.post_form("/api/oauth2/token", {{"grant_type", "authorization_code"}, {"code", mock.obtain_code()},
                                                        {"redirect_uri", kRedirectUri}, {"client_id", kClientId},
                                                        {"client_secret", kClientSecret}});
  REQUIRE(form_auth);
  CHECK(form_auth->status == 200);

  std::string code = mock.obtain_code();
  support::Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}};
  check_answer(mock.post_form("/api/oauth2/token", form, basic_auth(kClientId, "wrong")), 401, kInvalidClient);
  check_answer(mock.post_form("/api/oauth2/token", form, basic_auth("999", kClientSecret)), 401, kInvalidClient);
  for (const char* header : {"Basic", "Basic !!!notbase64", "Basic bm9jb2xvbg==", "Bearer abc", "Digest x"})
    check_answer(mock.post_form("/api/oauth2/token", form, {{"Authorization", header}}), 401, kInvalidClient);
  check_answer(mock.post_form("/api/oauth2/token", form), 401, kInvalidClient);  // no credentials at all
  auto mixed = form;
  mixed.emplace_back("client_id", kPublicClientId);
  check_answer(mock.post_form("/api/oauth2/token", mixed, basic_auth(kClientId, kClientSecret)), 401, kInvalidClient);
  auto no_secret = form;
  no_secret.emplace_back("client_id", kClientId);  // a confidential client must send its secret
  check_answer(mock.post_form("/api/oauth2/token", no_secret), 401, kInvalidClient);
  CHECK(status_of(mock.exchange(code)) == 200);
}

TEST_CASE("only form bodies: JSON, other bodies and query parameters are unsupported_grant_type") {
  MockFixture mock;
  std::string code = mock.obtain_code();
  auto headers = basic_auth(kClientId, kClientSecret);
  std::string json = R"({"grant_type": "authorization_code", "code": ")" + code + R"(", "redirect_uri": ")" + kRedirectUri + "\"}";
  check_answer(mock.http.Post("/api/oauth2/token", headers, json, "application/json"), 400, kGrantTypeNone);
  check_answer(mock.http.Post("/api/oauth2/token", headers, "grant_type=authorization_code", "text/plain"), 400, kGrantTypeNone);
  check_answer(mock.http.Post("/api/oauth2/token", headers, "", "application/x-www-form-urlencoded"), 400, kGrantTypeNone);
  std::string query = "/api/oauth2/token?" + support::build_form({{"grant_type", "authorization_code"}, {"code", code},
                                                                   {"redirect_uri", kRedirectUri}});
  check_answer(mock.http.Post(query.c_str(), headers, "", "application/x-www-form-urlencoded"), 400, kGrantTypeNone);
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "password"}}, headers), 400,
               R"({"error": "unsupported_grant_type", "error_description": "Grant type password is not supported"})");
  CHECK(status_of(mock.exchange(code)) == 200);
}

TEST_CASE("an empty grant_type is a missing one: Grant type None") {
  MockFixture mock;
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", ""}, {"scope", "identify"}},
                              basic_auth(kClientId, kClientSecret)),
               400, kGrantTypeNone);
}

TEST_CASE("form bodies far over 8 KiB reach the token and revoke endpoints") {
  MockFixture mock;
  const std::string padding(100 * 1024, 'a');  // cpp-httplib alone would refuse a form over 8 KiB
  auto answer = mock.post_form("/api/oauth2/token", {{"grant_type", "client_credentials"}, {"scope", "identify"}, {"padding", padding}},
                               basic_auth(kClientId, kClientSecret));
  REQUIRE(answer);
  CHECK(answer->status == 200);
  std::string token = nlohmann::json::parse(answer->body)["access_token"];
  check_answer(mock.post_form("/api/oauth2/token/revoke", {{"token", token}, {"padding", padding}},
                              basic_auth(kClientId, kClientSecret)),
               200, "{}");
  CHECK(mock.server.active_tokens() == 0);
  check_answer(mock.post_form("/api/oauth2/token", {{"padding", padding}}, basic_auth(kClientId, kClientSecret)), 400,
               kGrantTypeNone);
}

TEST_CASE("malformed form bodies are invalid_request with a clear description, never 5xx") {
  MockFixture mock;
  auto headers = basic_auth(kClientId, kClientSecret);
  auto post = [&](const std::string& body) {
    return mock.http.Post("/api/oauth2/token", headers, body, "application/x-www-form-urlencoded; charset=UTF-8");
  };
  check_answer(post("grant_type=authorization_code&code=a&code=b"), 400,
               R"({"error": "invalid_request", "error_description": "Parameter \"code\" given more than once in the request body"})");
  check_answer(post("grant_type=authorization_code&code=%zz"), 400,
               R"({"error": "invalid_request", "error_description": "Malformed percent-encoding in the request body"})");
  check_answer(post("grant_type=authorization_code&code=%C3%28"), 400,
               R"({"error": "invalid_request", "error_description": "Invalid UTF-8 in the request body"})");
  check_answer(post("grant_type=authorization_code&redirect_uri=x"), 400,
               R"({"error": "invalid_request", "error_description": "Missing \"code\" in request."})");
  check_answer(post("grant_type=refresh_token"), 400,
               R"({"error": "invalid_request", "error_description": "Missing \"refresh_token\" in request."})");
}

TEST_CASE("PKCE with the RFC 7636 vector") {
  MockFixture mock;
  support::Params pkce{{"code_challenge", kChallenge}, {"code_challenge_method", "S256"}};
  SECTION("the right verifier redeems the code") {
    CHECK(status_of(mock.exchange(mock.obtain_code("identify", pkce), {{"code_verifier", kVerifier}})) == 200);
  }
  SECTION("missing or wrong verifiers are refused and leave the code usable") {
    std::string code = mock.obtain_code("identify", pkce);
    check_answer(mock.exchange(code), 400, R"({"error": "invalid_request", "error_description": "Missing \"code_verifier\""})");
    const std::string invalid = R"({"error": "invalid_request", "error_description": "Invalid \"code_verifier\""})";
    std::string wrong = kVerifier;
    wrong[0] = 'e';
    for (const std::string& verifier : {wrong, std::string("short"), std::string(129, 'a'), std::string(kVerifier) + "!"})
      check_answer(mock.exchange(code, {{"code_verifier", verifier}}), 400, invalid);
    CHECK(status_of(mock.exchange(code, {{"code_verifier", kVerifier}})) == 200);
  }
  SECTION("a verifier for a code issued without a challenge is invalid_request, as on Discord") {
    std::string code = mock.obtain_code();
    check_answer(mock.exchange(code, {{"code_verifier", kVerifier}}), 400,
                 R"({"error": "invalid_request", "error_description": "Invalid \"code_verifier\""})");
    CHECK(status_of(mock.exchange(code)) == 200);  // refused, not spent
  }
}

TEST_CASE("a public application may omit the secret only when PKCE verifies") {
  MockFixture mock;
  auto public_code = [&](bool with_pkce) {
    support::Params query{{"client_id", kPublicClientId}, {"response_type", "code"}, {"scope", "identify"}};
    if (with_pkce) query.insert(query.end(), {{"code_challenge", kChallenge}, {"code_challenge_method", "S256"}});
    return param(query_of(mock.approve(query)), "code");
  };
  auto redeem = [&](const std::string& code, bool with_verifier) {
    support::Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kPublicRedirectUri},
                         {"client_id", kPublicClientId}};
    if (with_verifier) form.emplace_back("code_verifier", kVerifier);
    return mock.post_form("/api/oauth2/token", form);
  };
  auto answer = redeem(public_code(true), true);
  REQUIRE(answer);
  CHECK(answer->status == 200);
  std::string refresh = nlohmann::json::parse(answer->body)["refresh_token"];
  check_answer(redeem(public_code(false), false), 401, kInvalidClient);
  auto refreshed = mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh},
                                                        {"client_id", kPublicClientId}});
  REQUIRE(refreshed);
  CHECK(refreshed->status == 200);
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "client_credentials"}, {"scope", "identify"},
                                                    {"client_id", kPublicClientId}}),
               401, kInvalidClient);
}

TEST_CASE("refresh tokens rotate: the old one is invalid_grant") {
  MockFixture mock;
  Tokens first = mock.login("identify email");
  auto refresh = [&](const std::string& token) {
    return mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", token}},
                          basic_auth(kClientId, kClientSecret));
  };
  auto answer = refresh(first.refresh);
  REQUIRE(answer);
  CHECK(answer->status == 200);
  auto body = nlohmann::json::parse(answer->body);
  CHECK(body["scope"] == "identify email");
  std::string second = body["refresh_token"];
  CHECK(second != first.refresh);
  check_answer(refresh(first.refresh), 400, kInvalidRefresh);
  check_answer(refresh("unknown"), 400, kInvalidRefresh);
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", second}},
                              basic_auth(kPublicClientId, "public-secret")),
               400, kInvalidRefresh);  // another client's token
  CHECK(status_of(refresh(second)) == 200);
}

TEST_CASE("client_credentials: Basic auth, scope in the body, no refresh token") {
  MockFixture mock;
  auto answer = mock.post_form("/api/oauth2/token", {{"grant_type", "client_credentials"}, {"scope", "identify applications.commands.update"}},
                               basic_auth(kClientId, kClientSecret));
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(std::regex_match(answer->body, std::regex(R"(\{"access_token": "[A-Za-z0-9]{30}", "token_type": "Bearer", )"
                                                  R"("expires_in": 604800, "scope": "identify applications.commands.update"\})")));
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "client_credentials"}, {"scope", "nonsense"}},
                              basic_auth(kClientId, kClientSecret)),
               400, R"({"error": "invalid_scope", "error_description": "The requested scope is invalid, unknown, or malformed."})");
  check_answer(mock.http.Post("/api/oauth2/token?grant_type=client_credentials&scope=identify", basic_auth(kClientId, kClientSecret),
                              "", "application/x-www-form-urlencoded"),
               400, kGrantTypeNone);
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "client_credentials"}, {"scope", "identify"}},
                              basic_auth(kClientId, "bad")),
               401, kInvalidClient);
}

TEST_CASE("access tokens expire after token_ttl on the virtual clock") {
  auto config = test_config();
  config.token_ttl = std::chrono::hours(1);
  MockFixture mock(config);
  Tokens tokens = mock.login();
  mock.server.advance_clock(std::chrono::minutes(59));
  CHECK(status_of(mock.get("/api/users/@me", bearer(tokens.access))) == 200);
  CHECK(mock.server.active_tokens() == 1);
  mock.server.advance_clock(std::chrono::minutes(2));
  CHECK(status_of(mock.get("/api/users/@me", bearer(tokens.access))) == 401);
  CHECK(mock.server.active_tokens() == 0);
}

TEST_CASE("revoke: one token revokes the whole authorization, and answers {}") {
  MockFixture mock;
  Tokens kept = mock.login();
  Tokens first = mock.login("identify email");
  auto refreshed = mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", first.refresh}},
                                  basic_auth(kClientId, kClientSecret));
  auto body = nlohmann::json::parse(refreshed->body);
  std::string access2 = body["access_token"], refresh2 = body["refresh_token"];
  CHECK(mock.server.active_tokens() == 3);

  SECTION("revoking the newest access token") {
    check_answer(mock.post_form("/api/oauth2/token/revoke", {{"token", access2}, {"token_type_hint", "access_token"}},
                                basic_auth(kClientId, kClientSecret)),
                 200, "{}");
  }
  SECTION("revoking the refresh token, on a versioned path, with form credentials") {
    check_answer(mock.post_form("/api/v10/oauth2/token/revoke",
                                {{"token", refresh2}, {"client_id", kClientId}, {"client_secret", kClientSecret}}),
                 200, "{}");
  }
  for (const auto& token : {first.access, access2})
    CHECK(status_of(mock.get("/api/users/@me", bearer(token))) == 401);
  check_answer(mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh2}},
                              basic_auth(kClientId, kClientSecret)),
               400, kInvalidRefresh);
  CHECK(status_of(mock.get("/api/users/@me", bearer(kept.access))) == 200);
  CHECK(mock.server.active_tokens() == 1);
}

TEST_CASE("revoke: unknown or foreign tokens answer {} and change nothing; bad requests are refused") {
  MockFixture mock;
  Tokens tokens = mock.login();
  check_answer(mock.post_form("/api/oauth2/token/revoke", {{"token", "unknown"}}, basic_auth(kClientId, kClientSecret)), 200, "{}");
  check_answer(mock.post_form("/api/oauth2/token/revoke", {{"token", tokens.access}}, basic_auth(kPublicClientId, "public-secret")),
               200, "{}");
  CHECK(status_of(mock.get("/api/users/@me", bearer(tokens.access))) == 200);
  check_answer(mock.post_form("/api/oauth2/token/revoke", {{"token", tokens.access}}, basic_auth(kClientId, "bad")), 401, kInvalidClient);
  check_answer(mock.post_form("/api/oauth2/token/revoke", {}, basic_auth(kClientId, kClientSecret)), 400,
               R"({"error": "invalid_request", "error_description": "Missing \"token\" in request."})");
  check_answer(mock.http.Post("/api/oauth2/token/revoke", basic_auth(kClientId, kClientSecret),
                              R"({"token": ")" + tokens.access + "\"}", "application/json"),
               400, kGrantTypeNone);
  CHECK(status_of(mock.get("/api/users/@me", bearer(tokens.access))) == 200);
}

TEST_CASE("concurrent redemptions of one code: exactly one succeeds") {
  MockFixture mock;
  for (int round = 0; round < 3; ++round) {
    std::string code = mock.obtain_code();
    std::atomic<int> successes{0}, invalid_grants{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        httplib::Client client("127.0.0.1", mock.port);
        client.set_tcp_nodelay(true);
        client.set_read_timeout(std::chrono::seconds(20));
        auto answer = client.Post("/api/oauth2/token", basic_auth(kClientId, kClientSecret),
                                  support::build_form({{"grant_type", "authorization_code"}, {"code", code},
                                                       {"redirect_uri", kRedirectUri}}),
                                  "application/x-www-form-urlencoded");
        if (answer && answer->status == 200) ++successes;
        if (answer && answer->status == 400 && answer->body == kInvalidCode) ++invalid_grants;
      });
    for (auto& thread : threads) thread.join();
    CHECK(successes == 1);
    CHECK(invalid_grants == 7);
  }
  CHECK(mock.server.codes_redeemed() == 3);
}

TEST_CASE("codes and tokens come from the seed") {
  auto run = [](std::uint64_t seed) {
    auto config = test_config();
    config.seed = seed;
    MockFixture mock(config);
    std::string code = mock.obtain_code();
    auto body = nlohmann::json::parse(mock.exchange(code)->body);
    return std::vector<std::string>{code, body["access_token"], body["refresh_token"]};
  };
  auto first = run(42), second = run(42), other = run(43);
  CHECK(first == second);
  CHECK(first != other);
  for (const auto& value : first) CHECK(alphanumeric30(value));
  CHECK(std::set<std::string>(first.begin(), first.end()).size() == 3);
}

TEST_CASE("the token endpoint only answers POST") {
  MockFixture mock;
  check_answer(mock.get("/api/oauth2/token"), 405, R"({"message": "405: Method Not Allowed", "code": 0})");
}
