// The scenario model: one YAML scenario file as the loader validated it
// (docs/scenario-format.md).
// Strings keep their ${...} placeholders: the runner expands them when the
// step runs (placeholders.hpp), because their values (tunnel URL, last code)
// only exist then. Every step keeps its line for failure reports.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/placeholders.hpp"
#include "mock_discord/config.hpp"
#include "support/duration.hpp"
#include "support/url.hpp"
#include "support/yaml_reader.hpp"

namespace harness {

using support::Duration;
using Headers = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------- app: ----

struct AppSpec {
  // none (an extension): no app is started; for suites that talk to the mock
  // with raw requests only. `${app}` is then a local URL nobody listens on.
  enum class Kind { reference, command, none };
  enum class Tunnel { none, ngrok };

  Kind kind = Kind::reference;
  bool kind_given = false;  // `harness run --app-cmd` replaces only apps that did not set kind
  std::string command;      // kind: command
  std::string cwd;          // kind: command; absolute, resolved relative to the scenario file
  std::string login_path = "/login";
  std::string redirect_path = "/callback";
  std::string redirect_uri = "${app}/callback";  // raw; default ${app}${redirect_path}
  bool redirect_uri_given = false;  // else it follows redirect_path (also under --app-redirect-path)
  std::string user_page;    // extension: a path that shows who is signed in; "" = where sign-in ends
  bool refreshes = false;   // extension: the app refreshes access tokens itself
  std::vector<std::string> scopes = {"identify"};
  bool pkce = false;  // reference app: PKCE (S256)
  Tunnel tunnel = Tunnel::none;
  bool tunnel_warning = false;  // ERR_NGROK_6024 interstitial on the first browser visit
  Duration ready_timeout = std::chrono::seconds(10);
  std::optional<Duration> discord_timeout;  // reference app: its connect and read timeout towards Discord
  // `discord: intercept`: the app's https://discord.com reaches the mock
  // (docs/hardcoded-discord.md); a command app only.
  bool intercept_discord = false;
  int line = 0;  // of `app:`, 0 when absent
};

// -------------------------------------------------------------- actions ----
// One struct per action key; in their own namespace so that the harness's
// browser, tunnel and app classes keep the plain names.
namespace action {

// GET url in the browser, following redirects.
struct Open {
  std::string url;
};

// Press Authorize (approve) or Cancel on the consent page the browser shows.
struct Consent {
  bool approve = true;
};

// Open again the last callback URL the browser visited (`replay: callback`).
struct Replay {};

// Login CSRF: a valid code for the attacker `as`, opened at the app's
// redirect URI in the victim's browser.
struct ForgeCallback {
  enum class StateMode { none, random, literal };
  std::string as;  // a username or user id of the `discord:` world
  StateMode state_mode = StateMode::none;
  std::string state;  // StateMode::literal; raw
};

// One raw HTTP request: no browser, no cookies, no redirects followed.
struct Request {
  std::string method = "GET";  // POST when a body is given and no method
  std::string url;             // raw
  std::optional<support::Params> form;  // application/x-www-form-urlencoded; raw values
  std::optional<nlohmann::json> json;   // application/json; raw strings
  std::optional<std::string> body;      // extension: sent as is (with headers' Content-Type)
  Headers headers;                      // raw values, in file order
  std::optional<std::pair<std::string, std::string>> basic;  // raw id, secret
  std::optional<std::string> bearer;                         // raw
  Duration timeout = std::chrono::seconds(10);               // extension: connect + read
};

// Advance the mock's virtual clock.
struct Clock {
  Duration by{0};
};

// `tunnel: restart|stop|start` with the step-level keys update_app and
// update_registration (restart and start only).
struct Tunnel {
  enum class Action { restart, stop, start };
  Action action = Action::restart;
  bool update_app = true;            // restart the app with the new redirect URI
  bool update_registration = false;  // replace the old URI in the Discord application
};

// `app: restart|stop|start`; a restart loses in-memory sessions.
struct App {
  enum class Action { restart, stop, start };
  Action action = Action::restart;
};

// Add a failure rule at the mock. Its strings (path, body, header values)
// may hold placeholders: expand them with expand_failure_rule.
struct Fail {
  mock_discord::FailureRule rule;
};

// Change the mock's world; at least one field is set.
struct Discord {
  std::optional<std::string> revoke_tokens_of;          // a user
  std::optional<std::string> signed_in;                 // a user; "" signs out (extension)
  std::optional<std::vector<std::string>> redirect_uris;  // raw
  std::string application;  // extension: whose redirect_uris ("" = the first application)
};

// A real sleep.
struct Wait {
  Duration duration{0};
};

// Extension: submit a form of the page the browser shows, as a click on its
// button would (logins that start with a POST). The form is chosen by id,
// by where it posts (a URL prefix), or is the page's only form.
struct Submit {
  std::string form;    // an id; "" = not by id
  std::string action;  // raw URL prefix of the form's action; "" = not by action
  support::Params fields;  // raw values; replace or add fields
};

// Extension: go on where a step with `follow_redirects: false` stopped.
struct Follow {};

}  // namespace action

using Action = std::variant<action::Open, action::Consent, action::Replay, action::ForgeCallback, action::Request,
                            action::Clock, action::Tunnel, action::App, action::Fail, action::Discord, action::Wait,
                            action::Submit, action::Follow>;

// The action's key as written in files: "open", "forge_callback", ...
std::string action_name(const Action& action);
// Whether the action produces an answer that status/body/... expectations check.
bool produces_answer(const Action& action);

// ---------------------------------------------------------- expectations ----

struct HeaderExpectation {
  std::string name;                  // as written; compare case-insensitively
  std::optional<std::string> value;  // raw, may be "re:..."; nullopt: the header must be absent
};

// A count in the mock's journal: exactly N, or within {min, max} (an extension).
struct CountRange {
  int min = 0;
  int max = 0;
  bool exact() const { return min == max; }
  bool holds(int count) const { return count >= min && count <= max; }
  std::string describe() const;  // "2", "at most 1", "1 to 3", "at least 1"
};

struct DiscordExpectation {
  std::map<std::string, CountRange> requests;  // endpoint name (authorize, token, ..., any) -> count
  std::optional<int> codes_redeemed;
  std::optional<int> active_tokens;
};

// Every key listed must hold. Strings are raw (placeholders, "re:...").
struct Expect {
  std::optional<std::vector<int>> status;  // one of these
  std::optional<std::string> url;          // prefix of the final URL
  std::optional<std::vector<std::string>> hops;  // prefixes, in order, one per hop
  std::vector<std::string> body_contains;
  std::vector<std::string> body_not_contains;
  std::optional<nlohmann::json> json;  // subset; "re:..." strings match fully
  std::vector<HeaderExpectation> headers;
  std::optional<bool> consent_page;
  std::optional<std::string> signed_in_as;      // a user
  std::optional<std::string> not_signed_in_as;  // a user
  std::optional<std::string> tunnel_error;      // ERR_NGROK_3200, ...
  std::optional<DiscordExpectation> discord;
  std::optional<bool> no_leaks;
  std::optional<bool> transport_error;  // extension: no complete HTTP answer arrived
  std::optional<bool> handled;          // extension: an answer, and not 500 (what an uncaught exception gives)
  std::optional<bool> no_leaks_in_app_log;  // extension: no token or secret in what the app wrote
  std::string advice;                   // extension: what the app's author should change when this fails

