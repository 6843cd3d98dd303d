// The mock's configuration: endpoint names, the spec's defaults, and the
// strict reader of the `discord:` section and of `fail:` rules
// (docs/scenario-format.md). Every error is located in the file.
#include "mock_discord/config.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mock_discord/discord_errors.hpp"
#include "mock_discord/ids.hpp"
#include "support/errors.hpp"
#include "support/suggest.hpp"
#include "support/text.hpp"
#include "support/url.hpp"

namespace mock_discord {
namespace {

// Names users write for enum values, looked up both ways.
template <typename T>
struct Named {
  T value;
  const char* name;
};

constexpr Named<Endpoint> endpoint_table[] = {
    {Endpoint::authorize, "authorize"}, {Endpoint::token, "token"},   {Endpoint::revoke, "revoke"},
    {Endpoint::users_me, "users_me"},   {Endpoint::guilds, "guilds"}, {Endpoint::oauth2_me, "oauth2_me"},
    {Endpoint::other, "other"},         {Endpoint::any, "any"},
};

constexpr Named<Fault> fault_table[] = {
    {Fault::reset, "reset"},          {Fault::close, "close"},          {Fault::empty, "empty"},
    {Fault::malformed_json, "malformed_json"}, {Fault::truncated, "truncated"}, {Fault::hang, "hang"},
};

template <typename T, std::size_t N>
std::string name_of(const Named<T> (&table)[N], T value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name;
  return table[0].name;
}

template <typename T, std::size_t N>
std::optional<T> value_of(const Named<T> (&table)[N], const std::string& name) {
  for (const auto& entry : table)
    if (name == entry.name) return entry.value;
  return std::nullopt;
}

// The endpoints a user may name: `other` is only a journal bucket.
std::vector<std::string> endpoint_names(bool include_any) {
  std::vector<std::string> names;
  for (const auto& entry : endpoint_table)
    if (entry.value != Endpoint::other && (include_any || entry.value != Endpoint::any)) names.push_back(entry.name);
  return names;
}

std::vector<std::string> fault_names() {
  std::vector<std::string> names;
  for (const auto& entry : fault_table) names.push_back(entry.name);
  return names;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// scheme ":" ...: custom schemes are allowed (with PKCE), fragments never are.
bool is_redirect_uri(const std::string& text) {
  std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0])))
    return false;
  for (std::size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return colon + 1 < text.size() && text.find('#') == std::string::npos;
}

// Reads values with the resolver applied, so every error stays located.
class Reader {
 public:
  Reader(const support::YamlReader& yaml, const Resolver& resolve) : yaml_(yaml), resolve_(resolve) {}

  const support::YamlReader& yaml() const { return yaml_; }

  std::string resolved(const YAML::Node& node, const std::string& text) const {
    try {
      return resolve_(text);
    } catch (const std::invalid_argument& error) {
      yaml_.fail(node, error.what());
    }
  }
  std::string string(const YAML::Node& node, const std::string& what) const {
    return resolved(node, yaml_.string(node, what));
  }
  // Fails with the reader's "expected a list for X, found Y" unless `node` is a sequence.
  const YAML::Node& list(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) yaml_.string_list(node, what);
    return node;
  }
  std::vector<std::string> string_list(const YAML::Node& node, const std::string& what) const {
    std::vector<std::string> values;
    list(node, what);
    for (const auto& item : node) values.push_back(string(item, "an item of " + what));
    return values;
  }
  // One of `names`; otherwise "unknown KIND 'x' in WHERE" with a suggestion, or the list.
  std::string choice(const YAML::Node& node, const std::string& kind, const std::vector<std::string>& names,
                     const std::string& where) const {
    std::string value = string(node, "the " + kind);
    if (std::find(names.begin(), names.end(), value) != names.end()) return value;
    std::string hint = support::did_you_mean(value, names);
    if (hint.empty()) {
      hint = " (one of ";
      for (std::size_t i = 0; i < names.size(); ++i) hint += (i ? ", " : "") + names[i];
      hint += ")";
    }
    yaml_.fail(node, "unknown " + kind + " '" + value + "' in " + where + hint);
  }
  std::string snowflake(const YAML::Node& node, const std::string& what) const {
    std::string id = string(node, what);
    if (!is_snowflake(id))
      yaml_.fail(node, what + " must be a snowflake (digits, no leading zero, as a string), found '" + id + "'");
    return id;
  }
  // An optional string: absent or null gives nullopt.
  std::optional<std::string> nullable(const YAML::Node& map, const std::string& key, const std::string& what) const {
    YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    return string(node, what);
  }
  nlohmann::json json(const YAML::Node& node) const {
    return yaml_.to_json(node, [this](const YAML::Node& scalar, const std::string& text) { return resolved(scalar, text); });
  }

 private:
  const support::YamlReader& yaml_;
  const Resolver& resolve_;
};

