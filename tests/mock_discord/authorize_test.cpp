// GET /oauth2/authorize and the consent form: validation order (page errors
// before redirect errors), consent page contract, approve/cancel redirects,
// prompt=none, PKCE parameters, legacy redirects and bad input.
#include "mock_fixture.hpp"

#include "mock_discord/consent_form.hpp"

using namespace mock_tests;

namespace {

support::Params code_request(const std::string& scope = "identify") {
  return {{"client_id", kClientId}, {"response_type", "code"}, {"scope", scope}, {"redirect_uri", kRedirectUri}};
}

support::Params with(support::Params params, const std::string& name, const std::string& value) {
  params.emplace_back(name, value);
  return params;
}

}  // namespace

TEST_CASE("the consent page follows the form contract and shows who asks for what") {
  MockFixture mock;
  auto page = mock.authorize(code_request("identify email guilds"));
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  const std::string& html = page->body;
  CHECK(html.find(std::string("<body ") + mock_discord::consent_form::marker + ">") != std::string::npos);
  CHECK(html.find(R"(<form id="mock-discord-consent" method="post" action="/oauth2/authorize/consent")") !=
        std::string::npos);
  CHECK(html.find(R"(<button type="submit" name="decision" value="approve" class="authorize" id="consent-authorize" )"
                  R"(data-testid="consent-authorize">Authorize</button>)") != std::string::npos);
  CHECK(html.find(R"(<button type="submit" name="decision" value="deny" class="cancel" id="consent-cancel" )"
                  R"(data-testid="consent-cancel">Cancel</button>)") != std::string::npos);
  CHECK(html.find("Airhorn") != std::string::npos);
  CHECK(html.find("nelly") != std::string::npos);
  CHECK(html.find("Access your email address") != std::string::npos);
  CHECK(html.find("Know what servers you&#39;re in") != std::string::npos);
  CHECK(MockFixture::consent_token(html).size() == 30);
}

TEST_CASE("approving redirects with the code and the state") {
  MockFixture mock;
  std::string location = mock.approve(with(code_request(), "state", "xyz ABC/+="));
  CHECK(location.rfind(std::string(kRedirectUri) + "?code=", 0) == 0);
  auto query = query_of(location);
  CHECK(param(query, "code").size() == 30);
  CHECK(param(query, "state") == "xyz ABC/+=");
  CHECK(location.find("&state=xyz+ABC%2F%2B%3D") != std::string::npos);
  CHECK(mock.server.last_issued().code == param(query, "code"));
  CHECK(mock.server.last_issued().state == "xyz ABC/+=");
}

TEST_CASE("bot flows: the redirect also carries guild_id and permissions") {
  MockFixture mock;
  auto bot = with(with(with(code_request("identify bot"), "state", "s"), "guild_id", "41771983423143937"), "permissions", "8");
  std::string location = mock.approve(bot);
  auto query = query_of(location);
  CHECK(param(query, "code").size() == 30);
  CHECK(location == std::string(kRedirectUri) + "?code=" + param(query, "code") +
                        "&state=s&guild_id=41771983423143937&permissions=8");  // Discord's order

  auto config = test_config();
  config.consent = mock_discord::ConsentMode::auto_approve;
  MockFixture automatic(config);
  auto only_permissions = query_of(automatic.authorize_redirect(with(code_request("bot"), "permissions", "2048")));
  CHECK(param(only_permissions, "permissions") == "2048");
  CHECK(param(only_permissions, "guild_id") == "<absent>");

  // Without the bot scope they are not part of the answer.
  auto plain = query_of(automatic.authorize_redirect(with(with(code_request(), "guild_id", "1"), "permissions", "8")));
  CHECK(param(plain, "code").size() == 30);
  CHECK(param(plain, "guild_id") == "<absent>");
  CHECK(param(plain, "permissions") == "<absent>");
}

