// The reference app against the embedded mock Discord, driven by a small
// browser: sign-in, denial, forged and replayed callbacks, expired codes,
// Discord failing at each endpoint, token expiry, revocation and logout.
#include "client/reference_app.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <regex>

#include "client/mock_fixture.hpp"
#include "mock_discord/consent_form.hpp"

using namespace client_tests;
using mock_discord::Endpoint;

namespace {

std::string app_url(const std::string& path) { return std::string(kAppOrigin) + path; }

std::string query_param(const std::string& url, const std::string& name) {
  auto parsed = support::parse_url(url);
  REQUIRE(parsed);
  auto params = support::parse_form(parsed->query);
  REQUIRE(params);
  return support::find_param(*params, name).value_or("");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct AppFixture {
  MockDiscord mock;
  std::shared_ptr<WaitLog> waits = std::make_shared<WaitLog>();
  std::mutex log_mutex;
  std::vector<std::string> log_lines;
  std::unique_ptr<client::ReferenceApp> app;
  Browser browser;

  explicit AppFixture(mock_discord::Config mock_config = auto_consent_config(), bool pkce = false,
                      std::vector<std::string> scopes = {"identify", "email"},
                      const std::string& public_origin = kAppOrigin,
                      const std::function<void(client::AppConfig&)>& adjust = {})
      : mock(std::move(mock_config)) {
    mock.keep_time(*waits);
    client::AppConfig config;
    config.oauth = mock.oauth_config(waits, std::move(scopes));
    config.oauth.redirect_uri = public_origin + "/callback";
    config.port = 0;
    config.pkce = pkce;
    if (adjust) adjust(config);
    app = std::make_unique<client::ReferenceApp>(config, [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mutex);
      log_lines.push_back(line);
    });
    app->start();
    browser.map_origin(public_origin, app->port());
  }

  BrowserPage sign_in() { return browser.open(app_url("/login")); }
  std::vector<std::string> log() {
    std::lock_guard<std::mutex> lock(log_mutex);
    return log_lines;
  }
  // Whether a log line with `part` appears within 5 s: the app logs a request
  // just after answering it.
  bool logged(const std::string& part) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
      for (const auto& line : log())
        if (contains(line, part)) return true;
      std::this_thread::yield();
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }
  // Starts a sign-in and stops where Discord sends the browser back: the
  // callback URL (with code and state), not yet opened.
  std::string callback_url() {
    BrowserPage login = browser.get_once(app_url("/login"));
    REQUIRE(login.status == 302);
    BrowserPage authorize = browser.get_once(login.header("Location"));
    REQUIRE(authorize.status == 302);
    return authorize.header("Location");
  }
  // A valid code for nelly that no sign-in of this browser asked for.
  std::string foreign_code() {
    return mock.server.issue_code("nelly", kClientId, app_url("/callback"), {"identify"});
  }
  void check_signed_in(const BrowserPage& page) {
    CHECK(page.status == 200);
    CHECK(contains(page.body, "nelly"));
  }
  // No token, refresh token or secret in any URL, Set-Cookie, page or log line.
  void check_no_leaks(const std::vector<std::string>& bodies) {
    for (const auto& secret : mock.server.secrets()) {
      INFO("secret " << secret);
      for (const auto& url : browser.visited) CHECK_FALSE(contains(url, secret));
      for (const auto& cookie : browser.set_cookie_headers) CHECK_FALSE(contains(cookie, secret));
      for (const auto& body : bodies) CHECK_FALSE(contains(body, secret));
      for (const auto& line : log()) CHECK_FALSE(contains(line, secret));
    }
  }
};

}  // namespace

TEST_CASE("the home page offers Login with Discord") {
  AppFixture f;
  BrowserPage home = f.browser.open(app_url("/"));
  CHECK(home.status == 200);
  CHECK(contains(home.body, "href=\"/login\""));
  CHECK(contains(home.body, "Login with Discord"));
  CHECK(f.browser.open(app_url("/nowhere")).status == 404);
}

