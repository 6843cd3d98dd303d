// Setting up and changing a scenario's world (see scenario_world.hpp).
#include "harness/scenario_world.hpp"
#include "support/text.hpp"
#include "support/tls_identity.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "mock_discord/failures.hpp"
#include "mock_discord/world.hpp"

namespace harness {
namespace {

using support::text::ends_with;

// The run's certificates: one CA per harness run and one certificate per
// set of names, shared by the worlds (they are read-only), since making
// keys and a client context for every world cost more than the scenario
// (docs/benchmarks.md).
struct RunTls {
  support::TlsIdentity identity;
  std::shared_ptr<const TlsTrust> trust;
};

const RunTls& run_tls(bool with_discord_names) {
  static std::mutex mutex;
  static std::optional<RunTls> loopback, discord;
  std::lock_guard<std::mutex> lock(mutex);
  std::optional<RunTls>& slot = with_discord_names ? discord : loopback;
  if (!slot) {
    std::vector<std::string> names = support::loopback_names();
    if (with_discord_names)
      for (const std::string& name : discord_certificate_names()) names.push_back(name);
    // Both sets signed by the same CA: the one the run hands out.
    const std::optional<RunTls>& other = with_discord_names ? loopback : discord;
    support::TlsIdentity identity = support::make_tls_identity(names, other ? &other->identity : nullptr);
    slot = RunTls{identity, other ? other->trust : std::make_shared<const TlsTrust>(identity.ca_pem)};
  }
  return *slot;
}

}  // namespace

ScenarioWorld::ScenarioWorld(const Scenario& scenario, const WorldOptions& options)
    : scenario_(scenario),
      app_spec_(effective_app(scenario.app, options.app, options.app_command.has_value())),
      started_(std::chrono::steady_clock::now()),
      limit_(harness::time_limit(scenario, options)),
      deadline_(started_ + limit_),
      browser_(browser_options()) {
  epoch_at_start_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  lookup_ = with_step_answers(with_url_parts([this](const std::string& name) { return placeholder(name); }),
                              [this](int step) -> std::optional<std::string> {
                                auto found = answer_bodies_.find(step);
                                if (found == answer_bodies_.end()) return std::nullopt;
                                return found->second;
                              });

  // The app's port comes first: ${app} must be known before the mock's world
  // registers ${app}/callback.
  const bool has_app = scenario.app.kind != AppSpec::Kind::none;
  app_port_ = pick_free_port();
  if (scenario.app.tunnel == AppSpec::Tunnel::ngrok) {
    TunnelOptions tunnel_options;
    tunnel_options.browser_warning = scenario.app.tunnel_warning;
    tunnel_options.seed = options.seed;
    tunnel_options.transport.deadline = deadline_;
    tunnel_ = std::make_unique<Tunnel>(app_port_, tunnel_options);
    tunnel_->start();
    tunnel_->attach(browser_.hosts());
  }

  const bool use_command = scenario.app.kind == AppSpec::Kind::command ||
                           (!scenario.app.kind_given && options.app_command.has_value());
  const bool intercept = has_app && app_spec_.intercept_discord;
  // Discord is https only: so is the mock, unless asked otherwise.
  mock_discord::ServerOptions mock_options;
  if (scenario.https && !options.mock_http) {
    const RunTls& tls = run_tls(intercept);
    mock_options.tls = tls.identity;
    trust_ = tls.trust;
    if (has_app) trust_files_ = std::make_unique<TrustFiles>(mock_options.tls->ca_pem);
  } else if (intercept) {
    throw support::InputError(scenario.file + ": 'discord: intercept' needs the mock's https (discord.com is https only): "
                              "remove 'https: false' or --mock-http");
  }

  // The mock starts with the defaults so that ${discord} is known, then
  // takes the scenario's world with every placeholder resolved once.
  mock_ = std::make_unique<mock_discord::Server>(mock_discord::Config::defaults(app_url()), mock_options);
  mock_->start();
  mock_->failures().set_clock([mock = mock_.get()] { return mock->world().now_ms(); });  // 429 holds follow `clock:`
  if (trust_) browser_.hosts().serve_https(mock_->port(), trust_);
  if (intercept) {
    // Before the world is read, so that ${discord} names discord.com throughout.
    if (!use_command)
      throw support::InputError(scenario.file + ": 'discord: intercept' needs an app run as a command (kind: command, "
                                "or --app-cmd): the reference app runs inside the harness");
    stand_in_for_discord();
  }
  auto resolve = [this](const std::string& text) { return expand(text, lookup_); };
  mock_discord::Config config = scenario.discord_config(resolve, app_url(), app_spec_.redirect_path);
  if (options.seed) config.seed = *options.seed;
  mock_->reset(std::move(config));

  callback_prefixes_ = {redirect_uri()};
  browser_.set_callback_prefixes(callback_prefixes_);

  if (!has_app) return;
  if (use_command) {
    CommandAppOptions command;
    command.command = scenario.app.kind == AppSpec::Kind::command ? scenario.app.command : *options.app_command;
    command.cwd = scenario.app.kind == AppSpec::Kind::command ? scenario.app.cwd : "";
    app_ = make_command_app(command);
  } else {
    app_ = make_reference_app();
  }
  app_->start(app_settings());
}

ScenarioWorld::~ScenarioWorld() {
  // The mock first: it ends its hangs, so an app waiting on one is free to stop.
  if (mock_) mock_->stop();
  if (app_) app_->stop();
}

support::Duration time_limit(const Scenario& scenario, const WorldOptions& options) {
  if (scenario.timeout) return *scenario.timeout;
  if (options.timeout) return *options.timeout;
  return default_scenario_timeout;
}

void ScenarioWorld::stand_in_for_discord() {
  interception_ = std::make_unique<DiscordInterception>(mock_->port(), [this](const std::string& authority) {
    if (app_)
      app_->note("refused the app's connection to " + authority +
                 " through the proxy: during a test run only Discord's names reach the mock");
  });
  for (const std::string& name : discord_browser_names()) browser_.hosts().map_to_port(name, mock_->port());
}

std::string ScenarioWorld::discord_url() const { return interception_ ? discord_base_url : mock_->url(); }

bool ScenarioWorld::is_discord_url(const support::Url& url) const {
  if (interception_ && is_discord_host(url.host)) return true;
  return is_loopback_host(url.host) && url.port == mock_->port();
}

std::string ScenarioWorld::app_url() const {
  if (tunnel_) return tunnel_->url();
  return "http://127.0.0.1:" + std::to_string(app_port_);
}

std::string ScenarioWorld::redirect_uri() const { return expand(app_spec_.redirect_uri, lookup_); }

mock_discord::Application ScenarioWorld::application() const {
  mock_discord::Config config = mock_->config();
  if (config.applications.empty()) throw support::InputError(scenario_.file + ": the world has no application");
  return config.applications.front();
}

std::optional<mock_discord::User> ScenarioWorld::find_user(const std::string& name_or_id) const {
  mock_discord::Config config = mock_->config();
  const mock_discord::User* user = config.find_user(name_or_id);
  if (!user) return std::nullopt;
  return *user;
}

BrowserOptions ScenarioWorld::browser_options() {
  BrowserOptions options;
  options.transport.deadline = deadline_;
  if (scenario_.browser_timeout) {
    options.transport.connect_timeout = *scenario_.browser_timeout;
    options.transport.read_timeout = *scenario_.browser_timeout;
  }
  // Cookies expire on the mock's virtual clock, like codes and tokens.
  options.clock = [this] {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(mock_->world().now_ms()));
  };
  return options;
}

