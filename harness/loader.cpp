// Reading and validating one scenario file (see loader.hpp). The order
// matters: the app section first (it says whether there is a tunnel), then
// the `discord:` world (it names the users), then the steps, which may use
// both. Placeholders are checked section by section, because each section
// resolves at a different moment and so knows different names.
#include "harness/loader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <regex>

#include <strings.h>

#include "support/bounded_regex.hpp"
#include "support/errors.hpp"
#include "support/suggest.hpp"
#include "support/text.hpp"

namespace harness {
namespace {

using support::YamlReader;

const std::vector<std::string> top_level_keys = {"name", "about",   "tags",            "discord",  "app",  "steps",
                                                 "skip", "timeout", "browser_timeout", "requires", "https"};
// What `requires:` may ask of the app under test (app: keys of the same name).
const std::vector<std::string> app_capabilities = {"refreshes"};
const std::vector<std::string> app_keys = {"kind",         "command", "cwd",    "login_path",
                                           "redirect_path", "redirect_uri", "scopes", "pkce",
                                           "tunnel",        "tunnel_warning", "ready_timeout", "user_page",
                                           "refreshes",     "discord_timeout", "discord"};
const std::vector<std::string> action_keys = {"open",  "consent", "replay", "forge_callback", "request", "clock",
                                              "tunnel", "app",    "fail",   "discord",        "wait",    "submit",
                                              "follow"};
// Actions that navigate the browser, so may stop at a redirect.
const std::vector<std::string> navigating_actions = {"open", "consent", "submit"};
const std::vector<std::string> tunnel_option_keys = {"update_app", "update_registration"};
const std::vector<std::string> request_keys = {"method", "url", "form", "json", "body", "headers", "basic", "bearer",
                                               "timeout"};
const std::vector<std::string> discord_change_keys = {"revoke_tokens_of", "signed_in", "redirect_uris", "application"};
const std::vector<std::string> expect_keys = {"status",       "url",           "hops",        "body_contains",
                                              "body_not_contains", "json",     "headers",     "consent_page",
                                              "signed_in_as", "not_signed_in_as", "tunnel_error", "discord",
                                              "no_leaks",     "transport_error", "handled", "no_leaks_in_app_log",
                                              "advice"};
const std::vector<std::string> step_extra_keys = {"name", "expect", "warn_unless", "follow_redirects"};
const std::vector<std::string> forge_callback_keys = {"as", "state"};
const std::vector<std::string> submit_keys = {"form", "action", "fields"};
const std::vector<std::string> expect_discord_keys = {"requests", "codes_redeemed", "active_tokens"};
const std::vector<std::string> count_range_keys = {"min", "max"};
// Expectations about the world rather than about an answer: any step may list them.
const std::vector<std::string> world_expect_keys = {"discord", "no_leaks", "no_leaks_in_app_log", "advice"};

const auto longest_wait = std::chrono::hours(1);  // longer is a typo, not a test

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::string> step_keys() { return concat(concat(action_keys, tunnel_option_keys), step_extra_keys); }

// The endpoints expect.discord.requests may count.
std::vector<std::string> request_count_keys() {
  std::vector<std::string> names;
  for (auto endpoint : {mock_discord::Endpoint::authorize, mock_discord::Endpoint::token, mock_discord::Endpoint::revoke,
                        mock_discord::Endpoint::users_me, mock_discord::Endpoint::guilds,
                        mock_discord::Endpoint::oauth2_me, mock_discord::Endpoint::other, mock_discord::Endpoint::any})
    names.push_back(mock_discord::endpoint_name(endpoint));
  return names;
}

// "a, b or c"
std::string one_of(const std::vector<std::string>& options) {
  std::string text;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (i > 0) text += i + 1 == options.size() ? " or " : ", ";
    text += options[i];
  }
  return text;
}

// ------------------------------------------------------------ placeholders --

// Where a string is resolved decides which placeholders it may use.
enum class Section { discord, app, steps };

// Values that stand in for the real ones while validating, shaped like them
// so that URL checks work on `${discord}/api/...`.
std::string stand_in_value(const std::string& name) {
  if (name == "discord") return "http://127.0.0.1:1";
  if (name == "app") return "http://127.0.0.1:2";
  if (name == "tunnel" || name == "tunnel.previous") return "https://stand-in.ngrok-free.app";
  if (name == "login" || name == "user_page") return "http://127.0.0.1:2/stand-in";
  if (name == "client_id") return "157730590492196864";
  return "stand-in";
}

class PlaceholderRules {
 public:
  PlaceholderRules(bool tunnel, std::vector<std::string> users) : tunnel_(tunnel), users_(std::move(users)) {}

  // Steps are checked in order: ${step.N.json...} may only name an earlier
  // step that produces an answer.
  void at_step(int number) { current_step_ = number; }
  void record_step(const Action& step_action) { steps_.push_back(step_action); }

  Lookup lookup(Section section) const {
    return with_url_parts(
        [this, section](const std::string& name) -> std::optional<std::string> { return check(section, name); });
  }

