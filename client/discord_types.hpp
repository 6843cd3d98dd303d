// What Discord's OAuth2 answers carry (tokens, the user, guilds, the current
// authorization) and how to read them from JSON. Reading throws
// TransportError when an answer does not have the documented shape.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace client {

using Clock = std::chrono::system_clock;

struct TokenSet {
  std::string access_token;
  std::string token_type = "Bearer";
  std::string refresh_token;  // empty when Discord sent none
  std::vector<std::string> scopes;
  std::chrono::seconds expires_in{0};
  Clock::time_point obtained_at;

  Clock::time_point expires_at() const { return obtained_at + expires_in; }
  // True a little before the real expiry, so a token never dies mid-call.
  bool expired(Clock::time_point now, std::chrono::seconds margin = std::chrono::seconds(30)) const {
    return now + margin >= expires_at();
  }
  bool has_scope(const std::string& scope) const;
};

struct DiscordUser {
  std::string id;
  std::string username;
  std::string discriminator = "0";  // "0" for users on the new username system
  std::optional<std::string> global_name;
  std::optional<std::string> avatar;  // a hash
  std::optional<std::string> email;   // only with the email scope, and may be null
  std::optional<bool> verified;

  // https://cdn.discordapp.com/avatars/ID/HASH.png, or the default avatar
  // https://cdn.discordapp.com/embed/avatars/N.png when none is set.
  std::string avatar_url() const;
  // The global name when set, else the username.
  std::string display_name() const;
};

struct Guild {
  std::string id;
  std::string name;
  std::optional<std::string> icon;
  bool owner = false;
  std::string permissions = "0";
};

// GET /oauth2/@me: what this access token may do.
struct Authorization {
  std::string application_id;
  std::string application_name;
  std::vector<std::string> scopes;
  std::string expires;               // ISO 8601, as Discord sends it
  std::optional<DiscordUser> user;   // only with the identify scope
};

// `what` names the answer in errors ("the token answer").
TokenSet token_set_from_json(const nlohmann::json& json, Clock::time_point obtained_at, const std::string& what);
DiscordUser user_from_json(const nlohmann::json& json, const std::string& what);
std::vector<Guild> guilds_from_json(const nlohmann::json& json, const std::string& what);
Authorization authorization_from_json(const nlohmann::json& json, const std::string& what);

}  // namespace client