AppSettings ScenarioWorld::app_settings() const {
  const mock_discord::Application first = application();
  AppSettings settings;
  settings.port = app_port_;
  settings.client_id = first.id;
  settings.client_secret = first.secret;
  settings.redirect_uri = redirect_uri();
  settings.scopes = app_spec_.scopes;
  settings.authorize_url = discord_url() + "/oauth2/authorize";
  settings.token_url = discord_url() + "/api/oauth2/token";
  settings.api_base = discord_url() + "/api/v10";
  if (interception_) {
    const char* preload = std::getenv("LD_PRELOAD");
    settings.environment = interception_->app_environment(preload ? preload : "");
  }
  if (trust_files_) {
    settings.ca_file = trust_files_->ca_file();
    const char* java = std::getenv("JAVA_TOOL_OPTIONS");
    for (auto& [name, value] : trust_files_->app_environment(java ? java : "")) settings.environment[name] = value;
  }
  settings.pkce = app_spec_.pkce;
  settings.login_path = app_spec_.login_path;
  settings.ready_timeout = std::min<support::Duration>(
      app_spec_.ready_timeout, std::max(std::chrono::duration_cast<support::Duration>(deadline_ - std::chrono::steady_clock::now()),
                                        support::Duration(1)));
  settings.discord_timeout = app_spec_.discord_timeout;
  return settings;
}