 private:
  std::optional<std::string> check(Section section, const std::string& name) const {
    const std::string shown = "'${" + name + "}'";
    if (auto reference = parse_step_json_reference(name)) {
      if (section != Section::steps)
        throw PlaceholderError(shown + " only has a value while the steps run", 0);
      const std::string step = "step " + std::to_string(reference->step);
      if (reference->step >= current_step_)
        throw PlaceholderError(shown + " refers to " + step + ", which has not run when step " +
                                   std::to_string(current_step_) + " runs",
                               0);
      const Action& earlier = steps_[reference->step - 1];
      if (!produces_answer(earlier))
        throw PlaceholderError(shown + ": " + step + " (" + action_name(earlier) + ") produces no answer", 0);
      return stand_in_value(name);
    }
    if (name.rfind("user.", 0) == 0 && name.size() > 8 && name.compare(name.size() - 3, 3, ".id") == 0) {
      if (section == Section::discord)
        throw PlaceholderError(shown + " cannot be used in the discord: section, which defines the users", 0);
      std::string user = name.substr(5, name.size() - 8);
      if (!contains(users_, user))
        throw PlaceholderError("unknown user '" + user + "' in " + shown + support::did_you_mean(user, users_) +
                                   "; the users are " + one_of(users_),
                               0);
      return "80351110224678912";
    }
    if (name == "tunnel" || name == "tunnel.previous") {
      if (!tunnel_) throw PlaceholderError(shown + " needs a tunnel: set 'tunnel: ngrok' in the app: section", 0);
      if (section == Section::discord && name == "tunnel.previous")
        throw PlaceholderError(shown + " has no value when the world is set up (there is no previous tunnel yet)", 0);
      return stand_in_value(name);
    }
    if (name == "client_id" || name == "client_secret") {
      if (section == Section::discord)
        throw PlaceholderError(shown + " cannot be used in the discord: section, which defines the applications", 0);
      return stand_in_value(name);
    }
    if (name.rfind("last.", 0) == 0 && contains(names(Section::steps), name)) {
      if (section != Section::steps)
        throw PlaceholderError(shown + " only has a value while the steps run; it cannot be used in the " +
                                   (section == Section::discord ? "discord:" : "app:") + " section",
                               0);
      return stand_in_value(name);
    }
    if (name == "discord" || name == "app") return stand_in_value(name);
    if (name == "login" || name == "user_page") {
      if (section == Section::discord)
        throw PlaceholderError(shown + " cannot be used in the discord: section; write ${app}/... there", 0);
      return stand_in_value(name);
    }
    std::string suggestion = support::closest_match(name, names(section));
    throw PlaceholderError("unknown placeholder " + shown + (suggestion.empty() ? "" : " (did you mean '${" + suggestion + "}'?)"),
                           0);
  }

  std::vector<std::string> names(Section section) const {
    std::vector<std::string> names = {"discord", "app", "app.host", "app.port", "discord.host", "discord.port"};
    if (tunnel_) names.push_back("tunnel");
    if (tunnel_ && section != Section::discord) names.push_back("tunnel.previous");
    if (section == Section::discord) return names;
    names.insert(names.end(), {"client_id", "client_secret", "login", "user_page"});
    for (const auto& user : users_) names.push_back("user." + user + ".id");
    if (section == Section::steps)
      names.insert(names.end(), {"last.code", "last.state", "last.access_token", "last.refresh_token"});
    return names;
  }

  bool tunnel_;
  std::vector<std::string> users_;
  int current_step_ = 0;
  std::vector<Action> steps_;
};

// An error inside a scalar, with the caret on the `${` when the scalar sits
// on one line of the file (plain or quoted), else at the scalar's start.
[[noreturn]] void fail_in_scalar(const YamlReader& reader, const YAML::Node& node, std::size_t offset,
                                 const std::string& message) {
  YAML::Mark mark = node.Mark();
  const std::string& text = node.Scalar();
  std::size_t end = text.find_first_of("}\n", offset);
  std::string snippet = text.substr(offset, end == std::string::npos ? std::string::npos : end + 1 - offset);
  const std::string line = reader.source().line(mark.line + 1);
  std::size_t found = line.find(snippet, static_cast<std::size_t>(mark.column));
  if (!snippet.empty() && found != std::string::npos) mark.column = static_cast<int>(found);
  reader.fail_at(mark, message);
}

// Every key and string value under `node` checked against `lookup`.
void check_placeholders(const YamlReader& reader, const YAML::Node& node, const Lookup& lookup) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar().find("${") != std::string::npos) {
        std::size_t offset = it->first.Scalar().find("${");
        if (offset == 0 || it->first.Scalar()[offset - 1] != '$')
          fail_in_scalar(reader, it->first, offset, "placeholders are not expanded in keys, only in values");
      }
      check_placeholders(reader, it->second, lookup);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_placeholders(reader, item, lookup);
  } else if (node.IsScalar()) {
    try {
      expand(node.Scalar(), lookup);
    } catch (const PlaceholderError& error) {
      fail_in_scalar(reader, node, error.offset(), error.what());
    }
  }
}

// ------------------------------------------------------------------ loader --

class ScenarioLoader {
 public:
  ScenarioLoader(std::shared_ptr<const YamlReader> reader, Scenario& scenario)
      : reader_(*reader), scenario_(scenario) {
    scenario_.reader = std::move(reader);
  }

  void load() {
    const YAML::Node& root = reader_.root();
    if (!root.IsMap()) reader_.fail(root, "a scenario file is a map with 'name' and 'steps', found " + kind(root));
    reader_.check_map(root, top_level_keys, "the scenario");
    read_header(root);
    read_app(root["app"]);
    PlaceholderRules early(scenario_.app.tunnel == AppSpec::Tunnel::ngrok, {});
    read_world(root["discord"], early);
    rules_ = std::make_unique<PlaceholderRules>(scenario_.app.tunnel == AppSpec::Tunnel::ngrok, scenario_.users);
    if (root["app"]) check_placeholders(reader_, root["app"], rules_->lookup(Section::app));
    // Reports show these as written; an unknown placeholder is still an error.
    for (const char* key : {"name", "about", "tags", "skip"})
      if (root[key]) check_placeholders(reader_, root[key], rules_->lookup(Section::app));
    read_steps(root);
  }

 private:
  // ------------------------------------------------------------ helpers --

  static std::string kind(const YAML::Node& node) {
    if (node.IsMap()) return "a map";
    if (node.IsSequence()) return "a list";
    if (node.IsScalar()) return "'" + node.Scalar() + "'";
    return "nothing";
  }

