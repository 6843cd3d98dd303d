// Failure rules: which requests they hit, counting after and times.
#include "mock_discord/failures.hpp"

#include <catch2/catch.hpp>

using mock_discord::Endpoint;
using mock_discord::FailureEngine;
using mock_discord::FailureRule;

namespace {

FailureRule rule(Endpoint endpoint, int status, std::optional<int> times = 1, int after = 0) {
  FailureRule r;
  r.endpoint = endpoint;
  r.status = status;
  r.times = times;
  r.after = after;
  return r;
}

// A scripted 429 for `endpoint`.
FailureRule rate_limit_rule(Endpoint endpoint, double retry_after) {
  FailureRule r = rule(endpoint, 0);
  r.kind = FailureRule::Kind::rate_limit;
  r.retry_after = retry_after;
  return r;
}

// The statuses the engine decides for a sequence of token requests (0: none).
std::vector<int> decide_token(FailureEngine& engine, int requests) {
  std::vector<int> statuses;
  for (int i = 0; i < requests; ++i) {
    auto fired = engine.decide(Endpoint::token, "/api/oauth2/token");
    statuses.push_back(fired ? fired->status : 0);
  }
  return statuses;
}

}  // namespace

TEST_CASE("a rule fires `times` times, then lets requests through") {
  FailureEngine engine({rule(Endpoint::token, 500, 2)});
  CHECK(decide_token(engine, 4) == std::vector<int>{500, 500, 0, 0});
}

TEST_CASE("`after` lets that many matching requests pass first") {
  FailureEngine engine({rule(Endpoint::token, 500, 1, 2)});
  CHECK(decide_token(engine, 4) == std::vector<int>{0, 0, 500, 0});
}

TEST_CASE("`always` never runs out") {
  FailureEngine engine({rule(Endpoint::token, 503, std::nullopt, 1)});
  CHECK(decide_token(engine, 5) == std::vector<int>{0, 503, 503, 503, 503});
}

TEST_CASE("rules match their endpoint only") {
  FailureEngine engine({rule(Endpoint::users_me, 500)});
  CHECK_FALSE(engine.decide(Endpoint::token, "/api/oauth2/token"));
  CHECK_FALSE(engine.decide(Endpoint::guilds, "/api/users/@me/guilds"));
  CHECK(engine.decide(Endpoint::users_me, "/api/v10/users/@me"));
}

TEST_CASE("a path rule matches that exact path whatever the endpoint") {
  FailureRule by_path = rule(Endpoint::any, 418);
  by_path.path = "/api/v10/users/@me";
  FailureEngine engine({by_path});
  CHECK_FALSE(engine.decide(Endpoint::users_me, "/api/users/@me"));
  CHECK(engine.decide(Endpoint::users_me, "/api/v10/users/@me"));
}

TEST_CASE("`any` matches every endpoint but never the admin API") {
  FailureEngine engine({rule(Endpoint::any, 500, std::nullopt)});
  CHECK_FALSE(engine.decide(Endpoint::other, "/_mock/health"));
  CHECK(engine.decide(Endpoint::other, "/nowhere"));
  CHECK(engine.decide(Endpoint::authorize, "/oauth2/authorize"));
}

TEST_CASE("the first armed rule wins; every matching rule counts the request") {
  FailureEngine engine({rule(Endpoint::token, 500, 1), rule(Endpoint::token, 400, 1, 1)});
  // Request 1: both see it, the first fires. Request 2: the second is past its `after`.
  CHECK(decide_token(engine, 3) == std::vector<int>{500, 400, 0});
  auto listed = engine.to_json();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["fired"] == 1);
  CHECK(listed[0]["exhausted"] == true);
  CHECK(listed[1]["seen"] == 2);
  CHECK(listed[1]["rule"] == "token status 400 after 1 x1");
}

