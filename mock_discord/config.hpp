// The mock's world as users describe it: the `discord:` section of a scenario
// file, which is also the `mock_discord --config` file format
// (docs/scenario-format.md). Parsing lives in config.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/duration.hpp"
#include "support/yaml_reader.hpp"

namespace mock_discord {

using support::Duration;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Guild {
  std::string id;
  std::string name;
  std::optional<std::string> icon;
  bool owner = false;
  std::string permissions = "0";
};

struct User {
  std::string id;
  std::string username;
  std::optional<std::string> global_name;
  std::optional<std::string> email;
  std::optional<std::string> avatar;
  bool verified = true;
  bool mfa_enabled = false;
  std::string locale = "en-US";
  std::vector<Guild> guilds;
};

struct Application {
  std::string id;  // the client_id
  std::string name = "Airhorn";
  std::string secret = "mock-secret";
  std::string description;
  std::vector<std::string> redirect_uris;  // at most 10, exact match
  bool is_public = false;                  // PKCE without a client secret
};

// The endpoints that rules, rate limits and journal counts name.
enum class Endpoint { authorize, token, revoke, users_me, guilds, oauth2_me, other, any };
std::string endpoint_name(Endpoint endpoint);
std::optional<Endpoint> endpoint_from_name(const std::string& name);
// Which endpoint a request path addresses (versioned or not); `other` when none.
Endpoint classify_path(const std::string& path);

// A path under /api: what follows the optional /vN, and N (0 when
// unversioned). Versions are written as Discord writes them, without leading
// zeros: /api/v0/x and /api/v06/x have no version, their rest is /v0/x and /v06/x.
struct ApiPath {
  std::string rest;
  int version = 0;
};
// nullopt when the path is neither /api nor under /api/.
std::optional<ApiPath> split_api_path(const std::string& path);

// Discord's rules for an application's registered redirect URIs: at most 10,
// each scheme:... (custom schemes too, for PKCE) without a #fragment.
struct RedirectUriProblem {
  std::optional<std::size_t> index;  // the offending URI; nullopt: the list is too long
  std::string message;
};
std::optional<RedirectUriProblem> check_redirect_uris(const std::vector<std::string>& uris);

struct RateLimitRule {
  int limit = 0;
  Duration per{0};
};

enum class Fault { reset, close, empty, malformed_json, truncated, hang };
std::string fault_name(Fault fault);

// One `fail:` rule (scenario step, config `failures:` or admin API).
struct FailureRule {
  enum class Kind { status, error, rate_limit, fault, delay_only };

  Endpoint endpoint = Endpoint::any;  // ignored when `path` is set
  std::string path;                   // exact request path, e.g. /api/users/@me
  std::optional<int> times = 1;       // nullopt: always
  int after = 0;                      // let this many matching requests pass first

  Kind kind = Kind::status;
  int status = 500;                        // Kind::status
  std::optional<std::string> body;         // Kind::status: sent as is (a map is sent as JSON)
  Headers headers;                         // Kind::status: extra headers
  std::string error;                       // Kind::error: invalid_grant, invalid_client, ...
  double retry_after = 1.0;                // Kind::rate_limit
  std::string scope = "user";              // Kind::rate_limit: user, global, shared
  Fault fault = Fault::reset;              // Kind::fault
  Duration delay{0};                       // before answering (any kind)

  // A one-line description for journals and reports: "token status 500 x1".
  std::string describe() const;
};

enum class ConsentMode { page, auto_approve };

struct Config {
  std::vector<Application> applications;
  std::vector<User> users;
  std::string signed_in;  // a username; empty: nobody is signed in
  ConsentMode consent = ConsentMode::page;
  Duration code_ttl = std::chrono::seconds(100);
  Duration token_ttl = std::chrono::seconds(604800);
  std::map<Endpoint, RateLimitRule> rate_limits;
  std::vector<FailureRule> failures;
  std::uint64_t seed = 1;

  // One application (Airhorn, 157730590492196864, redirect `app_url`/callback)
  // and one user (nelly), signed in: the spec's defaults.
  static Config defaults(const std::string& app_url);

  const User* find_user(const std::string& name_or_id) const;
  const Application* find_application(const std::string& id) const;
};

// Replaces ${...} in a string value; throws std::invalid_argument with a
// message ("unknown placeholder '${foo}'") that the loader reports in place.
using Resolver = std::function<std::string(const std::string&)>;
// Leaves strings as they are.
std::string no_placeholders(const std::string& text);

// Reads a `discord:` map. Missing keys take the defaults (with `default_app_url`
// for the default redirect URI). Throws support::InputError, located.
// The keys each map of a config (a scenario's discord: section) may hold,
// besides `x-` keys, by the name docs/scenario.schema.json gives the map
// under $defs. A test keeps the schema and these tables equal.
const std::map<std::string, std::vector<std::string>>& config_key_tables();

Config parse_config(const support::YamlReader& reader, const YAML::Node& node, const Resolver& resolve,
                    const std::string& default_app_url);
// Reads a `mock_discord --config` file: its top level is the `discord:` map
// (a top-level `discord:` key is accepted too, so a scenario's section can be pasted).
Config load_config_file(const std::string& path, const Resolver& resolve, const std::string& default_app_url);

// Reads one failure rule map; `where` names it in errors ("step 4").
FailureRule parse_failure_rule(const support::YamlReader& reader, const YAML::Node& node, const std::string& where);

}  // namespace mock_discord
