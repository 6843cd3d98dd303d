// The OAuth client against the embedded mock Discord: every call, its typed
// errors, and what is (and is never) sent again.
#include "client/oauth_client.hpp"

#include <catch2/catch.hpp>

#include "client/errors.hpp"
#include "client/mock_fixture.hpp"
#include "client/pkce.hpp"
#include "support/random.hpp"
#include "support/errors.hpp"

using namespace client_tests;
using mock_discord::Endpoint;

namespace {

support::Params query_of(const std::string& url) {
  auto parsed = support::parse_url(url);
  REQUIRE(parsed);
  auto params = support::parse_form(parsed->query);
  REQUIRE(params);
  return *params;
}

std::string param(const support::Params& params, const std::string& name) {
  return support::find_param(params, name).value_or("<absent>");
}

// The library against a mock that approves at once, with waits recorded.
struct ClientFixture {
  MockDiscord mock{auto_consent_config()};
  std::shared_ptr<WaitLog> waits = std::make_shared<WaitLog>();
  client::OAuthClient oauth{mock.oauth_config(waits)};
  ClientFixture() { mock.keep_time(*waits); }

  // Sends a browser to the authorize URL and returns the code Discord
  // redirects back with.
  std::string code_for(const client::AuthorizationRequest& request) {
    Browser browser;
    BrowserPage page = browser.get_once(request.url);
    REQUIRE(page.status == 302);
    auto back = query_of(page.header("Location"));
    REQUIRE(param(back, "state") == request.state);
    return param(back, "code");
  }
  std::string code() { return code_for(oauth.authorization_request(false)); }
  client::TokenSet sign_in() { return oauth.exchange_code(code()); }
};

}  // namespace

TEST_CASE("the authorize URL carries a fresh state, the scopes and the redirect URI") {
  ClientFixture f;
  auto first = f.oauth.authorization_request(false);
  auto second = f.oauth.authorization_request(false);
  CHECK(first.url.rfind(f.mock.server.url() + "/oauth2/authorize?", 0) == 0);
  auto params = query_of(first.url);
  CHECK(param(params, "response_type") == "code");
  CHECK(param(params, "client_id") == kClientId);
  CHECK(param(params, "scope") == "identify email");
  CHECK(first.url.find("scope=identify%20email") != std::string::npos);
  CHECK(param(params, "redirect_uri") == "http://app.test/callback");
  CHECK(param(params, "state") == first.state);
  CHECK(first.state.size() >= 22);  // 128 bits in base64url
  CHECK(first.state != second.state);
  CHECK(param(params, "code_challenge") == "<absent>");
  CHECK_FALSE(first.code_verifier);
}

TEST_CASE("the authorize URL with PKCE carries the S256 challenge of a kept verifier") {
  ClientFixture f;
  auto request = f.oauth.authorization_request(true);
  REQUIRE(request.code_verifier);
  auto params = query_of(request.url);
  CHECK(param(params, "code_challenge") == support::pkce_s256_challenge(*request.code_verifier));
  CHECK(param(params, "code_challenge_method") == "S256");
}

TEST_CASE("a bad config is refused up front") {
  client::OAuthConfig config;
  config.client_id = "1";
  CHECK_THROWS_WITH(client::OAuthClient(config), Catch::Contains("redirect URI is missing"));
  config.redirect_uri = "http://localhost/callback";
  config.api_base = "discord.com/api";
  CHECK_THROWS_AS(client::OAuthClient(config), support::InputError);
}

TEST_CASE("happy path: exchange, user, guilds, authorization") {
  ClientFixture f;
  client::TokenSet tokens = f.sign_in();
  CHECK_FALSE(tokens.access_token.empty());
  CHECK_FALSE(tokens.refresh_token.empty());
  CHECK(tokens.token_type == "Bearer");
  CHECK(tokens.expires_in == std::chrono::seconds(604800));
  CHECK(tokens.has_scope("identify"));
  CHECK(tokens.has_scope("email"));

  client::DiscordUser user = f.oauth.current_user(tokens.access_token);
  CHECK(user.username == "nelly");
  CHECK(user.global_name == std::optional<std::string>("Nelly"));
  CHECK(user.email == std::optional<std::string>("nelly@example.com"));
  CHECK(user.id == "80351110224678912");

  client::Authorization authorization = f.oauth.current_authorization(tokens.access_token);
  CHECK(authorization.application_id == kClientId);
  CHECK(authorization.scopes == std::vector<std::string>{"identify", "email"});
  REQUIRE(authorization.user);
  CHECK(authorization.user->username == "nelly");

  CHECK(f.mock.count("token", 1) == 1);
  CHECK(f.waits->all().empty());
}

