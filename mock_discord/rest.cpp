// The bearer-token REST endpoints: GET /api[/vN]/users/@me,
// /users/@me/guilds and /oauth2/@me. Each answer carries the route's
// X-RateLimit-* headers; a missing or bad token is Discord's 401, a token
// without the needed scope its 403 (JSON code 50026).
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "mock_discord/handlers.hpp"
#include "mock_discord/http_response.hpp"
#include "mock_discord/ids.hpp"
#include "mock_discord/request_params.hpp"
#include "mock_discord/responses.hpp"
#include "mock_discord/state.hpp"
#include "support/text.hpp"

namespace mock_discord {
namespace {

constexpr int kMaxGuildsPerPage = 200;

std::optional<std::string> bearer_token(const httplib::Request& request) {
  std::string header = request.get_header_value("Authorization");
  std::string scheme = header.substr(0, 7);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "bearer " || header.size() == 7) return std::nullopt;
  return header.substr(7);
}

bool has_scope(const std::vector<std::string>& scopes, const std::string& scope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

nlohmann::ordered_json nullable(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// The public user object; with `private_fields` the /users/@me extras
// (UserPIIResponse), with `email` also email and verified.
nlohmann::ordered_json user_json(const User& user, bool private_fields, bool email) {
  nlohmann::ordered_json body;
  body["id"] = user.id;
  body["username"] = user.username;
  body["avatar"] = nullable(user.avatar);
  body["discriminator"] = "0";
  body["public_flags"] = 0;
  body["flags"] = 0;
  body["banner"] = nullptr;
  body["accent_color"] = nullptr;
  body["global_name"] = nullable(user.global_name);
  body["avatar_decoration_data"] = nullptr;
  body["collectibles"] = nullptr;
  body["primary_guild"] = nullptr;
  if (private_fields) {
    body["mfa_enabled"] = user.mfa_enabled;
    body["locale"] = user.locale;
    body["premium_type"] = 0;
  }
  if (email) {
    body["email"] = nullable(user.email);
    body["verified"] = user.verified;
  }
  return body;
}

nlohmann::ordered_json application_json(const Application& app) {
  nlohmann::ordered_json body;
  body["id"] = app.id;
  body["name"] = app.name;
  body["icon"] = nullptr;
  body["description"] = app.description;
  body["type"] = nullptr;
  body["hook"] = true;
  body["bot_public"] = true;
  body["bot_require_code_grant"] = false;
  body["verify_key"] = verify_key(app.id);
  body["flags"] = 0;
  body["flags_new"] = "0";
  return body;
}

// "2021-01-23T02:33:17.017000+00:00", as /oauth2/@me writes `expires`.
std::string iso8601(std::int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03lld000+00:00", static_cast<long long>(epoch_ms % 1000));
  return text;
}

// What a handler knows once the token is checked, copied out of the world.
struct Caller {
  AccessToken token;
  User user;
  Application application;
  Headers rate_limit_headers;
  std::optional<CannedResponse> refusal;  // 401, 403 or 429
};

Caller check_caller(World& world, const httplib::Request& request, Endpoint endpoint,
                    const std::string& required_scope) {
  World::State& state = world.state();
  Caller caller;
  std::lock_guard lock(state.mutex);
  auto bearer = bearer_token(request);
  const AccessToken* token = bearer ? state.access_token_locked(*bearer) : nullptr;
  const User* user = token ? state.user_locked(token->user_id) : nullptr;
  const Application* app = token ? state.application_locked(token->application_id) : nullptr;
  if (!user || !app) token = nullptr;  // the config lost them after a reload

  std::string key = token ? "user " + token->user_id : "address " + request.remote_addr;
  RateLimitOutcome limit = take_rate_limit(state, endpoint, key, state.clock.now_ms());
  if (limit.rejection) {
    caller.refusal = std::move(limit.rejection);
    return caller;
  }
  caller.rate_limit_headers = std::move(limit.headers);
  if (!token)
    caller.refusal = status_message_response(401);
  else if (!required_scope.empty() && !has_scope(token->scopes, required_scope))
    caller.refusal = api_error(403, "Missing required OAuth2 scope", 50026);
  else
    caller.token = *token, caller.user = *user, caller.application = *app;
  return caller;
}

void answer(httplib::Response& response, const Caller& caller, CannedResponse canned) {
  canned.headers.insert(canned.headers.begin(), caller.rate_limit_headers.begin(), caller.rate_limit_headers.end());
  send(response, canned);
}

// Discord's "Invalid Form Body" (50035) for one bad query parameter.
CannedResponse invalid_form_body(const std::string& field, const std::string& code, const std::string& message) {
  nlohmann::ordered_json error;
  error["code"] = code;
  error["message"] = message;
  nlohmann::ordered_json body;
  body["message"] = "Invalid Form Body";
  body["code"] = 50035;
  body["errors"][field]["_errors"] = nlohmann::ordered_json::array({error});
  return json_response(400, body);
}

std::optional<CannedResponse> check_snowflake(const StrictParams& query, const std::string& name) {
  if (!query.has(name) || is_snowflake(query.get(name))) return std::nullopt;
  return invalid_form_body(name, "NUMBER_TYPE_COERCE", "Value \"" + query.get(name) + "\" is not snowflake.");
}

// `limit`: 1 to 200, default 200.
std::optional<CannedResponse> read_limit(const StrictParams& query, int& limit) {
  limit = kMaxGuildsPerPage;
  if (!query.has("limit")) return std::nullopt;
  std::string text = query.get("limit");
  bool digits = !text.empty() && text.size() <= 9 &&
                std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits) return invalid_form_body("limit", "NUMBER_TYPE_COERCE", "Value \"" + text + "\" is not int.");
  limit = std::stoi(text);
  if (limit < 1) return invalid_form_body("limit", "NUMBER_TYPE_MIN", "int value should be greater than or equal to 1.");
  if (limit > kMaxGuildsPerPage)
    return invalid_form_body("limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to 200.");
  return std::nullopt;
}

// `with_counts`: a query boolean, true/false or 1/0.
std::optional<CannedResponse> read_with_counts(const StrictParams& query, bool& with_counts) {
  with_counts = false;
  if (!query.has("with_counts")) return std::nullopt;
  const std::string text = query.get("with_counts");
  const std::string value = support::text::lower(text);
  with_counts = value == "true" || value == "1";
  if (with_counts || value == "false" || value == "0") return std::nullopt;
  return invalid_form_body("with_counts", "BOOLEAN_TYPE_COERCE", "Value \"" + text + "\" is not a valid boolean.");
}

}  // namespace

void handle_users_me(World& world, const httplib::Request& request, httplib::Response& response) {
  Caller caller = check_caller(world, request, Endpoint::users_me, "identify");
  if (caller.refusal) return answer(response, caller, *caller.refusal);
  answer(response, caller, json_response(200, user_json(caller.user, true, has_scope(caller.token.scopes, "email"))));
}

// Guilds in id order; `after` pages forward from an id, `before` backward
// (the page nearest to it), as Discord paginates.
void handle_guilds(World& world, const httplib::Request& request, httplib::Response& response) {
  Caller caller = check_caller(world, request, Endpoint::guilds, "guilds");
  if (caller.refusal) return answer(response, caller, *caller.refusal);
  StrictParams query = query_params(request);
  if (!query.ok()) return answer(response, caller, status_message_response(400));
  int limit = 0;
  bool with_counts = false;
  for (auto refusal : {check_snowflake(query, "before"), check_snowflake(query, "after"), read_limit(query, limit),
                       read_with_counts(query, with_counts)})
    if (refusal) return answer(response, caller, *refusal);

  std::vector<Guild> guilds = caller.user.guilds;
  std::sort(guilds.begin(), guilds.end(), [](const Guild& a, const Guild& b) { return snowflake_less(a.id, b.id); });
  if (query.has("after")) {
    std::string after = query.get("after");
    guilds.erase(std::remove_if(guilds.begin(), guilds.end(), [&](const Guild& g) { return !snowflake_less(after, g.id); }),
                 guilds.end());
  }
  if (query.has("before")) {
    std::string before = query.get("before");
    guilds.erase(std::remove_if(guilds.begin(), guilds.end(), [&](const Guild& g) { return !snowflake_less(g.id, before); }),
                 guilds.end());
    if (guilds.size() > static_cast<std::size_t>(limit)) guilds.erase(guilds.begin(), guilds.end() - limit);
  }
  if (guilds.size() > static_cast<std::size_t>(limit)) guilds.resize(limit);

  nlohmann::ordered_json body = nlohmann::ordered_json::array();
  for (const Guild& guild : guilds) {
    nlohmann::ordered_json item;
    item["id"] = guild.id;
    item["name"] = guild.name;
    item["icon"] = nullable(guild.icon);
    item["banner"] = nullptr;
    item["owner"] = guild.owner;
    item["permissions"] = guild.permissions;
    item["features"] = nlohmann::ordered_json::array();
    if (with_counts) {
      GuildCounts counts = approximate_counts(guild.id);
      item["approximate_member_count"] = counts.members;
      item["approximate_presence_count"] = counts.online;
    }
    body.push_back(item);
  }
  answer(response, caller, json_response(200, body));
}

void handle_oauth2_me(World& world, const httplib::Request& request, httplib::Response& response) {
  Caller caller = check_caller(world, request, Endpoint::oauth2_me, "");
  if (caller.refusal) return answer(response, caller, *caller.refusal);
  nlohmann::ordered_json body;
  body["application"] = application_json(caller.application);
  body["scopes"] = caller.token.scopes;
  body["expires"] = iso8601(caller.token.expires_ms);
  if (has_scope(caller.token.scopes, "identify")) body["user"] = user_json(caller.user, false, false);
  answer(response, caller, json_response(200, body));
}

}  // namespace mock_discord
