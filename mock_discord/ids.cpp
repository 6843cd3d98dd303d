// Discord-shaped values. Everything random comes from the world's seeded
// generator; everything else is derived, so the same seed gives the same run.
#include "mock_discord/ids.hpp"

#include <cerrno>
#include <cstdlib>

namespace mock_discord {
namespace {

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

}  // namespace

std::string new_secret(support::SeededGenerator& generator) { return generator.alphanumeric(kSecretLength); }

bool is_snowflake(const std::string& text) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  if (text.size() > 1 && text[0] == '0') return false;
  errno = 0;
  std::strtoull(text.c_str(), nullptr, 10);
  return errno != ERANGE;
}

bool snowflake_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string verify_key(const std::string& application_id) {
  return hex(support::sha256("mock_discord verify key " + application_id));
}

std::string bucket_hash(const std::string& route) { return hex(support::sha256("mock_discord bucket " + route)).substr(0, 32); }

GuildCounts approximate_counts(const std::string& guild_id) {
  const std::string digest = support::sha256("mock_discord guild counts " + guild_id);
  auto number = [&](std::size_t offset) {
    std::uint32_t value = 0;
    for (std::size_t i = offset; i < offset + 4; ++i) value = value << 8 | static_cast<unsigned char>(digest[i]);
    return value;
  };
  GuildCounts counts;
  counts.members = 2 + static_cast<int>(number(0) % 5000);
  counts.online = 1 + static_cast<int>(number(4) % static_cast<std::uint32_t>(counts.members));
  return counts;
}

}  // namespace mock_discord