TEST_CASE("guilds need the guilds scope") {
  ClientFixture f;
  client::OAuthClient with_guilds(f.mock.oauth_config(f.waits, {"identify", "guilds"}));
  auto tokens = with_guilds.exchange_code(f.code_for(with_guilds.authorization_request(false)));
  auto guilds = with_guilds.guilds(tokens.access_token);
  REQUIRE(guilds.size() == 1);
  CHECK(guilds[0].name == "Test Guild");
  CHECK(guilds[0].owner);

  auto without = f.sign_in();
  CHECK_THROWS_AS(f.oauth.guilds(without.access_token), client::ApiError);
}

TEST_CASE("PKCE: the verifier redeems the code, a wrong one does not") {
  ClientFixture f;
  auto request = f.oauth.authorization_request(true);
  auto tokens = f.oauth.exchange_code(f.code_for(request), request.code_verifier);
  CHECK(f.oauth.current_user(tokens.access_token).username == "nelly");

  auto second = f.oauth.authorization_request(true);
  std::string code = f.code_for(second);
  try {
    f.oauth.exchange_code(code, client::make_pkce().verifier);
    FAIL("a wrong verifier was accepted");
  } catch (const client::OAuthError& error) {
    CHECK(error.status() == 400);
    CHECK_FALSE(error.error().empty());
  }
}

TEST_CASE("a code is single use") {
  ClientFixture f;
  std::string code = f.code();
  f.oauth.exchange_code(code);
  try {
    f.oauth.exchange_code(code);
    FAIL("a used code was accepted");
  } catch (const client::OAuthError& error) {
    CHECK(error.error() == "invalid_grant");
    CHECK(error.description() == "Invalid \"code\" in request.");
    CHECK(error.status() == 400);
  }
}

TEST_CASE("an expired code is invalid_grant") {
  ClientFixture f;
  std::string code = f.code();
  f.mock.server.advance_clock(std::chrono::seconds(101));
  CHECK_THROWS_MATCHES(f.oauth.exchange_code(code), client::OAuthError,
                       Catch::Predicate<client::OAuthError>([](const client::OAuthError& e) {
                         return e.error() == "invalid_grant";
                       }));
  CHECK(f.mock.count("token", 1) == 1);
}

TEST_CASE("a code exchange is never sent twice, whatever goes wrong") {
  ClientFixture f;
  std::string code = f.code();
  SECTION("500") {
    f.mock.server.add_failure(status_failure(Endpoint::token, 500));
    CHECK_THROWS_MATCHES(f.oauth.exchange_code(code), client::ApiError,
                         Catch::Predicate<client::ApiError>([](const client::ApiError& e) { return e.status() == 500; }));
  }
  SECTION("reset connection") {
    f.mock.server.add_failure(reset_failure(Endpoint::token));
    CHECK_THROWS_AS(f.oauth.exchange_code(code), client::TransportError);
  }
  SECTION("429, even a short one") {
    f.mock.server.add_failure(rate_limit_failure(Endpoint::token, 0.01));
    CHECK_THROWS_MATCHES(f.oauth.exchange_code(code), client::RateLimited,
                         Catch::Predicate<client::RateLimited>([](const client::RateLimited& e) {
                           return e.retry_after() == Approx(0.01) && e.scope() == "user" && !e.global();
                         }));
  }
  SECTION("malformed answer") {
    auto rule = failure(Endpoint::token, mock_discord::FailureRule::Kind::fault);
    rule.fault = mock_discord::Fault::malformed_json;
    f.mock.server.add_failure(rule);
    CHECK_THROWS_AS(f.oauth.exchange_code(code), client::TransportError);
  }
  CHECK(f.mock.count("token", 1) == 1);
  CHECK(f.waits->all().empty());
}