TEST_CASE("happy path: /login, Discord, /callback, /me") {
  AppFixture f;
  BrowserPage me = f.sign_in();
  REQUIRE(me.hops.size() == 4);
  CHECK(me.hops[0].url == app_url("/login"));
  CHECK(me.hops[0].status == 302);
  CHECK(me.hops[1].url.rfind(f.mock.server.url() + "/oauth2/authorize?", 0) == 0);
  CHECK(me.hops[2].url.rfind(app_url("/callback?code="), 0) == 0);
  CHECK(me.hops[2].status == 302);
  CHECK(me.url == app_url("/me"));
  f.check_signed_in(me);
  CHECK(contains(me.body, "Nelly"));
  CHECK(contains(me.body, "nelly@example.com"));
  CHECK(contains(me.body, "https://cdn.discordapp.com/embed/avatars/"));
  CHECK(f.mock.count("token", 1) == 1);
  CHECK(f.mock.count("users_me", 1) == 1);

  // The session id is an HttpOnly, SameSite=Lax cookie, replaced once signed in.
  REQUIRE(f.browser.set_cookie_headers.size() == 2);
  for (const auto& cookie : f.browser.set_cookie_headers) {
    CHECK(contains(cookie, "HttpOnly"));
    CHECK(contains(cookie, "SameSite=Lax"));
    CHECK_FALSE(contains(cookie, "Secure"));
  }
  CHECK(f.browser.set_cookie_headers[0] != f.browser.set_cookie_headers[1]);

  f.check_no_leaks({me.body});
  CHECK(f.logged("GET /login 302"));
  CHECK(f.logged("GET /callback 302 (signed in)"));
  CHECK(f.logged("GET /me 200"));
  for (const auto& line : f.log()) {
    CHECK_FALSE(contains(line, "code="));
    CHECK_FALSE(contains(line, "state="));
    CHECK_FALSE(contains(line, kClientSecret));
  }
}

TEST_CASE("the email is shown only when granted") {
  AppFixture f(auto_consent_config(), false, {"identify"});
  BrowserPage me = f.sign_in();
  f.check_signed_in(me);
  CHECK_FALSE(contains(me.body, "nelly@example.com"));
}

TEST_CASE("PKCE: the challenge goes to Discord, the verifier with the exchange") {
  AppFixture f(auto_consent_config(), true);
  BrowserPage me = f.sign_in();
  f.check_signed_in(me);
  REQUIRE(me.hops.size() == 4);
  CHECK(query_param(me.hops[1].url, "code_challenge_method") == "S256");
  CHECK(query_param(me.hops[1].url, "code_challenge").size() == 43);
  bool sent_verifier = false;
  for (const auto& entry : f.mock.server.journal())
    if (entry.endpoint == "token" && support::find_param(entry.form, "code_verifier")) sent_verifier = true;
  CHECK(sent_verifier);
}

TEST_CASE("the consent page: approve signs in, deny shows a clear page") {
  AppFixture f(mock_discord::Config::defaults(kAppOrigin));
  BrowserPage consent = f.sign_in();
  REQUIRE(consent.status == 200);
  REQUIRE(contains(consent.body, mock_discord::consent_form::form_id));
  std::smatch token;
  REQUIRE(std::regex_search(consent.body, token,
                            std::regex(std::string("name=\"") + mock_discord::consent_form::token_field +
                                       "\" value=\"([^\"]+)\"")));
  std::string decision = GENERATE(std::string("approve"), std::string("deny"));
  BrowserPage answer = f.browser.post_form(
      f.mock.server.url() + mock_discord::consent_form::action_path,
      {{mock_discord::consent_form::token_field, token[1].str()}, {mock_discord::consent_form::decision_field, decision}});
  if (decision == "approve") {
    f.check_signed_in(answer);
    CHECK(f.mock.count("token", 1) == 1);
  } else {
    CHECK(answer.url.rfind(app_url("/callback?error=access_denied"), 0) == 0);
    CHECK(answer.status == 403);
    CHECK(contains(answer.body, "You cancelled the sign-in"));
    CHECK(contains(answer.body, "href=\"/login\""));
    CHECK(f.mock.count("token", 0) == 0);
    CHECK(f.browser.open(app_url("/me")).status == 401);
  }
}

TEST_CASE("a callback this browser did not start is refused without calling Discord") {
  AppFixture f;
  std::string real_callback = f.callback_url();  // a pending sign-in exists in this session
  std::string code = f.foreign_code();
  BrowserPage refused;
  SECTION("state missing") { refused = f.browser.open(app_url("/callback?code=" + code)); }
  SECTION("state wrong") { refused = f.browser.open(app_url("/callback?code=" + code + "&state=not-the-state")); }
  SECTION("state twice") {
    std::string state = query_param(real_callback, "state");
    refused = f.browser.open(app_url("/callback?code=" + code + "&state=" + state + "&state=other"));
  }
  SECTION("the right state in another browser (login CSRF)") {
    Browser victim;
    victim.map_origin(kAppOrigin, f.app->port());
    refused = victim.open(real_callback);
  }
  CHECK(refused.status == 400);
  CHECK(contains(refused.body, "Sign-in not recognised"));
  CHECK(contains(refused.body, "Nothing was sent to Discord"));
  CHECK(f.mock.count("token", 0) == 0);
  CHECK(f.logged("GET /callback 400 (state does not match a sign-in of this session; token endpoint not called)"));
}

