// One scenario's world: its own mock Discord (embedded, port 0; https with a
// CA made for the run unless the scenario says `https: false`), its own
// app under test (the reference app in-process, or a command, handed the
// CA), an optional simulated ngrok tunnel in front of the app, one browser,
// and the virtual clock of the mock. Nothing that changes is shared between
// worlds (the run's certificates are read-only), so scenarios run in parallel
// and in any order. The world also answers the ${...} placeholders.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "harness/app_contract.hpp"
#include "harness/app_under_test.hpp"
#include "harness/browser.hpp"
#include "harness/discord_interception.hpp"
#include "harness/placeholders.hpp"
#include "harness/scenario.hpp"
#include "harness/trace.hpp"
#include "harness/tls_client.hpp"
#include "harness/trust_files.hpp"
#include "harness/tunnel.hpp"
#include "mock_discord/server.hpp"

namespace harness {

struct WorldOptions {
  std::optional<std::string> app_command;  // --app-cmd: for apps that did not set kind
  std::optional<std::uint64_t> seed;       // --seed: the mock's seed and the tunnel's URLs
  AppOverrides app;                        // --app-*: for apps that did not set kind
  std::optional<support::Duration> timeout;  // --timeout: for scenarios without `timeout:`
  bool mock_http = false;                    // --mock-http: every mock plain http, as `https: false` makes it
};

// Every scenario has a time limit: its own `timeout:`, else --timeout, else this.
constexpr std::chrono::seconds default_scenario_timeout{60};
support::Duration time_limit(const Scenario& scenario, const WorldOptions& options);

class ScenarioWorld {
 public:
  // Sets everything up and starts the app. Throws AppStartError when the app
  // does not come up, support::InputError for a bad `discord:` value,
  // support::SystemError when a port cannot be had.
  ScenarioWorld(const Scenario& scenario, const WorldOptions& options);
  ~ScenarioWorld();  // stops the app, the mock and the tunnel

  const Scenario& scenario() const { return scenario_; }
  // The app this scenario runs against: its app: section with --app-* applied.
  const AppSpec& app_spec() const { return app_spec_; }
  mock_discord::Server& mock() { return *mock_; }
  Browser& browser() { return browser_; }
  Tunnel* tunnel() { return tunnel_.get(); }
  AppUnderTest* app() { return app_.get(); }

  // The placeholder values of this world, live.
  const Lookup& lookup() const { return lookup_; }

  // Keeps a step's answer body for ${step.N.json.PATH}.
  void record_answer(int step, std::string body) { answer_bodies_[step] = std::move(body); }

  // Where Discord is for the app and the browser: https://discord.com when
  // the world stands in for it, else the mock's own URL (${discord}).
  std::string discord_url() const;
  // Whether a URL is Discord's (the mock's port, or one of Discord's names
  // while the world stands in for them).
  bool is_discord_url(const support::Url& url) const;

  // The app's public base URL: the live tunnel URL when a tunnel is on.
  std::string app_url() const;
  // The redirect URI the app is told, expanded now.
  std::string redirect_uri() const;
  // The first application of the mock's world, as it is now.
  mock_discord::Application application() const;
  std::optional<mock_discord::User> find_user(const std::string& name_or_id) const;

  // app: restart|stop|start; tunnel: restart|stop|start (see scenario-format).
  void restart_app();
  void stop_app();
  void start_app();
  void change_tunnel(const action::Tunnel& change);

  // When the scenario's time limit runs out: every wait (the browser, a raw
  // request, the app's start, `wait:`) ends there.
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  support::Duration time_limit() const { return limit_; }

  // Milliseconds since the world was set up, and the virtual clock's offset.
  double elapsed_ms() const;
  void advance_clock(support::Duration by);
  // Where a URL's requests go, as a trace party (discord, app, tunnel).
  std::string party_of(const support::Url& url) const;
  // Milliseconds since the world began at a wall-clock time.
  double since_start_ms(std::chrono::system_clock::time_point time) const;

 private:
  BrowserOptions browser_options();
  AppSettings app_settings() const;
  // The interception, and the browser's names for Discord (command apps only).
  void stand_in_for_discord();
  std::optional<std::string> placeholder(const std::string& name) const;

  const Scenario& scenario_;
  AppSpec app_spec_;
  std::chrono::steady_clock::time_point started_;
  support::Duration limit_;
  std::chrono::steady_clock::time_point deadline_;
  std::int64_t epoch_at_start_ms_ = 0;
  std::shared_ptr<const TlsTrust> trust_;   // the browser's, with https
  std::unique_ptr<TrustFiles> trust_files_;  // the app's, with https
  std::unique_ptr<mock_discord::Server> mock_;
  std::unique_ptr<Tunnel> tunnel_;
  std::unique_ptr<AppUnderTest> app_;
  // After app_: stopped first, since it tells app_ of refused hosts.
  std::unique_ptr<DiscordInterception> interception_;
  int app_port_ = 0;
  Browser browser_;
  std::vector<std::string> callback_prefixes_;
  Lookup lookup_;
  std::map<int, std::string> answer_bodies_;
};

}  // namespace harness
