// The project's reference login app (client::ReferenceApp) as an app under
// test, in this process: no fork, no readiness polling, its log lines kept
// as its output. Each start builds a new ReferenceApp, so a restart loses
// every session, as a restarted process does.
#include <optional>

#include "client/reference_app.hpp"
#include "harness/app_under_test.hpp"

namespace harness {

namespace {

client::AppConfig reference_config(const AppSettings& settings, int port) {
  client::AppConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.pkce = settings.pkce;
  config.login_path = settings.login_path;
  config.oauth.client_id = settings.client_id;
  config.oauth.client_secret = settings.client_secret;
  config.oauth.redirect_uri = settings.redirect_uri;
  config.oauth.scopes = settings.scopes;
  config.oauth.authorize_url = settings.authorize_url;
  config.oauth.token_url = settings.token_url;
  config.oauth.api_base = settings.api_base;
  if (!settings.ca_file.empty()) config.oauth.transport.ca_cert_path = settings.ca_file;
  if (settings.discord_timeout) {
    config.oauth.transport.connect_timeout = *settings.discord_timeout;
    config.oauth.transport.read_timeout = *settings.discord_timeout;
  }
  return config;
}

class ReferenceAppUnderTest : public AppUnderTest {
 public:
  ~ReferenceAppUnderTest() override { stop(); }

  void start(const AppSettings& settings) override {
    stop();
    if (settings.port != 0) port_ = settings.port;
    try {
      app_.emplace(reference_config(settings, port_), [this](const std::string& line) { output_.append(line + "\n"); });
    } catch (const support::InputError& error) {
      throw AppStartError(std::string("the reference app refused its settings: ") + error.what());
    }
    port_ = app_->start();
  }

  void stop() override {
    if (app_) app_->stop();
    app_.reset();
  }

  bool is_running() const override { return app_.has_value(); }
  int port() const override { return port_; }
  std::string output() const override { return output_.text(); }
  std::string describe() const override { return "reference app"; }

 private:
  OutputBuffer output_;
  int port_ = 0;
  std::optional<client::ReferenceApp> app_;
};

}  // namespace

std::unique_ptr<AppUnderTest> make_reference_app() { return std::make_unique<ReferenceAppUnderTest>(); }

}  // namespace harness