  // The value of `key`, which must not be empty; errors point at the key,
  // since yaml-cpp places an empty value on the next line.
  YAML::Node value(const YAML::Node& map, const std::string& key, const std::string& where) const {
    YAML::Node node = map[key];
    if (node.IsNull()) reader_.fail(reader_.key_node(map, key), "'" + key + "' in " + where + " has no value");
    return node;
  }

  std::string text(const YAML::Node& map, const std::string& key, const std::string& where) const {
    return reader_.string(value(map, key, where), "'" + key + "' in " + where);
  }

  // Which of `options` the value of `key` is.
  std::string choice(const YAML::Node& map, const std::string& key, const std::string& where,
                     const std::vector<std::string>& options) const {
    YAML::Node node = value(map, key, where);
    std::string chosen = reader_.string(node, "'" + key + "' in " + where);
    if (!contains(options, chosen))
      reader_.fail(node, "unknown value '" + chosen + "' for '" + key + "' in " + where + ": expected " +
                             one_of(options) + support::did_you_mean(chosen, options));
    return chosen;
  }

  bool flag(const YAML::Node& map, const std::string& key, const std::string& where) const {
    return reader_.boolean(value(map, key, where), "'" + key + "' in " + where);
  }

  support::Duration positive_duration(const YAML::Node& map, const std::string& key, const std::string& where) const {
    YAML::Node node = value(map, key, where);
    support::Duration duration = reader_.duration(node, "'" + key + "' in " + where);
    if (duration.count() <= 0) reader_.fail(node, "'" + key + "' in " + where + " must be longer than 0ms");
    return duration;
  }

  // A username or id of the scenario's world, kept as written.
  std::string user(const YAML::Node& map, const std::string& key, const std::string& where) const {
    YAML::Node node = value(map, key, where);
    std::string name = reader_.string(node, "'" + key + "' in " + where);
    if (!world_.find_user(name))
      reader_.fail(node, "unknown user '" + name + "' for '" + key + "' in " + where +
                             support::did_you_mean(name, scenario_.users) + "; the users of this scenario are " +
                             one_of(scenario_.users));
    return name;
  }

  // A URL the harness will open or request: absolute http(s) once expanded.
  std::string url(const YAML::Node& map, const std::string& key, const std::string& where) const {
    YAML::Node node = value(map, key, where);
    std::string raw = reader_.string(node, "'" + key + "' in " + where);
    if (!support::parse_url(expand(raw, rules_->lookup(Section::steps))))
      reader_.fail(node, "expected an absolute http(s) URL for '" + key + "' in " + where + ", found '" + raw +
                             "' (write ${discord}/... or ${app}/...)");
    return raw;
  }

  // A `re:` pattern must compile; placeholders inside match literally.
  void check_pattern(const YAML::Node& node, const std::string& raw) const {
    if (raw.rfind("re:", 0) != 0) return;
    try {
      support::bounded_regex(expand_in_regex(raw.substr(3), rules_->lookup(Section::steps)));
    } catch (const std::regex_error& error) {
      reader_.fail(node, "invalid regular expression '" + raw.substr(3) + "': " + error.what());
    } catch (const std::length_error& error) {
      reader_.fail(node, std::string("regular expression too complex: ") + error.what());
    }
  }

  nlohmann::json json(const YAML::Node& node, bool patterns) const {
    if (!patterns) return reader_.to_json(node);
    return reader_.to_json(node, [this](const YAML::Node& scalar, const std::string& text) {
      check_pattern(scalar, text);
      return text;
    });
  }

  // ------------------------------------------------------------- header --

  void read_header(const YAML::Node& root) {
    YAML::Node name = reader_.require(root, "name", "the scenario");
    scenario_.name = text(root, "name", "the scenario");
    if (scenario_.name.find_first_not_of(" \t") == std::string::npos) reader_.fail(name, "'name' is empty");
    if (scenario_.name.find('\n') != std::string::npos) reader_.fail(name, "'name' must be one line");
    scenario_.name_line = name.Mark().line + 1;
    if (root["about"]) scenario_.about = text(root, "about", "the scenario");
    if (root["tags"]) {
      YAML::Node tags = value(root, "tags", "the scenario");
      scenario_.tags = reader_.string_list(tags, "'tags'", true);
      for (std::size_t i = 0; i < scenario_.tags.size(); ++i) {
        const std::string& tag = scenario_.tags[i];
        if (tag.empty() || tag.find_first_of(" \t\n,") != std::string::npos)
          reader_.fail(tags.IsSequence() ? tags[i] : tags,
                       "a tag is one word without spaces or commas, found '" + tag + "'");
      }
    }
    if (root["skip"]) {
      scenario_.skip = text(root, "skip", "the scenario");
      if (scenario_.skip->empty()) reader_.fail(root["skip"], "'skip' takes the reason for skipping");
    }
    if (root["timeout"]) scenario_.timeout = positive_duration(root, "timeout", "the scenario");
    if (root["requires"]) {
      YAML::Node needs = value(root, "requires", "the scenario");
      scenario_.requires_app = reader_.string_list(needs, "'requires'", true);
      for (std::size_t i = 0; i < scenario_.requires_app.size(); ++i) {
        const std::string& need = scenario_.requires_app[i];
        if (!contains(app_capabilities, need))
          reader_.fail(needs.IsSequence() ? needs[i] : needs, "unknown app capability '" + need + "' in 'requires': expected " +
                                                                one_of(app_capabilities) + support::did_you_mean(need, app_capabilities));
      }
    }
    if (root["browser_timeout"])
      scenario_.browser_timeout = positive_duration(root, "browser_timeout", "the scenario");
    if (root["https"]) scenario_.https = flag(root, "https", "the scenario");
  }

  // ---------------------------------------------------------------- app --