TEST_CASE("a consent form far over 8 KiB is read whole") {
  MockFixture mock;
  std::string token = mock.open_consent(code_request());
  // cpp-httplib alone would refuse a form over 8 KiB with 413.
  auto answer = mock.raw_post_form("/oauth2/authorize/consent", {{"consent_token", token}, {"decision", "approve"},
                                                                 {"padding", std::string(100 * 1024, 'a')}});
  CHECK(answer.status_line() == "HTTP/1.1 302 Found");
  CHECK(param(query_of(location_in(answer)), "code").size() == 30);
}

TEST_CASE("without a state the redirect carries none") {
  MockFixture mock;
  std::string location = mock.approve(code_request());
  CHECK(location.find("state") == std::string::npos);
}

TEST_CASE("cancel redirects with access_denied and Discord's description") {
  MockFixture mock;
  CHECK(mock.decide_redirect(mock.open_consent(with(code_request(), "state", "s1")), "deny") ==
        std::string(kRedirectUri) +
            "?error=access_denied&error_description=The+resource+owner+or+authorization+server+denied+the+request"
            "&state=s1");
}

TEST_CASE("an unknown scope redirects with invalid_scope") {
  MockFixture mock;
  for (const char* scope : {"identify bogus", "", "IDENTIFY"}) {
    CHECK(mock.authorize_redirect(with(code_request(scope), "state", "s2")) ==
          std::string(kRedirectUri) +
              "?error=invalid_scope&error_description=The+requested+scope+is+invalid%2C+unknown%2C+or+malformed."
              "&state=s2");
  }
}

TEST_CASE("a redirect_uri that is not registered exactly gets a page, never a redirect") {
  MockFixture mock;
  for (const char* uri : {"http://127.0.0.1:9/callback/", "http://127.0.0.1:9/callbac", "http://127.0.0.1:9/callback?x=1",
                          "http://127.0.0.1:9/callback#f", "https://127.0.0.1:9/callback", "http://evil.test/callback"}) {
    auto answer = mock.authorize({{"client_id", kClientId}, {"response_type", "code"}, {"scope", "identify"},
                                  {"redirect_uri", uri}, {"state", "s"}});
    REQUIRE(answer);
    CHECK(answer->status == 400);
    CHECK_FALSE(answer->has_header("Location"));
    CHECK(answer->body.find("Invalid OAuth2 redirect_uri") != std::string::npos);
  }
}

TEST_CASE("errors about the client or redirect URI are pages even when other parameters are bad too") {
  MockFixture mock;
  auto unknown = mock.authorize({{"client_id", "1"}, {"response_type", "code"}, {"scope", "bogus"}, {"redirect_uri", kRedirectUri}});
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK_FALSE(unknown->has_header("Location"));
  CHECK(unknown->body.find("Unknown Application") != std::string::npos);
  auto missing = mock.get("/oauth2/authorize");
  REQUIRE(missing);
  CHECK(missing->status == 400);
  CHECK(missing->body.find("client_id is missing") != std::string::npos);
}

TEST_CASE("an omitted redirect_uri means the first registered one") {
  MockFixture mock;
  std::string location = mock.approve({{"client_id", kClientId}, {"response_type", "code"}, {"scope", "identify"}});
  CHECK(location.rfind(std::string(kRedirectUri) + "?code=", 0) == 0);
}

TEST_CASE("a redirect URI with its own query keeps it and gets the code joined with &") {
  MockFixture mock;
  mock.server.set_redirect_uris("", {"http://127.0.0.1:9/cb?tenant=a"});
  std::string location = mock.approve(
      {{"client_id", kClientId}, {"response_type", "code"}, {"scope", "identify"}, {"redirect_uri", "http://127.0.0.1:9/cb?tenant=a"}});
  CHECK(location.rfind("http://127.0.0.1:9/cb?tenant=a&code=", 0) == 0);
}

TEST_CASE("response_type must be code or token") {
  MockFixture mock;
  for (const char* type : {"", "id_token", "CODE"}) {
    CHECK(mock.authorize_redirect({{"client_id", kClientId}, {"response_type", type}, {"scope", "identify"},
                                   {"redirect_uri", kRedirectUri}, {"state", "s3"}}) == std::string(kRedirectUri) + "?error=unsupported_response_type&state=s3");
  }
}