const std::vector<std::string> discord_keys = {"applications", "users",       "signed_in", "consent", "code_ttl",
                                               "token_ttl",    "rate_limits", "failures",  "seed"};
const std::vector<std::string> application_keys = {"id", "name", "secret", "description", "redirect_uris", "public"};
const std::vector<std::string> user_keys = {"id",       "username",    "global_name", "email", "avatar",
                                            "verified", "mfa_enabled", "locale",      "guilds"};
const std::vector<std::string> guild_keys = {"id", "name", "icon", "owner", "permissions"};
const std::vector<std::string> rate_limit_keys = {"limit", "per"};
const std::vector<std::string> failure_rule_keys = {"endpoint", "path",  "times",      "after", "status", "body",
                                                    "headers",  "error", "rate_limit", "fault", "delay"};
const std::vector<std::string> rate_limit_fault_keys = {"retry_after", "scope"};

std::string item_name(const std::string& kind, std::size_t index) { return kind + " " + std::to_string(index + 1); }

Guild parse_guild(const Reader& in, const YAML::Node& node, const std::string& where) {
  in.yaml().check_map(node, guild_keys, where);
  Guild guild;
  guild.id = in.snowflake(in.yaml().require(node, "id", where), "the id of " + where);
  guild.name = in.string(in.yaml().require(node, "name", where), "the name of " + where);
  guild.icon = in.nullable(node, "icon", "'icon'");
  if (node["owner"]) guild.owner = in.yaml().boolean(node["owner"], "'owner'");
  if (node["permissions"]) {
    guild.permissions = in.string(node["permissions"], "'permissions'");
    if (!is_snowflake(guild.permissions))
      in.yaml().fail(node["permissions"], "'permissions' must be a decimal bitfield as a string, found '" +
                                              guild.permissions + "'");
  }
  return guild;
}

User parse_user(const Reader& in, const YAML::Node& node, const std::string& where) {
  in.yaml().check_map(node, user_keys, where);
  User user;
  user.id = in.snowflake(in.yaml().require(node, "id", where), "the id of " + where);
  user.username = in.string(in.yaml().require(node, "username", where), "the username of " + where);
  if (user.username.empty()) in.yaml().fail(node["username"], "the username of " + where + " is empty");
  user.global_name = in.nullable(node, "global_name", "'global_name'");
  user.email = in.nullable(node, "email", "'email'");
  user.avatar = in.nullable(node, "avatar", "'avatar'");
  if (node["verified"]) user.verified = in.yaml().boolean(node["verified"], "'verified'");
  if (node["mfa_enabled"]) user.mfa_enabled = in.yaml().boolean(node["mfa_enabled"], "'mfa_enabled'");
  if (node["locale"]) user.locale = in.string(node["locale"], "'locale'");
  if (YAML::Node guilds = node["guilds"]) {
    in.list(guilds, "'guilds'");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < guilds.size(); ++i) {
      user.guilds.push_back(parse_guild(in, guilds[i], item_name("guild", i) + " of user '" + user.username + "'"));
      if (!ids.insert(user.guilds.back().id).second)
        in.yaml().fail(guilds[i]["id"], "guild id '" + user.guilds.back().id + "' is listed twice");
    }
  }
  return user;
}