  void read_app(const YAML::Node& node) {
    AppSpec& app = scenario_.app;
    if (!node) return;
    const std::string where = "app";
    app.line = node.Mark().line + 1;
    if (node.IsNull()) return;
    reader_.check_map(node, app_keys, where);
    if (node["kind"]) {
      std::string kind = choice(node, "kind", where, {"reference", "command", "none"});
      app.kind = kind == "reference" ? AppSpec::Kind::reference
                                     : kind == "command" ? AppSpec::Kind::command : AppSpec::Kind::none;
      app.kind_given = true;
    }
    // Keys that would silently do nothing for this kind of app are errors.
    auto refuse = [&](const std::string& key, const std::string& reason) {
      if (node[key]) reader_.fail(reader_.key_node(node, key), "'" + key + "' " + reason);
    };
    if (app.kind == AppSpec::Kind::none)
      for (const auto& key : app_keys)
        if (key != "kind") refuse(key, "has no effect with 'kind: none' (no app is started)");
    if (app.kind != AppSpec::Kind::command) {
      refuse("command", "needs 'kind: command'");
      refuse("cwd", "needs 'kind: command'");
    }
    if (app.kind == AppSpec::Kind::command) {
      reader_.require(node, "command", where);
      app.command = text(node, "command", where);
      if (app.command.find_first_not_of(" \t") == std::string::npos)
        reader_.fail(node["command"], "'command' is empty");
      refuse("pkce", "configures the reference app; an app with 'kind: command' decides that itself");
      refuse("discord_timeout", "configures the reference app; an app with 'kind: command' decides that itself");
      read_cwd(node);
    }
    if (node["login_path"]) app.login_path = path(node, "login_path", where);
    if (node["redirect_path"]) app.redirect_path = path(node, "redirect_path", where);
    app.redirect_uri = "${app}" + app.redirect_path;
    if (node["user_page"]) app.user_page = path(node, "user_page", where);
    if (node["refreshes"]) app.refreshes = flag(node, "refreshes", where);
    if (node["redirect_uri"]) {
      app.redirect_uri_given = true;
      app.redirect_uri = text(node, "redirect_uri", where);
      if (app.redirect_uri.empty()) reader_.fail(node["redirect_uri"], "'redirect_uri' is empty");
    }
    if (node["scopes"]) {
      YAML::Node scopes = value(node, "scopes", where);
      app.scopes = reader_.string_list(scopes, "'scopes' in app");
      for (std::size_t i = 0; i < app.scopes.size(); ++i)
        if (app.scopes[i].empty() || app.scopes[i].find_first_of(" \t\n") != std::string::npos)
          reader_.fail(scopes[i], "a scope is one word (list several as [identify, email]), found '" +
                                      app.scopes[i] + "'");
    }
    if (node["pkce"]) app.pkce = flag(node, "pkce", where);
    if (node["tunnel"])
      app.tunnel = choice(node, "tunnel", where, {"none", "ngrok"}) == "ngrok" ? AppSpec::Tunnel::ngrok
                                                                              : AppSpec::Tunnel::none;
    if (node["tunnel_warning"]) {
      app.tunnel_warning = flag(node, "tunnel_warning", where);
      if (app.tunnel_warning && app.tunnel != AppSpec::Tunnel::ngrok)
        reader_.fail(reader_.key_node(node, "tunnel_warning"), "'tunnel_warning' needs 'tunnel: ngrok'");
    }
    if (node["ready_timeout"]) app.ready_timeout = positive_duration(node, "ready_timeout", where);
    if (node["discord_timeout"]) app.discord_timeout = positive_duration(node, "discord_timeout", where);
    if (node["discord"]) {
      app.intercept_discord = choice(node, "discord", where, {"mock", "intercept"}) == "intercept";
      // The reference app runs inside the harness: nothing to intercept.
      if (app.intercept_discord && app.kind == AppSpec::Kind::reference && app.kind_given)
        reader_.fail(reader_.key_node(node, "discord"),
                     "'discord: intercept' needs an app run as a command ('kind: command', or no kind and --app-cmd)");
      // discord.com is https only: the mock stands in for it over https.
      if (app.intercept_discord && !scenario_.https)
        reader_.fail(reader_.key_node(reader_.root(), "https"),
                     "'https: false' cannot go with 'app: {discord: intercept}': discord.com is https only");
    }
  }

  std::string path(const YAML::Node& map, const std::string& key, const std::string& where) const {
    std::string value = text(map, key, where);
    if (value.empty() || value[0] != '/' || value.find_first_of(" ?#") != std::string::npos)
      reader_.fail(map[key], "'" + key + "' must be a path like /callback, found '" + value + "'");
    return value;
  }

