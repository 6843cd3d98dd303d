// Values that look like Discord's: codes and tokens (30 alphanumerics from
// the seeded generator, so a seed replays a run), snowflake ids (checked and
// ordered; the config supplies them), an application's verify key,
// rate-limit bucket names and guilds' approximate counts.
#pragma once

#include <cstdint>
#include <string>

#include "support/random.hpp"

namespace mock_discord {

constexpr std::size_t kSecretLength = 30;

// A code, access token, refresh token or consent-form token.
std::string new_secret(support::SeededGenerator& generator);

// Orders snowflakes numerically (decimal strings without leading zeros).
bool snowflake_less(const std::string& a, const std::string& b);
// True for decimal strings matching ^(0|[1-9][0-9]*)$ that fit 64 bits.
bool is_snowflake(const std::string& text);

// 64 hex characters derived from the application id (stable across runs).
std::string verify_key(const std::string& application_id);
// 32 hex characters naming a rate-limit bucket, stable per route.
std::string bucket_hash(const std::string& route);

// A guild's approximate_member_count and approximate_presence_count
// (/users/@me/guilds?with_counts=true). The config has neither, so both are
// derived from the guild id: stable across runs, 1 <= online <= members.
struct GuildCounts {
  int members = 0;
  int online = 0;
};
GuildCounts approximate_counts(const std::string& guild_id);

}  // namespace mock_discord