TEST_CASE("response_type=token answers in the fragment without a refresh token") {
  MockFixture mock;
  std::string location = mock.approve({{"client_id", kClientId}, {"response_type", "token"}, {"scope", "identify"},
                                       {"redirect_uri", kRedirectUri}, {"state", "s4"}});
  auto url = support::parse_url(location);
  REQUIRE(url);
  CHECK(url->query.empty());
  auto fragment = params_of(url->fragment);
  CHECK(param(fragment, "token_type") == "Bearer");
  CHECK(param(fragment, "expires_in") == "604800");
  CHECK(param(fragment, "scope") == "identify");
  CHECK(param(fragment, "state") == "s4");
  CHECK(param(fragment, "refresh_token") == "<absent>");
  auto me = mock.get("/api/users/@me", bearer(param(fragment, "access_token")));
  REQUIRE(me);
  CHECK(me->status == 200);
}

TEST_CASE("PKCE: only S256 with a well-formed challenge") {
  MockFixture mock;
  auto request = with(with(code_request(), "state", "p"), "code_challenge", kChallenge);
  for (const char* method : {"plain", "s256", ""}) {
    CHECK(mock.authorize_redirect(method[0] ? with(request, "code_challenge_method", method) : request) ==
          std::string(kRedirectUri) + "?error=invalid_request&error_description=Unsupported+%22code_challenge_method%22&state=p");
  }
  CHECK(mock.authorize_redirect({{"client_id", kClientId}, {"response_type", "code"}, {"scope", "identify"},
                                 {"code_challenge", "abc"}, {"code_challenge_method", "S256"}}) ==
        std::string(kRedirectUri) + "?error=invalid_request&error_description=Invalid+%22code_challenge%22");
  auto good = mock.authorize(with(request, "code_challenge_method", "S256"));
  REQUIRE(good);
  CHECK(good->status == 200);
}

TEST_CASE("a custom-scheme redirect URI needs PKCE") {
  MockFixture mock;
  support::Params request{{"client_id", kPublicClientId}, {"response_type", "code"}, {"scope", "identify"},
                          {"redirect_uri", "com.example.app:/oauth"}};
  auto without = mock.authorize(request);
  REQUIRE(without);
  CHECK(without->status == 400);
  CHECK_FALSE(without->has_header("Location"));
  std::string location = mock.approve(with(with(request, "code_challenge", kChallenge), "code_challenge_method", "S256"));
  CHECK(location.rfind("com.example.app:/oauth?code=", 0) == 0);
}

TEST_CASE("consent tokens are single use, unknown or expired ones get a 400 page") {
  MockFixture mock;
  std::string token = mock.open_consent(code_request());
  CHECK(status_of(mock.decide(token, "approve")) == 302);
  auto again = mock.decide(token, "approve");
  REQUIRE(again);
  CHECK(again->status == 400);
  CHECK_FALSE(again->has_header("Location"));
  CHECK(status_of(mock.decide("nope", "approve")) == 400);

  std::string stale = mock.open_consent(code_request());
  mock.server.advance_clock(std::chrono::minutes(11));
  auto expired = mock.decide(stale, "approve");
  REQUIRE(expired);
  CHECK(expired->status == 400);
  CHECK(expired->body.find("expired") != std::string::npos);
}

TEST_CASE("a bad decision or a non-form consent post is refused without spending the page") {
  MockFixture mock;
  std::string token = mock.open_consent(code_request());
  CHECK(status_of(mock.decide(token, "maybe")) == 400);
  CHECK(status_of(mock.http.Post("/oauth2/authorize/consent",
                                 R"({"consent_token": ")" + token + R"(", "decision": "approve"})", "application/json")) == 400);
  CHECK(status_of(mock.http.Post("/oauth2/authorize/consent", "consent_token=" + token + "&decision=approve&decision=deny",
                                 "application/x-www-form-urlencoded")) == 400);
  CHECK(status_of(mock.decide(token, "approve")) == 302);
}