Application parse_application(const Reader& in, const YAML::Node& node, const std::string& where,
                              const std::string& default_app_url) {
  in.yaml().check_map(node, application_keys, where);
  Application app;
  app.id = in.snowflake(in.yaml().require(node, "id", where), "the id of " + where);
  if (node["name"]) app.name = in.string(node["name"], "'name'");
  if (node["secret"]) app.secret = in.string(node["secret"], "'secret'");
  if (node["description"]) app.description = in.string(node["description"], "'description'");
  if (node["public"]) app.is_public = in.yaml().boolean(node["public"], "'public'");
  if (YAML::Node uris = node["redirect_uris"]) {
    app.redirect_uris = in.string_list(uris, "'redirect_uris'");
    if (auto problem = check_redirect_uris(app.redirect_uris))
      in.yaml().fail(problem->index ? uris[*problem->index] : uris, problem->message);
  } else {
    app.redirect_uris = {default_app_url + "/callback"};
  }
  return app;
}

// `signed_in:` names a user by username or id; "" signs nobody in.
std::string signed_in_user(const Reader& in, const Config& config, const YAML::Node& node) {
  std::string name = in.string(node, "'signed_in'");
  if (name.empty()) return name;
  if (const User* user = config.find_user(name)) return user->username;
  std::vector<std::string> names;
  for (const auto& known : config.users) names.push_back(known.username);
  in.yaml().fail(node, "'signed_in' names no user: '" + name + "'" + support::did_you_mean(name, names));
}

std::map<Endpoint, RateLimitRule> parse_rate_limits(const support::YamlReader& yaml, const YAML::Node& node) {
  yaml.check_map(node, endpoint_names(false), "'rate_limits'");
  std::map<Endpoint, RateLimitRule> limits;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (support::is_extension_key(name)) continue;
    const std::string what = "the rate limit of " + name;
    yaml.check_map(it->second, rate_limit_keys, what);
    RateLimitRule limit;
    limit.limit = static_cast<int>(yaml.integer(yaml.require(it->second, "limit", what), "'limit'", 1, 1000000));
    YAML::Node per = yaml.require(it->second, "per", what);
    limit.per = yaml.duration(per, "'per'");
    if (limit.per.count() <= 0) yaml.fail(per, "'per' must be longer than 0ms");
    limits[*endpoint_from_name(name)] = limit;
  }
  return limits;
}

// `times:` N | always.
std::optional<int> parse_times(const Reader& in, const YAML::Node& node) {
  if (node.IsScalar() && node.Scalar() == "always") return std::nullopt;
  if (node.IsScalar() && !node.Scalar().empty() && !std::isdigit(static_cast<unsigned char>(node.Scalar()[0])))
    in.yaml().fail(node, "expected a whole number or 'always' for 'times', found '" + node.Scalar() + "'");
  return static_cast<int>(in.yaml().integer(node, "'times'", 1, 1000000000));
}

void read_status_action(const Reader& in, const YAML::Node& node, const std::string& where, FailureRule& rule) {
  const auto& yaml = in.yaml();
  rule.kind = FailureRule::Kind::status;
  rule.status = static_cast<int>(yaml.integer(node["status"], "'status'", 100, 599));
  if (YAML::Node body = node["body"])
    rule.body = body.IsMap() || body.IsSequence() ? in.json(body).dump() : in.string(body, "'body'");
  if (YAML::Node headers = node["headers"]) {
    if (!headers.IsMap()) yaml.fail(headers, "expected a map of header names to values for 'headers' in " + where);
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      std::string name = yaml.string(it->first, "a header name");
      if (!support::text::is_http_token(name)) yaml.fail(it->first, "not a header name: '" + name + "'");
      std::string value = in.string(it->second, "the header '" + name + "'");
      if (value.find_first_of("\r\n") != std::string::npos)
        yaml.fail(it->second, "the header '" + name + "' must be one line");
      rule.headers.emplace_back(name, value);
    }
  }
}