TEST_CASE("add, replace and clear") {
  FailureEngine engine;
  CHECK_FALSE(engine.decide(Endpoint::token, "/api/oauth2/token"));
  engine.add(rule(Endpoint::token, 500));
  CHECK(engine.size() == 1);
  engine.replace({rule(Endpoint::revoke, 500), rule(Endpoint::token, 502)});
  CHECK(decide_token(engine, 1) == std::vector<int>{502});
  engine.clear();
  CHECK(engine.size() == 0);
  CHECK(decide_token(engine, 1) == std::vector<int>{0});
}

TEST_CASE("describe() names target, action, delay, after and times") {
  FailureRule fault = rule(Endpoint::any, 0, std::nullopt, 2);
  fault.kind = FailureRule::Kind::fault;
  fault.fault = mock_discord::Fault::reset;
  CHECK(fault.describe() == "any fault reset after 2 always");
  FailureRule limited = rule(Endpoint::users_me, 0);
  limited.kind = FailureRule::Kind::rate_limit;
  limited.retry_after = 1.5;
  CHECK(limited.describe() == "users_me rate_limit 1.5s user x1");
  FailureRule delayed = rule(Endpoint::token, 0, 3);
  delayed.kind = FailureRule::Kind::delay_only;
  delayed.delay = std::chrono::milliseconds(250);
  CHECK(delayed.describe() == "token delay 250ms x3");
  FailureRule error = rule(Endpoint::any, 0);
  error.path = "/api/users/@me";
  error.kind = FailureRule::Kind::error;
  error.error = "invalid_grant";
  CHECK(error.describe() == "/api/users/@me error invalid_grant x1");
}

TEST_CASE("a scripted 429 holds its route for retry_after on the engine's clock, as Discord's buckets do") {
  std::int64_t now = 1'000'000;
  FailureEngine engine;
  engine.set_clock([&now] { return now; });
  engine.add(rate_limit_rule(Endpoint::users_me, 1.5));
  auto first = engine.decide(Endpoint::users_me, "/api/v10/users/@me");
  REQUIRE(first);
  CHECK(first->kind == FailureRule::Kind::rate_limit);
  CHECK(first->retry_after == Approx(1.5));
  CHECK_FALSE(engine.decide(Endpoint::token, "/api/oauth2/token"));  // other routes are not held

  now += 1000;
  auto held = engine.decide(Endpoint::users_me, "/api/v10/users/@me");
  REQUIRE(held);
  CHECK(held->kind == FailureRule::Kind::rate_limit);
  CHECK(held->retry_after == Approx(0.5));  // what is left of the wait
  CHECK(engine.to_json()[0]["fired"] == 1);  // a hold is not a new firing

  now += 500;
  CHECK_FALSE(engine.decide(Endpoint::users_me, "/api/v10/users/@me"));
}

TEST_CASE("replace and clear end a hold") {
  std::int64_t now = 0;
  FailureEngine engine;
  engine.set_clock([&now] { return now; });
  engine.add(rate_limit_rule(Endpoint::token, 10));
  REQUIRE(engine.decide(Endpoint::token, "/api/oauth2/token"));
  engine.clear();
  CHECK_FALSE(engine.decide(Endpoint::token, "/api/oauth2/token"));
}

TEST_CASE("two holds on a route: the longest wait is the one reported") {
  std::int64_t now = 0;
  FailureEngine engine;
  engine.set_clock([&now] { return now; });
  engine.add(rate_limit_rule(Endpoint::users_me, 1.5));
  REQUIRE(engine.decide(Endpoint::users_me, "/api/v10/users/@me"));
  engine.add(rate_limit_rule(Endpoint::users_me, 60));
  REQUIRE(engine.decide(Endpoint::users_me, "/api/v10/users/@me"));
  now += 1000;
  auto held = engine.decide(Endpoint::users_me, "/api/v10/users/@me");
  REQUIRE(held);
  CHECK(held->retry_after == Approx(59.0));
}