TEST_CASE("nobody signed in: a page asking to log in, no code") {
  MockFixture mock;
  mock.server.set_signed_in("");
  auto page = mock.authorize(code_request());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK_FALSE(page->has_header("Location"));
  CHECK(page->body.find("You must log in") != std::string::npos);
  CHECK(page->body.find("consent_token") == std::string::npos);
  mock.server.set_signed_in("mallory");
  auto consent = mock.authorize(code_request());
  REQUIRE(consent);
  CHECK(consent->body.find("mallory") != std::string::npos);
}

TEST_CASE("consent: auto redirects at once") {
  auto config = test_config();
  config.consent = mock_discord::ConsentMode::auto_approve;
  MockFixture mock(config);
  auto answer = mock.authorize(with(code_request(), "state", "a"));
  REQUIRE(answer);
  CHECK(answer->status == 302);
  auto query = query_of(answer->get_header_value("Location"));
  CHECK(param(query, "code").size() == 30);
  CHECK(param(query, "state") == "a");
}

TEST_CASE("prompt=none skips the page only for scopes already granted") {
  MockFixture mock;
  auto none = with(code_request(), "prompt", "none");
  auto first = mock.authorize(none);
  REQUIRE(first);
  CHECK(first->status == 200);  // nothing granted yet: the page
  mock.approve(code_request());
  auto second = mock.authorize(none);
  REQUIRE(second);
  CHECK(second->status == 302);
  CHECK(param(query_of(second->get_header_value("Location")), "code").size() == 30);
  auto consent = mock.authorize(code_request());  // prompt=consent (the default) always asks
  REQUIRE(consent);
  CHECK(consent->status == 200);
  auto more = mock.authorize(with(code_request("identify email"), "prompt", "none"));
  REQUIRE(more);
  CHECK(more->status == 200);
  mock.server.revoke_tokens_of("nelly");  // removing the app forgets the grant
  auto after_removal = mock.authorize(none);
  REQUIRE(after_removal);
  CHECK(after_removal->status == 200);
}

TEST_CASE("user-controlled text on the pages is escaped") {
  auto config = test_config();
  config.applications[0].name = "<script>alert(1)</script>";
  config.users[0].global_name = "\"Nelly\" & <b>co</b>";
  MockFixture mock(config);
  auto page = mock.authorize(code_request());
  REQUIRE(page);
  CHECK(page->body.find("<script>") == std::string::npos);
  CHECK(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page->body.find("&quot;Nelly&quot; &amp; &lt;b&gt;co&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("legacy /api[/vN]/oauth2/authorize redirects to /oauth2/authorize keeping the query") {
  MockFixture mock;
  for (const char* prefix : {"/api", "/api/v9", "/api/v10", "/api/v6"}) {
    auto answer = mock.raw_get(std::string(prefix) + "/oauth2/authorize?client_id=1&scope=identify%20email");
    CHECK(answer.status_line() == "HTTP/1.1 302 Found");
    CHECK(location_in(answer) == "/oauth2/authorize?client_id=1&scope=identify%20email");
  }
}

TEST_CASE("broken query strings get a 400 page") {
  MockFixture mock;
  for (const char* query : {"client_id=%ZZ", "client_id=157730590492196864&client_id=1", "client_id=157730590492196864&state=%FF%FE"}) {
    auto answer = mock.get(std::string("/oauth2/authorize?") + query);
    REQUIRE(answer);
    CHECK(answer->status == 400);
    CHECK_FALSE(answer->has_header("Location"));
  }
}

TEST_CASE("the consent page cannot be framed or cached") {
  MockFixture mock;
  auto page = mock.authorize(code_request());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("X-Frame-Options") == "DENY");
  CHECK(page->get_header_value("Content-Security-Policy") == "frame-ancestors 'none'");
  CHECK(page->get_header_value("Cache-Control") == "no-store");
}