void read_rate_limit_action(const Reader& in, const YAML::Node& limit, const std::string& where, FailureRule& rule) {
  rule.kind = FailureRule::Kind::rate_limit;
  if (limit.IsNull()) return;  // `rate_limit:` alone takes the defaults
  const std::string what = "'rate_limit' of " + where;
  in.yaml().check_map(limit, rate_limit_fault_keys, what);
  if (limit["retry_after"]) {
    rule.retry_after = in.yaml().number(limit["retry_after"], "'retry_after'");
    if (rule.retry_after < 0) in.yaml().fail(limit["retry_after"], "'retry_after' must not be negative");
  }
  if (limit["scope"]) rule.scope = in.choice(limit["scope"], "scope", {"user", "global", "shared"}, what);
}

FailureRule parse_rule(const Reader& in, const YAML::Node& node, const std::string& where) {
  const auto& yaml = in.yaml();
  yaml.check_map(node, failure_rule_keys, where);
  FailureRule rule;
  if (node["endpoint"] && node["path"])
    yaml.fail(yaml.key_node(node, "path"), "give either 'endpoint' or 'path' in " + where + ", not both");
  if (YAML::Node endpoint = node["endpoint"])
    rule.endpoint = *endpoint_from_name(in.choice(endpoint, "endpoint", endpoint_names(true), where));
  if (YAML::Node path = node["path"]) {
    rule.path = in.string(path, "'path'");
    if (rule.path.empty() || rule.path[0] != '/')
      yaml.fail(path, "'path' must be a request path starting with '/', found '" + rule.path + "'");
  }
  if (YAML::Node times = node["times"]) rule.times = parse_times(in, times);
  if (YAML::Node after = node["after"]) rule.after = static_cast<int>(yaml.integer(after, "'after'", 0, 1000000000));
  if (YAML::Node delay = node["delay"]) rule.delay = yaml.duration(delay, "'delay'");

  std::vector<std::string> actions;
  for (const char* key : {"status", "error", "rate_limit", "fault"})
    if (node[key]) actions.push_back(key);
  if (actions.size() > 1)
    yaml.fail(yaml.key_node(node, actions[1]), "a rule takes one of 'status', 'error', 'rate_limit' or 'fault', found '" +
                                                   actions[0] + "' and '" + actions[1] + "' in " + where);
  if (actions.empty() && !node["delay"])
    yaml.fail(node, "a rule needs one of 'status', 'error', 'rate_limit', 'fault' or 'delay' in " + where);
  for (const char* key : {"body", "headers"})
    if (node[key] && !node["status"])
      yaml.fail(yaml.key_node(node, key), std::string("'") + key + "' goes with 'status' in " + where);

  const std::string action = actions.empty() ? "delay" : actions[0];
  if (action == "delay") {
    rule.kind = FailureRule::Kind::delay_only;
  } else if (action == "status") {
    read_status_action(in, node, where, rule);
  } else if (action == "error") {
    rule.kind = FailureRule::Kind::error;
    rule.error = in.choice(node["error"], "error", error_shorthands(), where);
  } else if (action == "rate_limit") {
    read_rate_limit_action(in, node["rate_limit"], where, rule);
  } else {
    rule.kind = FailureRule::Kind::fault;
    rule.fault = *value_of(fault_table, in.choice(node["fault"], "fault", fault_names(), where));
  }
  return rule;
}

}  // namespace

std::string endpoint_name(Endpoint endpoint) { return name_of(endpoint_table, endpoint); }

std::optional<Endpoint> endpoint_from_name(const std::string& name) { return value_of(endpoint_table, name); }

