// Rate-limit buckets: one fixed window per route and caller on the virtual
// clock. Discord names buckets with opaque hashes; ours are stable per route.
#include "mock_discord/rate_limits.hpp"

#include <cstdio>

#include "mock_discord/ids.hpp"
#include "mock_discord/state.hpp"

namespace mock_discord {
namespace {

// The nominal bucket of REST routes the config does not limit.
const RateLimitRule kNominalRule{kNominalRateLimit, std::chrono::seconds(1)};

bool is_rest(Endpoint endpoint) {
  return endpoint == Endpoint::users_me || endpoint == Endpoint::guilds || endpoint == Endpoint::oauth2_me;
}

// The config's rule for the route, when it sets one.
const RateLimitRule* configured_rule(const Config& config, Endpoint endpoint) {
  auto configured = config.rate_limits.find(endpoint);
  return configured != config.rate_limits.end() && configured->second.limit > 0 ? &configured->second : nullptr;
}

}  // namespace

std::string format_seconds(double seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

RateLimitOutcome take_rate_limit(World::State& state, Endpoint endpoint, const std::string& caller,
                                 std::int64_t now_ms) {
  RateLimitOutcome outcome;
  const RateLimitRule* configured = configured_rule(state.config, endpoint);
  bool enforced = configured != nullptr;
  if (!enforced && !is_rest(endpoint)) return outcome;
  const RateLimitRule& rule = enforced ? *configured : kNominalRule;

  std::string route = endpoint_name(endpoint);
  RateBucket& bucket = state.rate_buckets[route + "\n" + caller];
  if (now_ms >= bucket.reset_ms) bucket = RateBucket{now_ms + rule.per.count(), 0};
  double reset_after = (bucket.reset_ms - now_ms) / 1000.0;
  std::string bucket_id = bucket_hash(route);

  if (bucket.used >= rule.limit && enforced) {
    CannedResponse rejection = rate_limited_response(reset_after, "user", bucket_id, now_ms, rule.limit);
    outcome.headers = rejection.headers;
    outcome.rejection = std::move(rejection);
    return outcome;
  }
  if (bucket.used < rule.limit) ++bucket.used;
  outcome.headers = {{"X-RateLimit-Limit", std::to_string(rule.limit)},
                     {"X-RateLimit-Remaining", std::to_string(rule.limit - bucket.used)},
                     {"X-RateLimit-Reset", format_seconds(bucket.reset_ms / 1000.0)},
                     {"X-RateLimit-Reset-After", format_seconds(reset_after)},
                     {"X-RateLimit-Bucket", bucket_id}};
  return outcome;
}

int route_limit(World& world, Endpoint endpoint) {
  World::State& state = world.state();
  std::lock_guard lock(state.mutex);
  const RateLimitRule* configured = configured_rule(state.config, endpoint);
  return (configured ? *configured : kNominalRule).limit;
}

}  // namespace mock_discord
