// Per user and per route rate limits from Config::rate_limits, with
// Discord's X-RateLimit-* headers on every answer of a limited route.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mock_discord/discord_errors.hpp"
#include "mock_discord/world.hpp"

namespace mock_discord {

// A fixed window: `used` requests since the window opened, reopening at `reset_ms`.
struct RateBucket {
  std::int64_t reset_ms = 0;
  int used = 0;
};

struct RateLimitOutcome {
  Headers headers;                          // for the answer, whatever it is
  std::optional<CannedResponse> rejection;  // a 429 when the bucket was empty
};

// Requests per second in the nominal bucket: Discord's global limit.
constexpr int kNominalRateLimit = 50;

// Counts one request by `caller` (a user id, client id or address) to
// `endpoint`. Routes without a rule are never refused, but the REST routes
// still carry headers from a nominal bucket (Discord always sends them):
// limit 50 per second, Discord's global limit. Call with the world's mutex held.
RateLimitOutcome take_rate_limit(World::State& state, Endpoint endpoint, const std::string& caller,
                                 std::int64_t now_ms);

// The X-RateLimit-Limit `endpoint` reports: the config's limit, else the
// nominal 50. For 429s that failure rules script. Locks the world's mutex.
int route_limit(World& world, Endpoint endpoint);

// Seconds as Discord writes them in headers: "1.500".
std::string format_seconds(double seconds);

}  // namespace mock_discord