  void read_cwd(const YAML::Node& node) {
    if (!node["cwd"]) {
      scenario_.app.cwd = base_dir().string();
      return;
    }
    std::string raw = text(node, "cwd", "app");
    std::filesystem::path dir(raw);
    if (dir.is_relative()) dir = base_dir() / dir;
    dir = dir.lexically_normal();
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error))
      reader_.fail(node["cwd"], "'cwd' is not a folder: " + dir.string() + " (relative paths start at the scenario's folder)");
    scenario_.app.cwd = dir.string();
  }

  std::filesystem::path base_dir() const {
    std::filesystem::path file(scenario_.file);
    std::filesystem::path dir = file.parent_path();
    if (dir.empty()) dir = ".";
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(dir, error);
    return error ? dir : absolute.lexically_normal();
  }

  // ------------------------------------------------------------- world ---

  void read_world(const YAML::Node& node, const PlaceholderRules& rules) {
    Lookup lookup = rules.lookup(Section::discord);
    mock_discord::Resolver resolve = [&](const std::string& text) { return expand(text, lookup); };
    const std::string stand_in_app = stand_in_value("app");
    if (node && !node.IsNull()) {
      check_placeholders(reader_, node, lookup);
      world_ = mock_discord::parse_config(reader_, node, resolve, stand_in_app);
      scenario_.discord = node;
    } else {
      world_ = mock_discord::Config::defaults(stand_in_app);
    }
    for (const auto& user : world_.users) scenario_.users.push_back(user.username);
  }

  // ------------------------------------------------------------- steps ---

  void read_steps(const YAML::Node& root) {
    YAML::Node steps = reader_.require(root, "steps", "the scenario");
    if (!steps.IsSequence()) reader_.fail(steps.IsNull() ? reader_.key_node(root, "steps") : steps,
                                          "'steps' is a list of steps, found " + kind(steps));
    if (steps.size() == 0) reader_.fail(steps, "'steps' lists no step");
    const Lookup lookup = rules_->lookup(Section::steps);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const int number = static_cast<int>(i) + 1;
      rules_->at_step(number);
      check_placeholders(reader_, steps[i], lookup);
      scenario_.steps.push_back(read_step(steps[i], number));
      rules_->record_step(scenario_.steps.back().action);
    }
  }

  Step read_step(const YAML::Node& node, int number) {
    const std::string where = "step " + std::to_string(number);
    Step step;
    step.number = number;
    step.line = node.Mark().line + 1;
    step.column = node.Mark().column + 1;
    if (!node.IsMap())
      reader_.fail(node, where + " is a map with one action (" + one_of(action_keys) + "), found " + kind(node));
    reader_.check_map(node, step_keys(), where);

    std::vector<std::string> actions;
    for (auto it = node.begin(); it != node.end(); ++it)
      if (contains(action_keys, it->first.Scalar())) actions.push_back(it->first.Scalar());
    if (actions.empty()) reader_.fail(node, where + " has no action: give one of " + one_of(action_keys));
    if (actions.size() > 1)
      reader_.fail(reader_.key_node(node, actions[1]), where + " has two actions, '" + actions[0] + "' and '" +
                                                           actions[1] + "': write one action per step");
    if (actions[0] != "tunnel")
      for (const auto& key : tunnel_option_keys)
        if (node[key])
          reader_.fail(reader_.key_node(node, key), "'" + key + "' in " + where + " goes with 'tunnel: restart' or 'tunnel: start'");

    if (node["name"]) step.name = text(node, "name", where);
    if (node["follow_redirects"]) {
      if (!contains(navigating_actions, actions[0]))
        reader_.fail(reader_.key_node(node, "follow_redirects"),
                     "'follow_redirects' in " + where + " goes with " + one_of(navigating_actions) + ", not '" + actions[0] + "'");
      step.follow_redirects = flag(node, "follow_redirects", where);
    }
    step.action = read_action(node, actions[0], where);
    if (node["expect"]) step.expect = read_expect(value(node, "expect", where), step.action, where);
    if (node["warn_unless"])
      step.warn_unless = read_expect(value(node, "warn_unless", where), step.action, where, "warn_unless");
    if (std::holds_alternative<action::Open>(step.action) || std::holds_alternative<action::ForgeCallback>(step.action) ||
        std::holds_alternative<action::Consent>(step.action) || std::holds_alternative<action::Submit>(step.action))
      browser_used_ = true;
    if (contains(navigating_actions, actions[0]) || actions[0] == "follow") stopped_at_redirect_ = !step.follow_redirects;
    return step;
  }

  Action read_action(const YAML::Node& step, const std::string& key, const std::string& where) {
    const YAML::Node node = value(step, key, where);
    const std::string what = "'" + key + "' in " + where;
    if (key == "open") return action::Open{url(step, key, where)};
    if (key == "consent") {
      if (world_.consent == mock_discord::ConsentMode::auto_approve)
        reader_.fail(node, where + " presses a consent button, but 'consent: auto' in the discord: section shows no consent page");
      return action::Consent{choice(step, key, where, {"approve", "deny"}) == "approve"};
    }
    if (key == "replay") {
      choice(step, key, where, {"callback"});
      if (!browser_used_) reader_.fail(node, where + " replays the last callback, but no earlier step opened a page");
      return action::Replay{};
    }
    if (key == "forge_callback") return read_forge_callback(step, where);
    if (key == "submit") return read_submit(node, where);
    if (key == "follow") {
      choice(step, key, where, {"redirect"});
      if (!stopped_at_redirect_)
        reader_.fail(node, where + " follows a redirect, but the step before it that navigated did not stop at one "
                               "(give that step 'follow_redirects: false')");
      return action::Follow{};
    }
    if (key == "request") return read_request(node, where);
    if (key == "clock") {
      support::Duration by = reader_.duration(node, what);
      if (by.count() <= 0) reader_.fail(node, what + " must move the clock forward (like +101s)");
      return action::Clock{by};
    }
    if (key == "tunnel") return read_tunnel(step, where);
    if (key == "app") {
      if (scenario_.app.kind == AppSpec::Kind::none)
        reader_.fail(node, where + " controls the app, but the app: section says 'kind: none'");
      std::string control = choice(step, key, where, {"restart", "stop", "start"});
      return action::App{control == "restart" ? action::App::Action::restart
                                              : control == "stop" ? action::App::Action::stop : action::App::Action::start};
    }
    if (key == "fail") return action::Fail{mock_discord::parse_failure_rule(reader_, node, where)};
    if (key == "discord") return read_discord_change(node, where);
    // wait
    support::Duration duration = reader_.duration(node, what);
    if (duration > longest_wait)
      reader_.fail(node, what + " is longer than " + support::format_duration(longest_wait) +
                             "; advance the virtual clock with 'clock:' instead");
    return action::Wait{duration};
  }

  action::ForgeCallback read_forge_callback(const YAML::Node& step, const std::string& where) {
    YAML::Node node = value(step, "forge_callback", where);
    if (scenario_.app.kind == AppSpec::Kind::none)
      reader_.fail(node, where + " forges a callback to the app, but the app: section says 'kind: none'");
    action::ForgeCallback forge;
    if (node.IsScalar()) {  // forge_callback: mallory
      forge.as = user(step, "forge_callback", where);
      return forge;
    }
    const std::string inner = "'forge_callback' of " + where;
    reader_.check_map(node, forge_callback_keys, inner);
    reader_.require(node, "as", inner);
    forge.as = user(node, "as", inner);
    if (node["state"]) {
      std::string state = text(node, "state", inner);
      if (state == "none") {
        forge.state_mode = action::ForgeCallback::StateMode::none;
      } else if (state == "random") {
        forge.state_mode = action::ForgeCallback::StateMode::random;
      } else {
        forge.state_mode = action::ForgeCallback::StateMode::literal;
        forge.state = state;
      }
    }
    return forge;
  }

  // submit: ID, or {form: ID, action: URL prefix, fields: {...}}; none: the page's only form.
  action::Submit read_submit(const YAML::Node& node, const std::string& step_where) {
    if (!browser_used_) reader_.fail(node, step_where + " submits a form, but no earlier step opened a page");
    action::Submit submit;
    if (node.IsScalar()) {
      submit.form = reader_.string(node, "'submit' in " + step_where);
      if (submit.form.empty()) reader_.fail(node, "'submit' takes a form id, or a map");
      return submit;
    }
    const std::string where = "'submit' of " + step_where;
    if (!node.IsMap()) reader_.fail(node, where + " is a form id or a map with form, action and fields");
    reader_.check_map(node, submit_keys, where);
    if (node["form"]) submit.form = text(node, "form", where);
    if (node["action"]) submit.action = url(node, "action", where);
    if (node["fields"]) {
      YAML::Node fields = value(node, "fields", where);
      if (!fields.IsMap()) reader_.fail(fields, "'fields' in " + where + " is a map of field names to values");
      submit.fields = read_form(fields, where);
    }
    return submit;
  }

  action::Request read_request(const YAML::Node& node, const std::string& step_where) {
    const std::string where = "'request' of " + step_where;
    reader_.check_map(node, request_keys, where);
    reader_.require(node, "url", where);
    action::Request request;
    request.url = url(node, "url", where);

    std::vector<std::string> bodies;
    for (const char* key : {"form", "json", "body"})
      if (node[key]) bodies.push_back(key);
    if (bodies.size() > 1)
      reader_.fail(reader_.key_node(node, bodies[1]),
                   "a request sends one body: 'form', 'json' or 'body', found '" + bodies[0] + "' and '" + bodies[1] + "'");
    if (node["form"]) request.form = read_form(value(node, "form", where), where);
    if (node["json"]) request.json = json(value(node, "json", where), false);
    if (node["body"]) request.body = reader_.string(node["body"], "'body' in " + where);

    if (node["method"]) {
      YAML::Node method = value(node, "method", where);
      request.method = reader_.string(method, "'method' in " + where);
      bool token = !request.method.empty() && std::all_of(request.method.begin(), request.method.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c));
      });
      if (!token) reader_.fail(method, "'method' is an HTTP method in capitals like GET or POST, found '" + request.method + "'");
    } else if (!bodies.empty()) {
      request.method = "POST";
    }

    if (node["headers"]) {
      YAML::Node headers = value(node, "headers", where);
      if (!headers.IsMap()) reader_.fail(headers, "'headers' in " + where + " is a map of names to values");
      for (auto it = headers.begin(); it != headers.end(); ++it) {
        std::string name = reader_.string(it->first, "a header name");
        if (!support::text::is_http_token(name)) reader_.fail(it->first, "not a header name: '" + name + "'");
        std::string header_value = it->second.IsNull() ? "" : reader_.string(it->second, "the header '" + name + "'");
        if (header_value.find_first_of("\r\n") != std::string::npos)
          reader_.fail(it->second, "the header '" + name + "' must be one line");
        request.headers.emplace_back(name, header_value);
      }
    }
    if (node["basic"] && node["bearer"])
      reader_.fail(reader_.key_node(node, "bearer"), "a request authenticates with 'basic' or 'bearer', not both");
    if (node["basic"]) {
      YAML::Node basic = value(node, "basic", where);
      std::vector<std::string> pair = reader_.string_list(basic, "'basic' in " + where);
      if (pair.size() != 2) reader_.fail(basic, "'basic' is [client_id, secret], found " + std::to_string(pair.size()) + " items");
      request.basic = std::make_pair(pair[0], pair[1]);
    }
    if (node["bearer"]) request.bearer = text(node, "bearer", where);
    if (node["timeout"]) request.timeout = positive_duration(node, "timeout", where);
    return request;
  }

  // A map (name: value), or a list of one-entry maps when a name repeats.
  support::Params read_form(const YAML::Node& node, const std::string& where) const {
    support::Params form;
    auto add = [&](const YAML::Node& key, const YAML::Node& field) {
      std::string name = reader_.string(key, "a form field name");
      form.emplace_back(name, field.IsNull() ? "" : reader_.string(field, "the form field '" + name + "'"));
    };
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) add(it->first, it->second);
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        if (!item.IsMap() || item.size() != 1)
          reader_.fail(item, "each item of a 'form' list is one field, like {code: abc}");
        add(item.begin()->first, item.begin()->second);
      }
    } else {
      reader_.fail(node, "'form' in " + where + " is a map of fields (or a list of one-field maps), found " + kind(node));
    }
    return form;
  }

  action::Tunnel read_tunnel(const YAML::Node& step, const std::string& where) {
    YAML::Node node = value(step, "tunnel", where);
    if (scenario_.app.tunnel != AppSpec::Tunnel::ngrok)
      reader_.fail(node, where + " controls the tunnel, but the scenario has none: set 'tunnel: ngrok' in the app: section");
    action::Tunnel tunnel;
    std::string control = choice(step, "tunnel", where, {"restart", "stop", "start"});
    tunnel.action = control == "restart" ? action::Tunnel::Action::restart
                                         : control == "stop" ? action::Tunnel::Action::stop : action::Tunnel::Action::start;
    if (tunnel.action == action::Tunnel::Action::stop)
      for (const auto& key : tunnel_option_keys)
        if (step[key])
          reader_.fail(reader_.key_node(step, key), "'" + key + "' goes with 'tunnel: restart' or 'tunnel: start', not stop");
    if (step["update_app"]) tunnel.update_app = flag(step, "update_app", where);
    if (step["update_registration"]) tunnel.update_registration = flag(step, "update_registration", where);
    return tunnel;
  }

  action::Discord read_discord_change(const YAML::Node& node, const std::string& step_where) {
    const std::string where = "'discord' of " + step_where;
    reader_.check_map(node, discord_change_keys, where);
    action::Discord change;
    if (node["revoke_tokens_of"]) change.revoke_tokens_of = user(node, "revoke_tokens_of", where);
    if (node["signed_in"]) {
      // Empty or null signs everybody out.
      YAML::Node signed_in = node["signed_in"];
      if (signed_in.IsNull() || (signed_in.IsScalar() && signed_in.Scalar().empty()))
        change.signed_in = "";
      else
        change.signed_in = user(node, "signed_in", where);
    }
    if (node["redirect_uris"]) {
      YAML::Node uris = value(node, "redirect_uris", where);
      change.redirect_uris = reader_.string_list(uris, "'redirect_uris' in " + where);
      // The mock's own check; a URI with placeholders is checked once expanded, when the step runs.
      if (auto problem = mock_discord::check_redirect_uris(*change.redirect_uris)) {
        if (!problem->index) reader_.fail(uris, problem->message);
        if ((*change.redirect_uris)[*problem->index].find("${") == std::string::npos)
          reader_.fail(uris[*problem->index], problem->message);
      }
    }
    if (node["application"]) {
      change.application = text(node, "application", where);
      if (!world_.find_application(change.application)) {
        std::vector<std::string> ids;
        for (const auto& app : world_.applications) ids.push_back(app.id);
        reader_.fail(node["application"], "unknown application '" + change.application + "'" +
                                              support::did_you_mean(change.application, ids) + "; the applications are " +
                                              one_of(ids));
      }
      if (!node["redirect_uris"])
        reader_.fail(reader_.key_node(node, "application"), "'application' says whose 'redirect_uris' change; give 'redirect_uris'");
    }
    if (!change.revoke_tokens_of && !change.signed_in && !change.redirect_uris)
      reader_.fail(node, where + " changes nothing: give " + one_of({"revoke_tokens_of", "signed_in", "redirect_uris"}));
    return change;
  }

  // ------------------------------------------------------------ expect ---

  // `block`: expect or warn_unless, which take the same keys.
  Expect read_expect(const YAML::Node& node, const Action& step_action, const std::string& step_where,
                     const std::string& block = "expect") {
    const std::string where = step_where + " " + block;
    reader_.check_map(node, expect_keys, where);
    if (node.size() == 0 || (node.size() == 1 && node["advice"])) reader_.fail(node, where + " lists nothing to check");
    Expect expect;
    expect.line = node.Mark().line + 1;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (support::is_extension_key(key)) continue;
      expect.lines[key] = it->first.Mark().line + 1;
      if (!produces_answer(step_action) && !contains(world_expect_keys, key))
        reader_.fail(it->first, "'" + key + "' checks the answer of a step, but " + step_where + " (" +
                                    action_name(step_action) + ") produces none; only " + one_of(world_expect_keys) +
                                    " can be checked here");
    }
    if (node["status"]) expect.status = read_status(value(node, "status", where));
    if (node["url"]) expect.url = text(node, "url", where);
    if (node["hops"]) {
      YAML::Node hops = value(node, "hops", where);
      expect.hops = reader_.string_list(hops, "'hops' in " + where);
      if (expect.hops->empty()) reader_.fail(hops, "'hops' lists no URL; a step visits at least one");
    }
    expect.body_contains = texts(node, "body_contains", where);
    expect.body_not_contains = texts(node, "body_not_contains", where);
    if (node["json"]) expect.json = json(value(node, "json", where), true);
    if (node["headers"]) expect.headers = read_header_expectations(value(node, "headers", where), where);
    if (node["consent_page"]) expect.consent_page = flag(node, "consent_page", where);
    if (node["signed_in_as"]) expect.signed_in_as = user(node, "signed_in_as", where);
    if (node["not_signed_in_as"]) expect.not_signed_in_as = user(node, "not_signed_in_as", where);
    if (node["tunnel_error"]) {
      YAML::Node code = value(node, "tunnel_error", where);
      expect.tunnel_error = reader_.string(code, "'tunnel_error' in " + where);
      if (!std::regex_match(*expect.tunnel_error, std::regex("ERR_NGROK_[0-9]+")))
        reader_.fail(code, "'tunnel_error' is an ngrok error code like ERR_NGROK_3200, found '" + *expect.tunnel_error + "'");
      if (scenario_.app.tunnel != AppSpec::Tunnel::ngrok)
        reader_.fail(code, "'tunnel_error' needs a tunnel: set 'tunnel: ngrok' in the app: section");
    }
    if (node["discord"]) expect.discord = read_discord_expectation(value(node, "discord", where), where);
    if (node["no_leaks"]) {
      expect.no_leaks = flag(node, "no_leaks", where);
      if (!*expect.no_leaks) reader_.fail(node["no_leaks"], "'no_leaks: false' checks nothing; write 'no_leaks: true' or leave it out");
    }
    if (node["transport_error"]) expect.transport_error = flag(node, "transport_error", where);
    if (node["handled"]) {
      expect.handled = flag(node, "handled", where);
      if (!*expect.handled) reader_.fail(node["handled"], "'handled: false' expects a crash; write 'status:' or 'transport_error: true'");
    }
    if (node["no_leaks_in_app_log"]) {
      expect.no_leaks_in_app_log = flag(node, "no_leaks_in_app_log", where);
      if (!*expect.no_leaks_in_app_log)
        reader_.fail(node["no_leaks_in_app_log"], "'no_leaks_in_app_log: false' checks nothing; write true or leave it out");
    }
    if (node["advice"]) {
      expect.advice = text(node, "advice", where);
      if (expect.advice.find_first_not_of(" \t\n") == std::string::npos) reader_.fail(node["advice"], "'advice' is empty");
    }
    return expect;
  }

  std::vector<int> read_status(const YAML::Node& node) const {
    std::vector<int> codes;
    if (node.IsSequence()) {
      if (node.size() == 0) reader_.fail(node, "'status' lists no status code");
      for (const auto& item : node) codes.push_back(static_cast<int>(reader_.integer(item, "'status'", 100, 599)));
    } else {
      codes.push_back(static_cast<int>(reader_.integer(node, "'status'", 100, 599)));
    }
    return codes;
  }

  std::vector<std::string> texts(const YAML::Node& map, const std::string& key, const std::string& where) const {
    if (!map[key]) return {};
    YAML::Node node = value(map, key, where);
    std::vector<std::string> values = reader_.string_list(node, "'" + key + "' in " + where, true);
    if (values.empty()) reader_.fail(node, "'" + key + "' lists no text");
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i].empty()) reader_.fail(node.IsSequence() ? node[i] : node, "'" + key + "' with an empty text checks nothing");
    return values;
  }

  std::vector<HeaderExpectation> read_header_expectations(const YAML::Node& node, const std::string& where) const {
    if (!node.IsMap() || node.size() == 0)
      reader_.fail(node, "'headers' in " + where + " is a map of header names to values (null: absent)");
    std::vector<HeaderExpectation> headers;
    for (auto it = node.begin(); it != node.end(); ++it) {
      HeaderExpectation header;
      header.name = reader_.string(it->first, "a header name");
      if (!support::text::is_http_token(header.name)) reader_.fail(it->first, "not a header name: '" + header.name + "'");
      for (const auto& earlier : headers)
        if (strcasecmp(earlier.name.c_str(), header.name.c_str()) == 0)
          reader_.fail(it->first, "the header '" + header.name + "' is listed twice (names are case-insensitive)");
      if (!it->second.IsNull()) {
        header.value = reader_.string(it->second, "the header '" + header.name + "'");
        check_pattern(it->second, *header.value);
      }
      headers.push_back(header);
    }
    return headers;
  }

  DiscordExpectation read_discord_expectation(const YAML::Node& node, const std::string& expect_where) const {
    const std::string where = "'discord' of " + expect_where;
    reader_.check_map(node, expect_discord_keys, where);
    if (node.size() == 0) reader_.fail(node, where + " lists nothing to check");
    DiscordExpectation expectation;
    if (node["requests"]) {
      YAML::Node requests = value(node, "requests", where);
      reader_.check_map(requests, request_count_keys(), "'requests' of " + where);
      if (requests.size() == 0) reader_.fail(requests, "'requests' lists no endpoint");
      for (auto it = requests.begin(); it != requests.end(); ++it)
        if (!support::is_extension_key(it->first.Scalar()))
          expectation.requests[it->first.Scalar()] = read_count(it->second, "the count of " + it->first.Scalar());
    }
    if (node["codes_redeemed"])
      expectation.codes_redeemed = static_cast<int>(reader_.integer(node["codes_redeemed"], "'codes_redeemed'", 0, 1000000000));
    if (node["active_tokens"])
      expectation.active_tokens = static_cast<int>(reader_.integer(node["active_tokens"], "'active_tokens'", 0, 1000000000));
    return expectation;
  }

  // N, or {min: N, max: M} with either bound (an extension).
  CountRange read_count(const YAML::Node& node, const std::string& what) const {
    constexpr int most = 1000000000;
    CountRange range;
    if (!node.IsMap()) {
      range.min = range.max = static_cast<int>(reader_.integer(node, what, 0, most));
      return range;
    }
    reader_.check_map(node, count_range_keys, what);
    if (!node["min"] && !node["max"]) reader_.fail(node, what + " gives neither 'min' nor 'max'");
    range.max = std::numeric_limits<int>::max();
    if (node["min"]) range.min = static_cast<int>(reader_.integer(node["min"], "'min' of " + what, 0, most));
    if (node["max"]) range.max = static_cast<int>(reader_.integer(node["max"], "'max' of " + what, 0, most));
    if (range.min > range.max) reader_.fail(node, what + ": 'min' is above 'max'");
    return range;
  }

  const YamlReader& reader_;
  Scenario& scenario_;
  mock_discord::Config world_;  // the `discord:` section read with stand-in values
  std::unique_ptr<PlaceholderRules> rules_;
  bool browser_used_ = false;
  bool stopped_at_redirect_ = false;  // the last navigating step had follow_redirects: false
};

Scenario load(std::shared_ptr<const support::SourceText> source) {
  Scenario scenario;
  scenario.file = source->path();
  auto reader = std::make_shared<const YamlReader>(std::move(source));
  ScenarioLoader(reader, scenario).load();
  return scenario;
}

}  // namespace

Scenario load_scenario(const std::string& path) { return load(support::SourceText::read_file(path)); }

Scenario load_scenario_text(const std::string& name, const std::string& text) {
  return load(std::make_shared<const support::SourceText>(name, text));
}

const std::map<std::string, std::vector<std::string>>& scenario_key_tables() {
  static const std::map<std::string, std::vector<std::string>> tables = {
      {"scenario", top_level_keys},           {"app", app_keys},
      {"step", step_keys()},                  {"forge_callback", forge_callback_keys},
      {"submit", submit_keys},                {"request", request_keys},
      {"discord_change", discord_change_keys}, {"expect", expect_keys},
      {"expect_discord", expect_discord_keys}, {"request_counts", request_count_keys()},
      {"count_range", count_range_keys}};
  return tables;
}

}  // namespace harness