void ScenarioWorld::restart_app() {
  if (app_) app_->restart(app_settings());
}

void ScenarioWorld::stop_app() {
  if (app_) app_->stop();
}

void ScenarioWorld::start_app() {
  if (app_ && !app_->is_running()) app_->start(app_settings());
}

void ScenarioWorld::change_tunnel(const action::Tunnel& change) {
  if (!tunnel_) throw support::InputError(scenario_.file + ": the scenario has no tunnel (set app: {tunnel: ngrok})");
  const std::string old_url = tunnel_->url();
  switch (change.action) {
    case action::Tunnel::Action::stop: tunnel_->stop(); return;
    case action::Tunnel::Action::start: tunnel_->start(); break;
    case action::Tunnel::Action::restart: tunnel_->restart(); break;
  }
  const std::string new_url = tunnel_->url();
  if (new_url == old_url) return;
  if (change.update_registration) {
    // The developer edits the registered URI in the Developer Portal: every
    // URI on the old tunnel host now names the new one.
    const mock_discord::Application first = application();
    std::vector<std::string> uris;
    for (const auto& uri : first.redirect_uris)
      uris.push_back(uri.rfind(old_url, 0) == 0 ? new_url + uri.substr(old_url.size()) : uri);
    mock_->set_redirect_uris(first.id, uris);
  }
  if (change.update_app) {
    restart_app();
    // Callbacks to the old URL still count as callbacks (replay: callback).
    callback_prefixes_.push_back(redirect_uri());
    browser_.set_callback_prefixes(callback_prefixes_);
  }
}

double ScenarioWorld::elapsed_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
}

void ScenarioWorld::advance_clock(support::Duration by) {
  mock_->advance_clock(by);
}

double ScenarioWorld::since_start_ms(std::chrono::system_clock::time_point time) const {
  return std::chrono::duration<double, std::milli>(time.time_since_epoch()).count() -
         static_cast<double>(epoch_at_start_ms_);
}

std::string ScenarioWorld::party_of(const support::Url& url) const {
  if (ends_with(url.host, ".ngrok-free.app")) return party::tunnel;
  if (is_discord_url(url)) return party::discord;
  return party::app;
}

std::optional<std::string> ScenarioWorld::placeholder(const std::string& name) const {
  if (name == "discord") return discord_url();
  if (name == "app") return app_url();
  if (name == "login") return app_url() + app_spec_.login_path;
  if (name == "user_page") return app_url() + (app_spec_.user_page.empty() ? "/" : app_spec_.user_page);
  if (name == "tunnel" || name == "tunnel.previous") {
    if (!tunnel_) throw PlaceholderError("${" + name + "} needs a tunnel (set app: {tunnel: ngrok})", 0);
    if (name == "tunnel") return tunnel_->url();
    if (tunnel_->previous_url().empty())
      throw PlaceholderError("${tunnel.previous}: the tunnel has had only one URL so far (no restart yet)", 0);
    return tunnel_->previous_url();
  }
  if (name == "client_id") return application().id;
  if (name == "client_secret") return application().secret;
  const std::string user_prefix = "user.";
  if (name.rfind(user_prefix, 0) == 0 && ends_with(name, ".id") && name.size() > user_prefix.size() + 3) {
    const std::string user_name = name.substr(user_prefix.size(), name.size() - user_prefix.size() - 3);
    auto user = find_user(user_name);
    if (!user) throw PlaceholderError("${" + name + "}: no user '" + user_name + "' in this world", 0);
    return user->id;
  }
  const std::string last_prefix = "last.";
  if (name.rfind(last_prefix, 0) == 0) {
    const mock_discord::IssuedValues issued = mock_->last_issued();
    const std::string field = name.substr(last_prefix.size());
    const std::string* value = field == "code"            ? &issued.code
                               : field == "state"         ? &issued.state
                               : field == "access_token"  ? &issued.access_token
                               : field == "refresh_token" ? &issued.refresh_token
                                                          : nullptr;
    if (!value) return std::nullopt;
    if (value->empty() && field != "state")
      throw PlaceholderError("${" + name + "}: the mock has not issued one yet in this scenario", 0);
    return *value;
  }
  return std::nullopt;
}

}  // namespace harness
