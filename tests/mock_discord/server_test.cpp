// mock_discord::Server's life cycle: start on port 0, stop, reset, and
// the failure rules a config starts with.
#include "mock_discord/server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "mock_discord/failures.hpp"
#include "mock_fixture.hpp"
#include "raw_client.hpp"
#include "support/errors.hpp"

using namespace mock_tests;

TEST_CASE("start() on port 0 picks a free port and serves on it") {
  mock_discord::Server server(test_config());
  int port = server.start();
  CHECK(port > 0);
  CHECK(server.port() == port);
  CHECK(server.url() == "http://127.0.0.1:" + std::to_string(port));
  CHECK(server.start() == port);  // starting again changes nothing
  CHECK(raw_exchange(port, raw_get("/_mock/health")).status_line() == "HTTP/1.1 200 OK");
}

TEST_CASE("stop() is idempotent and final") {
  mock_discord::Server server(test_config());
  int port = server.start();
  server.stop();
  server.stop();
  CHECK_FALSE(RawConnection(port).read().connected);
  CHECK_THROWS_AS(server.start(), support::SystemError);
}

TEST_CASE("a server that never started stops quietly") {
  mock_discord::Server server(test_config());
  server.stop();
}

TEST_CASE("a port in use is a SystemError naming it") {
  mock_discord::Server first(test_config());
  mock_discord::ServerOptions options;
  options.port = first.start();
  mock_discord::Server second(test_config(), options);
  try {
    second.start();
    FAIL("the second server started on a used port");
  } catch (const support::SystemError& error) {
    CHECK(std::string(error.what()).find("cannot listen on 127.0.0.1:" + std::to_string(options.port)) !=
          std::string::npos);
  }
}

TEST_CASE("an unknown host is a SystemError") {
  mock_discord::ServerOptions options;
  options.host = "not an address";
  mock_discord::Server server(test_config(), options);
  CHECK_THROWS_AS(server.start(), support::SystemError);
}

TEST_CASE("reset() forgets codes, tokens, rules and the journal") {
  MockFixture mock;
  Tokens tokens = mock.login();
  mock_discord::FailureRule rule;
  rule.endpoint = mock_discord::Endpoint::users_me;
  rule.status = 418;
  mock.server.add_failure(rule);
  CHECK(mock.server.active_tokens() == 1);
  CHECK_FALSE(mock.server.journal().empty());

  mock.server.reset(test_config());
  CHECK(mock.server.active_tokens() == 0);
  CHECK(mock.server.codes_redeemed() == 0);
  CHECK(mock.server.journal().empty());
  CHECK(mock.server.request_counts().empty());
  CHECK(mock.server.failures().size() == 0);
  auto answer = mock.get("/api/users/@me", bearer(tokens.access));
  REQUIRE(answer);
  CHECK(answer->status == 401);
}

TEST_CASE("the config's failure rules are active from the start, and after a reset") {
  auto config = test_config();
  mock_discord::FailureRule rule;
  rule.endpoint = mock_discord::Endpoint::users_me;
  rule.status = 418;
  config.failures.push_back(rule);
  MockFixture mock(config);
  auto first = mock.get("/api/users/@me");
  REQUIRE(first);
  CHECK(first->status == 418);
  auto second = mock.get("/api/users/@me");
  REQUIRE(second);
  CHECK(second->status == 401);
  mock.server.reset(config);
  auto again = mock.get("/api/users/@me");
  REQUIRE(again);
  CHECK(again->status == 418);
}

TEST_CASE("the driving methods reach the world") {
  MockFixture mock;
  Tokens tokens = mock.login();
  mock.server.set_signed_in("mallory");
  CHECK(mock.server.config().signed_in == "mallory");
  mock.server.set_redirect_uris("", {"http://new.test/cb"});
  CHECK(mock.server.config().applications[0].redirect_uris == std::vector<std::string>{"http://new.test/cb"});
  std::string code = mock.server.issue_code("nelly", kClientId, "http://new.test/cb", {"identify"}, "s");
  CHECK(code.size() == 30);
  CHECK(mock.server.last_issued().code == code);
  mock.server.revoke_tokens_of("nelly");
  CHECK(mock.server.active_tokens() == 0);
  auto secrets = mock.server.secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), tokens.access) != secrets.end());
}

TEST_CASE("url() may be read while start() runs (a data race under TSan before port became atomic)") {
  mock_discord::Server server(test_config());
  std::atomic<bool> started{false};
  std::string seen;
  std::thread reader([&] {
    while (!started) seen = server.url();
    seen = server.url();
  });
  int port = server.start();
  started = true;
  reader.join();
  CHECK(seen == "http://127.0.0.1:" + std::to_string(port));
}
