// Reading Discord's JSON answers into typed values, and the avatar URL rule.
#include "client/discord_types.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "client/errors.hpp"
#include "client/oauth_config.hpp"

namespace client {
namespace {

using nlohmann::json;

[[noreturn]] void malformed(const std::string& what, const std::string& detail) {
  throw TransportError(what + " does not have the shape Discord documents: " + detail);
}

const json& field(const json& object, const char* name, const std::string& what) {
  if (!object.is_object()) malformed(what, "expected a JSON object");
  auto it = object.find(name);
  if (it == object.end()) malformed(what, std::string("'") + name + "' is missing");
  return *it;
}

std::string string_field(const json& object, const char* name, const std::string& what) {
  const json& value = field(object, name, what);
  if (!value.is_string()) malformed(what, std::string("'") + name + "' is not a string");
  return value.get<std::string>();
}

// Absent and null both read as nullopt.
std::optional<std::string> optional_string(const json& object, const char* name, const std::string& what) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) malformed(what, std::string("'") + name + "' is not a string");
  return it->get<std::string>();
}

}  // namespace

bool TokenSet::has_scope(const std::string& scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string DiscordUser::avatar_url() const {
  if (avatar && !avatar->empty()) return "https://cdn.discordapp.com/avatars/" + id + "/" + *avatar + ".png";
  // Discord's rule: new-style users by (id >> 22) % 6, legacy ones by discriminator % 5.
  unsigned long long index = 0;
  try {
    if (discriminator.empty() || discriminator == "0")
      index = (std::stoull(id) >> 22) % 6;
    else
      index = std::stoull(discriminator) % 5;
  } catch (const std::exception&) {
    index = 0;
  }
  return "https://cdn.discordapp.com/embed/avatars/" + std::to_string(index) + ".png";
}

std::string DiscordUser::display_name() const {
  return global_name && !global_name->empty() ? *global_name : username;
}

TokenSet token_set_from_json(const json& object, Clock::time_point obtained_at, const std::string& what) {
  TokenSet tokens;
  tokens.access_token = string_field(object, "access_token", what);
  if (tokens.access_token.empty()) malformed(what, "'access_token' is empty");
  tokens.token_type = optional_string(object, "token_type", what).value_or("Bearer");
  tokens.refresh_token = optional_string(object, "refresh_token", what).value_or("");
  tokens.scopes = split_scopes(optional_string(object, "scope", what).value_or(""));
  const json& expires_in = field(object, "expires_in", what);
  if (!expires_in.is_number() || expires_in.get<double>() < 0) malformed(what, "'expires_in' is not a number of seconds");
  tokens.expires_in = std::chrono::seconds(expires_in.get<long long>());
  tokens.obtained_at = obtained_at;
  return tokens;
}

DiscordUser user_from_json(const json& object, const std::string& what) {
  DiscordUser user;
  user.id = string_field(object, "id", what);
  user.username = string_field(object, "username", what);
  user.discriminator = optional_string(object, "discriminator", what).value_or("0");
  user.global_name = optional_string(object, "global_name", what);
  user.avatar = optional_string(object, "avatar", what);
  user.email = optional_string(object, "email", what);
  auto verified = object.find("verified");
  if (verified != object.end() && verified->is_boolean()) user.verified = verified->get<bool>();
  return user;
}

std::vector<Guild> guilds_from_json(const json& array, const std::string& what) {
  if (!array.is_array()) malformed(what, "expected a JSON array");
  std::vector<Guild> guilds;
  for (const json& object : array) {
    Guild guild;
    guild.id = string_field(object, "id", what);
    guild.name = string_field(object, "name", what);
    guild.icon = optional_string(object, "icon", what);
    auto owner = object.find("owner");
    guild.owner = owner != object.end() && owner->is_boolean() && owner->get<bool>();
    auto permissions = object.find("permissions");
    if (permissions != object.end() && permissions->is_string()) guild.permissions = permissions->get<std::string>();
    guilds.push_back(std::move(guild));
  }
  return guilds;
}

Authorization authorization_from_json(const json& object, const std::string& what) {
  Authorization authorization;
  const json& application = field(object, "application", what);
  authorization.application_id = string_field(application, "id", what + " (application)");
  authorization.application_name = optional_string(application, "name", what).value_or("");
  const json& scopes = field(object, "scopes", what);
  if (!scopes.is_array()) malformed(what, "'scopes' is not an array");
  for (const json& scope : scopes) {
    if (!scope.is_string()) malformed(what, "'scopes' holds a value that is not a string");
    authorization.scopes.push_back(scope.get<std::string>());
  }
  authorization.expires = optional_string(object, "expires", what).value_or("");
  auto user = object.find("user");
  if (user != object.end() && !user->is_null()) authorization.user = user_from_json(*user, what + " (user)");
  return authorization;
}

}  // namespace client