TEST_CASE("GETs are retried after a 500, a reset or a short 429, at each endpoint") {
  ClientFixture f;
  auto tokens = f.sign_in();
  auto endpoint = GENERATE(Endpoint::users_me, Endpoint::oauth2_me);
  std::string name = mock_discord::endpoint_name(endpoint);
  auto call = [&] {
    if (endpoint == Endpoint::users_me)
      CHECK(f.oauth.current_user(tokens.access_token).username == "nelly");
    else
      CHECK(f.oauth.current_authorization(tokens.access_token).application_id == kClientId);
  };
  SECTION("500") {
    f.mock.server.add_failure(status_failure(endpoint, 500));
    call();
    CHECK(f.waits->all() == std::vector<client::Milliseconds>{client::Milliseconds(1)});
  }
  SECTION("reset") {
    f.mock.server.add_failure(reset_failure(endpoint));
    call();
    CHECK(f.waits->all() == std::vector<client::Milliseconds>{client::Milliseconds(1)});
  }
  SECTION("429 within the bound: Retry-After is honoured") {
    f.mock.server.add_failure(rate_limit_failure(endpoint, 0.25));
    call();
    CHECK(f.waits->all() == std::vector<client::Milliseconds>{client::Milliseconds(250)});
  }
  CHECK(f.mock.count(name, 2) == 2);
}

TEST_CASE("guilds are retried too") {
  ClientFixture f;
  client::OAuthClient with_guilds(f.mock.oauth_config(f.waits, {"identify", "guilds"}));
  auto tokens = with_guilds.exchange_code(f.code_for(with_guilds.authorization_request(false)));
  f.mock.server.add_failure(status_failure(Endpoint::guilds, 503));
  f.mock.server.add_failure(reset_failure(Endpoint::guilds));
  CHECK(with_guilds.guilds(tokens.access_token).size() == 1);
  CHECK(f.mock.count("guilds", 3) == 3);
}

TEST_CASE("retries are bounded") {
  ClientFixture f;
  auto tokens = f.sign_in();
  SECTION("a lasting 500 surfaces as ApiError after max_attempts") {
    f.mock.server.add_failure(status_failure(Endpoint::users_me, 500, std::nullopt));
    CHECK_THROWS_MATCHES(f.oauth.current_user(tokens.access_token), client::ApiError,
                         Catch::Predicate<client::ApiError>([](const client::ApiError& e) { return e.server_side(); }));
    CHECK(f.mock.count("users_me", 3) == 3);
    // Exponential: 1 ms, then 2 ms.
    CHECK(f.waits->all() == std::vector<client::Milliseconds>{client::Milliseconds(1), client::Milliseconds(2)});
  }
  SECTION("lasting resets surface as TransportError") {
    f.mock.server.add_failure(reset_failure(Endpoint::users_me, std::nullopt));
    CHECK_THROWS_AS(f.oauth.current_user(tokens.access_token), client::TransportError);
    CHECK(f.mock.count("users_me", 3) == 3);
  }
  SECTION("a Retry-After beyond the bound is not waited out") {
    f.mock.server.add_failure(rate_limit_failure(Endpoint::users_me, 64.57));
    CHECK_THROWS_MATCHES(f.oauth.current_user(tokens.access_token), client::RateLimited,
                         Catch::Predicate<client::RateLimited>([](const client::RateLimited& e) {
                           return e.retry_after() == Approx(64.57) && e.scope() == "user";
                         }));
    CHECK(f.mock.count("users_me", 1) == 1);
    CHECK(f.waits->all().empty());
  }
}

TEST_CASE("refresh gives a new pair and spends the old refresh token") {
  ClientFixture f;
  auto tokens = f.sign_in();
  auto fresh = f.oauth.refresh(tokens.refresh_token);
  CHECK(fresh.access_token != tokens.access_token);
  CHECK(fresh.refresh_token != tokens.refresh_token);
  CHECK(f.oauth.current_user(fresh.access_token).username == "nelly");
  CHECK_THROWS_MATCHES(f.oauth.refresh(tokens.refresh_token), client::OAuthError,
                       Catch::Predicate<client::OAuthError>([](const client::OAuthError& e) {
                         return e.error() == "invalid_grant";
                       }));
}

TEST_CASE("refresh is resent only when Discord certainly did not act") {
  ClientFixture f;
  auto tokens = f.sign_in();
  int before = f.mock.count("token", 1);
  SECTION("500: not resent") {
    f.mock.server.add_failure(status_failure(Endpoint::token, 500));
    CHECK_THROWS_AS(f.oauth.refresh(tokens.refresh_token), client::ApiError);
    CHECK(f.mock.count("token", before + 1) == before + 1);
  }
  SECTION("reset: not resent") {
    f.mock.server.add_failure(reset_failure(Endpoint::token));
    CHECK_THROWS_AS(f.oauth.refresh(tokens.refresh_token), client::TransportError);
    CHECK(f.mock.count("token", before + 1) == before + 1);
  }
  SECTION("short 429: resent") {
    f.mock.server.add_failure(rate_limit_failure(Endpoint::token, 0.01));
    CHECK_FALSE(f.oauth.refresh(tokens.refresh_token).access_token.empty());
    CHECK(f.mock.count("token", before + 2) == before + 2);
  }
}