TEST_CASE("a replayed callback is refused and the sign-in stands") {
  AppFixture f;
  BrowserPage me = f.sign_in();
  f.check_signed_in(me);
  REQUIRE(me.hops.size() == 4);
  BrowserPage replay = f.browser.open(me.hops[2].url);
  CHECK(replay.status == 400);
  CHECK(contains(replay.body, "already used"));
  CHECK(f.mock.count("token", 1) == 1);
  f.check_signed_in(f.browser.open(app_url("/me")));
}

TEST_CASE("an expired code: this sign-in link expired, try again") {
  AppFixture f;
  std::string callback = f.callback_url();
  f.mock.server.advance_clock(std::chrono::seconds(101));
  BrowserPage expired = f.browser.open(callback);
  CHECK(expired.status == 400);
  CHECK(contains(expired.body, "This sign-in link expired, try again."));
  CHECK(contains(expired.body, "href=\"/login\""));
  CHECK(f.mock.count("token", 1) == 1);
  f.check_signed_in(f.sign_in());  // a fresh sign-in works
}

TEST_CASE("the code exchange failing: a clear page, and the code is not resent") {
  AppFixture f;
  std::string callback = f.callback_url();
  BrowserPage page;
  SECTION("429") {
    f.mock.server.add_failure(rate_limit_failure(Endpoint::token, 30));
    page = f.browser.open(callback);
    CHECK(page.status == 429);
    CHECK(page.header("Retry-After") == "30");
    CHECK(contains(page.body, "rate limiting"));
    f.mock.server.advance_clock(std::chrono::seconds(30));  // the 429 holds the route that long
  }
  SECTION("500") {
    f.mock.server.add_failure(status_failure(Endpoint::token, 500));
    page = f.browser.open(callback);
    CHECK(page.status == 502);
    CHECK(contains(page.body, "Discord is having trouble"));
  }
  SECTION("reset connection") {
    f.mock.server.add_failure(reset_failure(Endpoint::token));
    page = f.browser.open(callback);
    CHECK(page.status == 502);
    CHECK(contains(page.body, "could not get an answer from Discord"));
  }
  CHECK(contains(page.body, "href=\"/login\""));
  CHECK(f.mock.count("token", 1) == 1);
  CHECK(f.browser.open(app_url("/me")).status == 401);
  f.check_signed_in(f.sign_in());
}

TEST_CASE("Discord failing at /oauth2/authorize: the browser sees it, the app stays signed out") {
  AppFixture f;
  SECTION("500") {
    f.mock.server.add_failure(status_failure(Endpoint::authorize, 500));
    BrowserPage page = f.sign_in();
    CHECK(page.status == 500);
    CHECK(page.url.rfind(f.mock.server.url(), 0) == 0);
  }
  SECTION("reset connection") {
    f.mock.server.add_failure(reset_failure(Endpoint::authorize));
    CHECK_THROWS(f.sign_in());
  }
  CHECK(f.mock.count("token", 0) == 0);
  CHECK(f.browser.open(app_url("/me")).status == 401);
  f.check_signed_in(f.sign_in());
}

TEST_CASE("/me rides out one failure of /users/@me and explains a lasting one") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  int before = f.mock.count("users_me", 1);
  SECTION("one 500, one reset, one short 429: retried") {
    f.mock.server.add_failure(status_failure(Endpoint::users_me, 500));
    f.check_signed_in(f.browser.open(app_url("/me")));
    f.mock.server.add_failure(reset_failure(Endpoint::users_me));
    f.check_signed_in(f.browser.open(app_url("/me")));
    f.mock.server.add_failure(rate_limit_failure(Endpoint::users_me, 0.05));
    f.check_signed_in(f.browser.open(app_url("/me")));
    CHECK(f.mock.count("users_me", before + 6) == before + 6);
    CHECK(f.waits->all() == std::vector<client::Milliseconds>{client::Milliseconds(1), client::Milliseconds(1),
                                                              client::Milliseconds(50)});
  }
  SECTION("lasting 500") {
    f.mock.server.add_failure(status_failure(Endpoint::users_me, 500, 3));
    BrowserPage page = f.browser.open(app_url("/me"));
    CHECK(page.status == 502);
    CHECK(contains(page.body, "Discord is having trouble"));
    f.check_signed_in(f.browser.open(app_url("/me")));  // still signed in
  }
  SECTION("lasting resets") {
    f.mock.server.add_failure(reset_failure(Endpoint::users_me, 3));
    BrowserPage page = f.browser.open(app_url("/me"));
    CHECK(page.status == 502);
    f.check_signed_in(f.browser.open(app_url("/me")));
  }
  SECTION("a long 429") {
    f.mock.server.add_failure(rate_limit_failure(Endpoint::users_me, 12.5));
    BrowserPage page = f.browser.open(app_url("/me"));
    CHECK(page.status == 429);
    CHECK(page.header("Retry-After") == "13");
    f.mock.server.advance_clock(std::chrono::seconds(13));  // the 429 holds the route that long
    f.check_signed_in(f.browser.open(app_url("/me")));
  }
}