std::optional<ApiPath> split_api_path(const std::string& path) {
  if (!starts_with(path, "/api") || (path.size() > 4 && path[4] != '/')) return std::nullopt;
  ApiPath api{path.substr(4), 0};  // "/oauth2/token", "/v10/users/@me"
  // "/v", 1 to 4 digits without a leading zero, then '/' or the end.
  std::size_t end = 2;
  while (end < api.rest.size() && end < 6 && std::isdigit(static_cast<unsigned char>(api.rest[end]))) ++end;
  bool versioned = starts_with(api.rest, "/v") && end > 2 && api.rest[2] != '0' &&
                   (end == api.rest.size() || api.rest[end] == '/');
  if (versioned) {
    api.version = std::stoi(api.rest.substr(2, end - 2));
    api.rest = api.rest.substr(end);
  }
  return api;
}

std::optional<RedirectUriProblem> check_redirect_uris(const std::vector<std::string>& uris) {
  constexpr std::size_t kMaxRedirectUris = 10;
  if (uris.size() > kMaxRedirectUris)
    return RedirectUriProblem{std::nullopt, "Discord allows at most " + std::to_string(kMaxRedirectUris) +
                                                " redirect URIs, found " + std::to_string(uris.size())};
  for (std::size_t i = 0; i < uris.size(); ++i)
    if (!is_redirect_uri(uris[i]))
      return RedirectUriProblem{i, "not a redirect URI (scheme:..., no #fragment): '" + uris[i] + "'"};
  return std::nullopt;
}

Endpoint classify_path(const std::string& raw_path) {
  // httplib routes on the decoded path, so /api/users/%40me is /api/users/@me.
  std::string path = support::percent_decode(raw_path).value_or(raw_path);
  if (path == "/oauth2/authorize" || path == "/oauth2/authorize/consent") return Endpoint::authorize;
  auto api = split_api_path(path);
  if (!api) return Endpoint::other;
  const std::string& rest = api->rest;
  if (rest == "/oauth2/token") return Endpoint::token;
  if (rest == "/oauth2/token/revoke") return Endpoint::revoke;
  if (rest == "/users/@me") return Endpoint::users_me;
  if (rest == "/users/@me/guilds") return Endpoint::guilds;
  if (rest == "/oauth2/@me") return Endpoint::oauth2_me;
  return Endpoint::other;
}

std::string fault_name(Fault fault) { return name_of(fault_table, fault); }

std::string FailureRule::describe() const {
  std::ostringstream out;
  out << (path.empty() ? endpoint_name(endpoint) : path);
  switch (kind) {
    case Kind::status: out << " status " << status; break;
    case Kind::error: out << " error " << error; break;
    case Kind::rate_limit: out << " rate_limit " << retry_after << "s " << scope; break;
    case Kind::fault: out << " fault " << fault_name(fault); break;
    case Kind::delay_only: break;
  }
  if (delay.count() > 0) out << " delay " << support::format_duration(delay);
  if (after > 0) out << " after " << after;
  if (times)
    out << " x" << *times;
  else
    out << " always";
  return out.str();
}

Config Config::defaults(const std::string& app_url) {
  Config config;
  Application app;
  app.id = "157730590492196864";
  app.redirect_uris = {app_url + "/callback"};
  config.applications.push_back(app);

  User nelly;
  nelly.id = "80351110224678912";
  nelly.username = "nelly";
  nelly.global_name = "Nelly";
  nelly.email = "nelly@example.com";
  nelly.verified = true;
  Guild guild;
  guild.id = "41771983423143937";
  guild.name = "Test Guild";
  guild.owner = true;
  guild.permissions = "2147483647";
  nelly.guilds.push_back(guild);
  config.users.push_back(nelly);
  config.signed_in = "nelly";
  return config;
}

const User* Config::find_user(const std::string& name_or_id) const {
  for (const auto& user : users)
    if (user.username == name_or_id || user.id == name_or_id) return &user;
  return nullptr;
}

const Application* Config::find_application(const std::string& id) const {
  for (const auto& app : applications)
    if (app.id == id) return &app;
  return nullptr;
}

std::string no_placeholders(const std::string& text) { return text; }

