// mock_discord::Server: assembles the world, the failure rules, the journal,
// the internal cpp-httplib server (Discord routes and admin API on
// 127.0.0.1:ephemeral) and the front door on the public port.
#include "mock_discord/server.hpp"

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "mock_discord/admin.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/front_door.hpp"
#include "mock_discord/http_response.hpp"
#include "mock_discord/rate_limits.hpp"
#include "mock_discord/responses.hpp"
#include "mock_discord/routes.hpp"
#include "mock_discord/world.hpp"
#include "support/sockets.hpp"
#include "support/errors.hpp"

namespace mock_discord {
namespace {

// The internal server only ever talks to the front door, which closes
// after each request: a short keep-alive frees its workers at stop().
void configure_internal_server(httplib::Server& http, int threads) {
  http.set_tcp_nodelay(true);
  http.set_socket_options(support::reuse_address_only);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(std::max(1, threads))); };
  http.set_keep_alive_timeout(1);
  http.set_keep_alive_max_count(1);
  // Runs for every status >= 400; a route's own body must survive it.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        send(response, status_message_response(response.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
    send(response, status_message_response(500));
  });
}

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
  httplib::Server http;
  std::thread http_thread;
  std::atomic<bool> listen_returned{false};
  std::unique_ptr<FrontDoor> front_door;

  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;
  int port = 0;

  Impl(Config config, ServerOptions options_)
      : options(std::move(options_)), base(config), world(config), failures(config.failures) {}

  void stop_internal_server() {
    http.stop();
    if (http_thread.joinable()) http_thread.join();
  }
};

Server::Server(Config config, ServerOptions options) : impl_(std::make_unique<Impl>(std::move(config), std::move(options))) {
  configure_internal_server(impl_->http, impl_->options.threads);
  install_discord_routes(impl_->http, impl_->world);
  install_admin_routes(impl_->http, *this);
}

Server::~Server() { stop(); }

int Server::start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->stopped) throw support::SystemError("mock_discord: a stopped server cannot start again");
  if (impl_->started) return impl_->port;

  int internal_port = impl_->http.bind_to_any_port("127.0.0.1");
  if (internal_port < 0) throw support::SystemError("mock_discord: cannot bind the internal server on 127.0.0.1");
  impl_->http_thread = std::thread([this] {
    impl_->http.listen_after_bind();
    impl_->listen_returned = true;
  });
  // cpp-httplib 0.11 has no "ready" signal, and stop() before it runs is ignored.
  while (!impl_->http.is_running() && !impl_->listen_returned) std::this_thread::yield();
  if (!impl_->http.is_running()) {
    impl_->http_thread.join();
    throw support::SystemError("mock_discord: the internal server did not start");
  }

  FrontDoorOptions door;
  door.host = impl_->options.host;
  door.port = impl_->options.port;
  door.upstream_port = internal_port;
  door.admin_token = impl_->options.admin_token;
  door.route_limit = [this](Endpoint endpoint) { return route_limit(impl_->world, endpoint); };
  // Delays and hangs hold a front-door worker but no internal one.
  door.workers = impl_->options.threads + 16;
  impl_->front_door =
      std::make_unique<FrontDoor>(door, impl_->failures, impl_->journal, [this] { return impl_->world.now_ms(); });
  try {
    impl_->port = impl_->front_door->start();
  } catch (...) {
    impl_->front_door.reset();
    impl_->stop_internal_server();
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
  impl_->front_door->stop();  // first: in-flight requests still reach the routes
  impl_->stop_internal_server();
}

int Server::port() const { return impl_->port; }

std::string Server::url() const { return "http://" + url_host(impl_->options.host) + ":" + std::to_string(impl_->port); }

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