TEST_CASE("an expired access token is refreshed once, then used") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  f.mock.server.advance_clock(std::chrono::seconds(604801));
  BrowserPage me = f.browser.open(app_url("/me"));
  f.check_signed_in(me);
  CHECK(f.mock.count("token", 2) == 2);  // the exchange, then one refresh
  bool refreshed = false;
  for (const auto& entry : f.mock.server.journal())
    if (entry.endpoint == "token" && support::find_param(entry.form, "grant_type") == std::string("refresh_token"))
      refreshed = true;
  CHECK(refreshed);
  CHECK(f.logged("GET /me 200 (tokens refreshed)"));
  f.check_signed_in(f.browser.open(app_url("/me")));
  CHECK(f.mock.count("token", 2) == 2);
  f.check_no_leaks({me.body});
}

TEST_CASE("a refresh that fails for a moment keeps the sign-in") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  f.mock.server.advance_clock(std::chrono::seconds(604801));
  f.mock.server.add_failure(status_failure(Endpoint::token, 500));
  BrowserPage page = f.browser.open(app_url("/me"));
  CHECK(page.status == 502);
  CHECK(contains(page.body, "reload this page"));
  f.check_signed_in(f.browser.open(app_url("/me")));
}

TEST_CASE("revoked in Discord: one refresh attempt, then sign in again") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  int users_me = f.mock.count("users_me", 1);
  f.mock.server.revoke_tokens_of("nelly");
  BrowserPage page = f.browser.open(app_url("/me"));
  CHECK(page.status == 401);
  CHECK(contains(page.body, "Please sign in again"));
  CHECK(contains(page.body, "href=\"/login\""));
  CHECK_FALSE(contains(page.body, "nelly"));
  CHECK(f.mock.count("token", 2) == 2);
  CHECK(f.mock.count("users_me", users_me + 1) == users_me + 1);

  // The dead tokens were dropped: no more calls to Discord.
  CHECK(f.browser.open(app_url("/me")).status == 401);
  CHECK(f.mock.count("token") == 2);
  f.check_signed_in(f.sign_in());
}

TEST_CASE("logout revokes the token and ends the session") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  REQUIRE(f.mock.server.active_tokens() > 0);
  std::string method = GENERATE(std::string("GET"), std::string("POST"));
  BrowserPage page = method == "GET" ? f.browser.open(app_url("/logout")) : f.browser.post_form(app_url("/logout"), {});
  CHECK(page.url == app_url("/"));
  CHECK(page.status == 200);
  CHECK(contains(page.body, "Login with Discord"));
  CHECK(contains(f.browser.set_cookie_headers.back(), "Max-Age=0"));
  CHECK(f.browser.cookie("app.test", "sid").empty());
  CHECK(f.mock.count("revoke", 1) == 1);
  CHECK(f.mock.server.active_tokens() == 0);
  CHECK(f.browser.open(app_url("/me")).status == 401);
}

TEST_CASE("logout when Discord cannot revoke: signed out here, and told so") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  f.mock.server.add_failure(status_failure(Endpoint::revoke, 500, 3));
  BrowserPage page = f.browser.open(app_url("/logout"));
  CHECK(page.status == 200);
  CHECK(contains(page.body, "did not confirm"));
  CHECK(f.mock.count("revoke", 3) == 3);
  CHECK(f.browser.open(app_url("/me")).status == 401);
}