Config parse_config(const support::YamlReader& yaml, const YAML::Node& node, const Resolver& resolve,
                    const std::string& default_app_url) {
  Config config = Config::defaults(default_app_url);
  if (!node.IsDefined() || node.IsNull()) return config;
  const std::string where = "discord";
  yaml.check_map(node, discord_keys, where);
  Reader in(yaml, resolve);

  if (YAML::Node apps = node["applications"]) {
    in.list(apps, "'applications'");
    if (apps.size() == 0) yaml.fail(apps, "'applications' needs at least one application");
    config.applications.clear();
    for (std::size_t i = 0; i < apps.size(); ++i) {
      Application app = parse_application(in, apps[i], item_name("application", i), default_app_url);
      if (config.find_application(app.id)) yaml.fail(apps[i]["id"], "application id '" + app.id + "' is listed twice");
      config.applications.push_back(app);
    }
  }
  if (YAML::Node users = node["users"]) {
    in.list(users, "'users'");
    config.users.clear();
    for (std::size_t i = 0; i < users.size(); ++i) {
      User user = parse_user(in, users[i], item_name("user", i));
      if (config.find_user(user.username))
        yaml.fail(users[i]["username"], "username '" + user.username + "' is listed twice");
      if (config.find_user(user.id)) yaml.fail(users[i]["id"], "user id '" + user.id + "' is listed twice");
      config.users.push_back(user);
    }
    config.signed_in = config.users.empty() ? "" : config.users.front().username;
  }
  if (YAML::Node signed_in = node["signed_in"])
    config.signed_in = signed_in.IsNull() ? "" : signed_in_user(in, config, signed_in);
  if (YAML::Node consent = node["consent"])
    config.consent = in.choice(consent, "consent", {"page", "auto"}, where) == "page" ? ConsentMode::page
                                                                                    : ConsentMode::auto_approve;
  if (YAML::Node ttl = node["code_ttl"]) config.code_ttl = yaml.duration(ttl, "'code_ttl'");
  if (YAML::Node ttl = node["token_ttl"]) config.token_ttl = yaml.duration(ttl, "'token_ttl'");
  if (YAML::Node limits = node["rate_limits"])
    if (!limits.IsNull()) config.rate_limits = parse_rate_limits(yaml, limits);
  if (YAML::Node failures = node["failures"]) {
    if (!failures.IsNull()) {
      in.list(failures, "'failures'");
      for (std::size_t i = 0; i < failures.size(); ++i)
        config.failures.push_back(parse_rule(in, failures[i], item_name("failure rule", i)));
    }
  }
  if (YAML::Node seed = node["seed"])
    config.seed = static_cast<std::uint64_t>(yaml.integer(seed, "'seed'", 0, std::numeric_limits<long long>::max()));
  return config;
}

Config load_config_file(const std::string& path, const Resolver& resolve, const std::string& default_app_url) {
  auto yaml = support::YamlReader::from_file(path);
  YAML::Node root = yaml.root();
  if (root.IsMap() && root["discord"]) {
    yaml.check_map(root, {"discord"}, "the config file (its top level is the discord: map)");
    return parse_config(yaml, root["discord"], resolve, default_app_url);
  }
  return parse_config(yaml, root, resolve, default_app_url);
}

FailureRule parse_failure_rule(const support::YamlReader& yaml, const YAML::Node& node, const std::string& where) {
  Resolver resolve = no_placeholders;
  return parse_rule(Reader(yaml, resolve), node, where);
}

const std::map<std::string, std::vector<std::string>>& config_key_tables() {
  static const std::map<std::string, std::vector<std::string>> tables = {
      {"discord", discord_keys},           {"application", application_keys},
      {"user", user_keys},                 {"guild", guild_keys},
      {"rate_limits", endpoint_names(false)}, {"rate_limit", rate_limit_keys},
      {"failure_rule", failure_rule_keys}, {"rate_limit_fault", rate_limit_fault_keys}};
  return tables;
}

}  // namespace mock_discord
