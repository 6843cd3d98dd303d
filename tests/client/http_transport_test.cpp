// The transport's pure pieces (reading a 429) and its retry bounds.
#include "client/http_transport.hpp"

#include <catch2/catch.hpp>

#include "client/errors.hpp"
#include "client/mock_fixture.hpp"

using namespace client_tests;

TEST_CASE("parse_rate_limit prefers the body's precise retry_after") {
  client::HttpResponse response;
  response.status = 429;
  response.body = R"({"message": "You are being rate limited.", "retry_after": 64.57, "global": false})";
  response.headers = {{"Retry-After", "65"}, {"x-ratelimit-scope", "user"}};
  auto info = client::parse_rate_limit(response);
  CHECK(info.retry_after == Approx(64.57));
  CHECK(info.scope == "user");
  CHECK_FALSE(info.global);
}

TEST_CASE("parse_rate_limit falls back to the headers") {
  client::HttpResponse response;
  response.status = 429;
  response.body = "not json";
  SECTION("Retry-After") {
    response.headers = {{"Retry-After", "3"}, {"X-RateLimit-Global", "true"}, {"X-RateLimit-Scope", "global"}};
    auto info = client::parse_rate_limit(response);
    CHECK(info.retry_after == Approx(3));
    CHECK(info.global);
    CHECK(info.scope == "global");
  }
  SECTION("X-RateLimit-Reset-After") {
    response.headers = {{"X-RateLimit-Reset-After", "1.25"}};
    CHECK(client::parse_rate_limit(response).retry_after == Approx(1.25));
  }
  SECTION("nothing usable: one second") {
    response.headers = {{"Retry-After", "soon"}};
    CHECK(client::parse_rate_limit(response).retry_after == Approx(1.0));
  }
}

TEST_CASE("header lookup is case-insensitive") {
  client::HttpResponse response;
  response.headers = {{"content-type", "application/json"}};
  CHECK(response.header("Content-Type") == "application/json");
  CHECK(response.header("Retry-After").empty());
}

TEST_CASE("backoff doubles up to its bound, for at most max_attempts") {
  MockDiscord mock;
  auto waits = std::make_shared<WaitLog>();
  client::TransportOptions options = quick_transport(waits);
  options.max_attempts = 5;
  client::HttpTransport transport(options);
  mock.server.add_failure(status_failure(mock_discord::Endpoint::users_me, 503, std::nullopt));

  client::HttpRequest request;
  request.url = mock.server.url() + "/api/v10/users/@me";
  request.what = "the test request";
  client::HttpResponse response = transport.send(request);
  CHECK(response.status == 503);
  using client::Milliseconds;
  CHECK(waits->all() == std::vector<Milliseconds>{Milliseconds(1), Milliseconds(2), Milliseconds(4), Milliseconds(4)});
  CHECK(mock.count("users_me", 5) == 5);
}

TEST_CASE("a 429 is resent only within the bound and never for RetryPolicy::never") {
  MockDiscord mock;
  auto waits = std::make_shared<WaitLog>();
  client::HttpTransport transport(quick_transport(waits));
  client::HttpRequest request;
  request.url = mock.server.url() + "/api/v10/users/@me";
  request.what = "the test request";
  mock.keep_time(*waits);
  SECTION("idempotent, within the bound") {
    mock.server.add_failure(rate_limit_failure(mock_discord::Endpoint::users_me, 0.2));
    CHECK(transport.send(request).status == 401);  // the mock's answer to a missing token
    CHECK(waits->all() == std::vector<client::Milliseconds>{client::Milliseconds(200)});
  }
  SECTION("never") {
    request.retry = client::RetryPolicy::never;
    mock.server.add_failure(rate_limit_failure(mock_discord::Endpoint::users_me, 0.2));
    CHECK_THROWS_AS(transport.send(request), client::RateLimited);
    CHECK(waits->all().empty());
  }
}