TEST_CASE("behind an https tunnel: Secure cookies, the configured redirect URI, never the Host header") {
  const std::string tunnel = "https://xyz.ngrok-free.app";
  auto mock_config = mock_discord::Config::defaults(tunnel);
  mock_config.consent = mock_discord::ConsentMode::auto_approve;
  AppFixture f(mock_config, false, {"identify"}, tunnel);
  BrowserPage me = f.browser.open(tunnel + "/login");
  f.check_signed_in(me);
  REQUIRE(me.hops.size() == 4);
  CHECK(query_param(me.hops[1].url, "redirect_uri") == tunnel + "/callback");
  for (const auto& cookie : f.browser.set_cookie_headers) CHECK(contains(cookie, "; Secure"));

  httplib::Client direct("127.0.0.1", f.app->port());
  auto answer = direct.Get("/login", {{"Host", "evil.example"}});
  REQUIRE(answer);
  CHECK(query_param(answer->get_header_value("Location"), "redirect_uri") == tunnel + "/callback");
}

TEST_CASE("a restart forgets sessions and keeps the port") {
  AppFixture f;
  f.check_signed_in(f.sign_in());
  int port = f.app->port();
  f.app->stop();
  CHECK(f.app->start() == port);
  CHECK(f.browser.open(app_url("/me")).status == 401);
  f.check_signed_in(f.sign_in());
}

TEST_CASE("Discord not answering in time: 504, at the callback and at /me") {
  AppFixture f(auto_consent_config(), false, {"identify"}, kAppOrigin, [](client::AppConfig& config) {
    config.oauth.transport.read_timeout = client::Milliseconds(300);
  });
  auto hang = [](Endpoint endpoint) {
    auto rule = failure(endpoint, mock_discord::FailureRule::Kind::fault);
    rule.fault = mock_discord::Fault::hang;
    return rule;
  };
  std::string callback = f.callback_url();
  f.mock.server.add_failure(hang(Endpoint::token));
  BrowserPage page = f.browser.open(callback);
  CHECK(page.status == 504);
  CHECK(contains(page.body, "Discord did not answer in time"));

  f.check_signed_in(f.sign_in());
  f.mock.server.add_failure(hang(Endpoint::users_me));
  page = f.browser.open(app_url("/me"));
  CHECK(page.status == 504);
  f.check_signed_in(f.browser.open(app_url("/me")));
}

TEST_CASE("a wrong client secret: a misconfiguration page that does not show the secret") {
  AppFixture f(auto_consent_config(), false, {"identify"}, kAppOrigin,
               [](client::AppConfig& config) { config.oauth.client_secret = "wrong-secret"; });
  BrowserPage page = f.sign_in();
  CHECK(page.status == 500);
  CHECK(contains(page.body, "invalid_client"));
  CHECK_FALSE(contains(page.body, "wrong-secret"));
  for (const auto& line : f.log()) CHECK_FALSE(contains(line, "wrong-secret"));
}

TEST_CASE("a request body with a Content-Encoding is refused before it is inflated") {
  AppFixture f;
  // 132 bytes of gzip that inflate to 100,000: past the app's 64 KiB body limit.
  const std::string gzipped("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xed\xc1\x31\x01\x00\x00\x00\xc2\xa0\xda\x8b\x6f\x0d\x0f\xa0\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x57\x03\x71\x11\x07\xfe\xa0\x86\x01\x00", 132);
  httplib::Client http("127.0.0.1", f.app->port());
  for (const std::string coding : {"gzip", "br", "deflate"}) {
    INFO(coding);
    auto answer = http.Post("/logout", {{"Content-Encoding", coding}}, gzipped, "application/x-www-form-urlencoded");
    REQUIRE(answer);
    CHECK(answer->status == 415);
  }
  auto plain = http.Post("/logout", {{"Content-Encoding", "identity"}}, "a=1", "application/x-www-form-urlencoded");
  REQUIRE(plain);
  CHECK(plain->status != 415);
}

TEST_CASE("slow clients trickling their requests do not take every worker") {
  AppFixture f;
  // More clients than the 8 workers the app used to have, each sending a
  // byte of its head every 300 ms: the read timeout never fires for them.
  std::vector<int> slow;
  for (int i = 0; i < 16; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(f.app->port()));
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const char head[] = "GET / HTTP/1.1\r\nX-Slow: ";
    REQUIRE(::send(fd, head, sizeof head - 1, MSG_NOSIGNAL) > 0);
    slow.push_back(fd);
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (int fd : slow) ::send(fd, "a", 1, MSG_NOSIGNAL);
      for (int i = 0; i < 30 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  httplib::Client http("127.0.0.1", f.app->port());
  http.set_read_timeout(std::chrono::seconds(20));
  auto answer = http.Get("/");
  done = true;
  trickle.join();
  for (int fd : slow) ::close(fd);
  REQUIRE(answer);
  CHECK(answer->status == 200);
}