  int line = 0;                      // of `expect:`
  std::map<std::string, int> lines;  // expectation key -> its line, for reports
  int line_of(const std::string& key) const;
};

// ----------------------------------------------------------------- steps ----

struct Step {
  int number = 0;    // 1-based
  std::string name;  // "" when the file gives none
  int line = 0;      // of the step's first key
  int column = 0;
  Action action;
  std::optional<Expect> expect;
  std::optional<Expect> warn_unless;  // extension: checked like expect, but a miss is a warning
  bool follow_redirects = true;       // extension: false stops at the first answer (open, consent, submit)

  // "step 3 (sign in)" or "step 3", for reports.
  std::string label() const;
};

// -------------------------------------------------------------- scenario ----

struct Scenario {
  std::string name;
  std::string about;
  std::vector<std::string> tags;
  std::string file;           // as given to the loader
  int name_line = 0;          // of `name:`, for "duplicate name" errors
  std::optional<std::string> skip;  // extension: a reason; the scenario is reported skipped
  std::optional<Duration> timeout;  // extension: the whole scenario's budget (default: --timeout, else 60 s)
  std::optional<Duration> browser_timeout;  // extension: the browser's connect and read timeout (default 30 s)
  std::vector<std::string> requires_app;  // extension: app capabilities ("refreshes"); skipped without them
  bool https = true;  // extension: the mock speaks https (Discord's only scheme); false: plain http

  // The `discord:` section stays YAML: its placeholders (${app}) resolve only
  // when the world is set up. `discord` is a null node when the file has none.
  std::shared_ptr<const support::YamlReader> reader;
  YAML::Node discord;
  std::vector<std::string> users;  // the world's usernames, first = default

  AppSpec app;
  std::vector<Step> steps;

  // The mock's world for this run: the `discord:` section parsed with the
  // live resolver, or the spec's defaults for `default_app_url`.
  // The first application's default registration is
  // `default_app_url` + `redirect_path` when the section lists no
  // redirect_uris for it.
  mock_discord::Config discord_config(const mock_discord::Resolver& resolve, const std::string& default_app_url,
                                      const std::string& redirect_path = "/callback") const;
  // "file:line" of a step, for "step 3 (name) at file:line".
  std::string where(const Step& step) const;
};

// A failure rule with its placeholders expanded (path, body, header values).
mock_discord::FailureRule expand_failure_rule(const mock_discord::FailureRule& rule, const Lookup& lookup);

}  // namespace harness
