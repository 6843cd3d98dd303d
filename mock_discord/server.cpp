// mock_discord::Server: assembles the world, the failure rules, the journal,
// the Discord routes and the admin API behind the front door, which owns
// the public socket and calls them in-process.
#include "mock_discord/server.hpp"

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "mock_discord/admin.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/front_door.hpp"
#include "mock_discord/rate_limits.hpp"
#include "mock_discord/routes.hpp"
#include "mock_discord/world.hpp"
#include "support/errors.hpp"

namespace mock_discord {
namespace {

std::string url_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "[::1]";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::mutex base_mutex;  // not `lifecycle`: stop() holds that while admin handlers finish
  Config base;            // what reset() returns to
  World world;
  FailureEngine failures;
  Journal journal;
  std::unique_ptr<FrontDoor> front_door;

  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;
  // Read by url() from any thread (admin handlers, tests) while start() may write it.
  std::atomic<int> port{0};

  Impl(Config config, ServerOptions options_)
      : options(std::move(options_)), base(config), world(config), failures(config.failures) {}
};

Server::Server(Config config, ServerOptions options) : impl_(std::make_unique<Impl>(std::move(config), std::move(options))) {}

Server::~Server() { stop(); }

int Server::start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->stopped) throw support::SystemError("mock_discord: a stopped server cannot start again");
  if (impl_->started) return impl_->port;

  FrontDoorOptions door;
  door.transport.host = impl_->options.host;
  door.transport.port = impl_->options.port;
  door.transport.loops = impl_->options.threads;
  door.transport.max_connections = impl_->options.max_connections;
  if (impl_->options.tls) door.transport.tls = TransportTls{impl_->options.tls->cert_pem, impl_->options.tls->key_pem};
  door.admin_token = impl_->options.admin_token;
  door.route_limit = [this](Endpoint endpoint) { return route_limit(impl_->world, endpoint); };
  door.discord = [this](const httplib::Request& request, httplib::Response& response) {
    handle_discord(impl_->world, request, response);
  };
  door.admin = admin_routes(*this);
  impl_->front_door =
      std::make_unique<FrontDoor>(door, impl_->failures, impl_->journal, [this] { return impl_->world.now_ms(); });
  try {
    impl_->port = impl_->front_door->start();
  } catch (...) {
    impl_->front_door.reset();
    throw;
  }
  impl_->started = true;
  return impl_->port;
}

void Server::stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (!impl_->started) return;
  impl_->front_door->stop();
}

int Server::port() const { return impl_->port; }

std::string Server::url() const {
  return (tls() ? "https://" : "http://") + url_host(impl_->options.host) + ":" + std::to_string(impl_->port);
}

bool Server::tls() const { return impl_->options.tls.has_value(); }
std::string Server::ca_pem() const { return impl_->options.tls ? impl_->options.tls->ca_pem : ""; }

void Server::advance_clock(Duration by) { impl_->world.advance_clock(by); }
void Server::add_failure(const FailureRule& rule) { impl_->failures.add(rule); }
void Server::revoke_tokens_of(const std::string& user) { impl_->world.revoke_tokens_of(user); }
void Server::set_signed_in(const std::string& user) { impl_->world.set_signed_in(user); }

void Server::set_redirect_uris(const std::string& application_id, const std::vector<std::string>& uris) {
  impl_->world.set_redirect_uris(application_id, uris);
}

void Server::reset(Config config) {
  {
    std::lock_guard<std::mutex> lock(impl_->base_mutex);
    impl_->base = config;
  }
  impl_->failures.replace(config.failures);
  impl_->journal.clear();
  impl_->world.reset(std::move(config));
}

void Server::reset() {
  Config config;
  {
    std::lock_guard<std::mutex> lock(impl_->base_mutex);
    config = impl_->base;
  }
  reset(std::move(config));
}

std::string Server::issue_code(const std::string& user, const std::string& application_id,
                               const std::string& redirect_uri, const std::vector<std::string>& scopes,
                               const std::string& state) {
  return impl_->world.issue_code(user, application_id, redirect_uri, scopes, state);
}

std::vector<JournalEntry> Server::journal() const { return impl_->journal.entries(); }
std::map<std::string, int> Server::request_counts() const { return impl_->journal.counts(); }
int Server::codes_redeemed() const { return impl_->world.codes_redeemed(); }
int Server::active_tokens() const { return impl_->world.active_tokens(); }
IssuedValues Server::last_issued() const { return impl_->world.last_issued(); }
std::vector<std::string> Server::secrets() const { return impl_->world.secrets(); }
Config Server::config() const { return impl_->world.config(); }

World& Server::world() { return impl_->world; }
Journal& Server::journal_store() { return impl_->journal; }
FailureEngine& Server::failures() { return impl_->failures; }

}  // namespace mock_discord