TEST_CASE("an expired access token is refused, and a refresh brings a working one") {
  ClientFixture f;
  auto tokens = f.sign_in();
  f.mock.server.advance_clock(std::chrono::seconds(604801));
  CHECK_THROWS_MATCHES(f.oauth.current_user(tokens.access_token), client::ApiError,
                       Catch::Predicate<client::ApiError>([](const client::ApiError& e) { return e.unauthorized(); }));
  auto fresh = f.oauth.refresh(tokens.refresh_token);
  CHECK(f.oauth.current_user(fresh.access_token).username == "nelly");
}

TEST_CASE("revoke ends the whole authorization") {
  ClientFixture f;
  auto tokens = f.sign_in();
  SECTION("plainly") { f.oauth.revoke(tokens.access_token); }
  SECTION("after a 500, retried") {
    f.mock.server.add_failure(status_failure(Endpoint::revoke, 500));
    f.oauth.revoke(tokens.access_token);
    CHECK(f.mock.count("revoke", 2) == 2);
  }
  SECTION("after a reset, retried") {
    f.mock.server.add_failure(reset_failure(Endpoint::revoke));
    f.oauth.revoke(tokens.refresh_token, "refresh_token");
    CHECK(f.mock.count("revoke", 2) == 2);
  }
  CHECK_THROWS_MATCHES(f.oauth.current_user(tokens.access_token), client::ApiError,
                       Catch::Predicate<client::ApiError>([](const client::ApiError& e) { return e.unauthorized(); }));
  CHECK_THROWS_AS(f.oauth.refresh(tokens.refresh_token), client::OAuthError);
}

TEST_CASE("a call that gets no answer within the read timeout is a Timeout, not retried") {
  MockDiscord mock{auto_consent_config()};
  auto waits = std::make_shared<WaitLog>();
  auto config = mock.oauth_config(waits);
  config.transport.read_timeout = client::Milliseconds(300);
  client::OAuthClient oauth(config);
  auto hang = failure(Endpoint::users_me, mock_discord::FailureRule::Kind::fault, std::nullopt);
  hang.fault = mock_discord::Fault::hang;
  mock.server.add_failure(hang);
  CHECK_THROWS_WITH(oauth.current_user("some-token"), Catch::Contains("no answer from") && Catch::Contains("300ms"));
  CHECK_THROWS_AS(oauth.current_user("some-token"), client::Timeout);
  CHECK(waits->all().empty());
}

TEST_CASE("a refused connection is a TransportError that GETs retry and a code exchange does not") {
  int closed_port = 0;
  {
    MockDiscord gone;
    closed_port = gone.server.port();
  }
  auto waits = std::make_shared<WaitLog>();
  client::OAuthConfig config = MockDiscord().oauth_config(waits);
  std::string base = "http://127.0.0.1:" + std::to_string(closed_port);
  config.token_url = base + "/api/oauth2/token";
  config.api_base = base + "/api/v10";
  client::OAuthClient oauth(config);

  CHECK_THROWS_WITH(oauth.current_user("t"), Catch::Contains("could not connect") && Catch::Contains("3 attempts"));
  CHECK(waits->all().size() == 2);
  CHECK_THROWS_WITH(oauth.exchange_code("c"), Catch::Contains("could not connect") && !Catch::Contains("attempts"));
  CHECK(waits->all().size() == 2);
}

TEST_CASE("error messages never contain tokens or the secret") {
  ClientFixture f;
  auto tokens = f.sign_in();
  f.mock.server.advance_clock(std::chrono::seconds(604801));
  std::vector<std::string> messages;
  try {
    f.oauth.current_user(tokens.access_token);
  } catch (const client::ClientError& error) {
    messages.push_back(error.what());
  }
  f.oauth.revoke(tokens.access_token);
  try {
    f.oauth.refresh(tokens.refresh_token);
  } catch (const client::ClientError& error) {
    messages.push_back(error.what());
  }
  REQUIRE(messages.size() == 2);
  for (const auto& message : messages)
    for (const auto& secret : f.mock.server.secrets()) CHECK(message.find(secret) == std::string::npos);
}
