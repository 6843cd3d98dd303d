// Shared by the client tests: an embedded mock Discord, transport options
// that record waits instead of sleeping, and a tiny browser that follows
// redirects, maps a public host to the local app (as a tunnel does) and
// carries cookies by hand.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/app_config.hpp"
#include "client/http_transport.hpp"
#include "client/oauth_config.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "support/url.hpp"

namespace client_tests {

constexpr const char* kAppOrigin = "http://app.test";  // the app's public origin in the tests
constexpr const char* kClientId = "157730590492196864";
constexpr const char* kClientSecret = "mock-secret";

// Every wait the transport asked for, instead of sleeping through it. The
// time still passes where it matters: `passes_time` moves the mock's clock
// (MockDiscord::keep_time), so a 429's hold ends as it would after a real wait.
struct WaitLog {
  std::mutex mutex;
  std::vector<client::Milliseconds> waits;
  std::function<void(client::Milliseconds)> passes_time;
  std::vector<client::Milliseconds> all() {
    std::lock_guard<std::mutex> lock(mutex);
    return waits;
  }
};

inline client::TransportOptions quick_transport(const std::shared_ptr<WaitLog>& log) {
  client::TransportOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.read_timeout = std::chrono::seconds(10);
  options.max_attempts = 3;
  options.backoff_initial = client::Milliseconds(1);
  options.backoff_max = client::Milliseconds(4);
  options.max_retry_after = client::Milliseconds(500);
  options.sleep = [log](client::Milliseconds wait) {
    std::function<void(client::Milliseconds)> passes_time;
    {
      std::lock_guard<std::mutex> lock(log->mutex);
      log->waits.push_back(wait);
      passes_time = log->passes_time;
    }
    if (passes_time) passes_time(wait);
  };
  return options;
}

// The mock Discord on a free port, with the spec's defaults for an app at
// kAppOrigin.
struct MockDiscord {
  mock_discord::Server server;
  explicit MockDiscord(mock_discord::Config config = mock_discord::Config::defaults(kAppOrigin))
      : server(std::move(config)) {
    server.start();
    server.failures().set_clock([this] { return server.world().now_ms(); });
  }
  // The waits `log` records pass on this mock's clock.
  void keep_time(WaitLog& log) {
    std::lock_guard<std::mutex> lock(log.mutex);
    log.passes_time = [this](client::Milliseconds wait) { server.advance_clock(wait); };
  }
  int count(const std::string& endpoint) const {
    auto counts = server.request_counts();
    auto it = counts.find(endpoint);
    return it == counts.end() ? 0 : it->second;
  }
  // The count once it reaches `expected` (or after 5 s): the mock journals a
  // request just after answering it, so the entry can trail the answer a little.
  int count(const std::string& endpoint, int expected) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (count(endpoint) < expected && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return count(endpoint);
  }
  // The OAuth settings of the default application against this mock.
  client::OAuthConfig oauth_config(const std::shared_ptr<WaitLog>& waits,
                                   std::vector<std::string> scopes = {"identify", "email"}) const {
    client::OAuthConfig config;
    config.client_id = kClientId;
    config.client_secret = kClientSecret;
    config.redirect_uri = std::string(kAppOrigin) + "/callback";
    config.scopes = std::move(scopes);
    config.authorize_url = server.url() + "/oauth2/authorize";
    config.token_url = server.url() + "/api/oauth2/token";
    config.api_base = server.url() + "/api/v10";
    config.transport = quick_transport(waits);
    return config;
  }
};

inline mock_discord::Config auto_consent_config() {
  auto config = mock_discord::Config::defaults(kAppOrigin);
  config.consent = mock_discord::ConsentMode::auto_approve;
  return config;
}

inline mock_discord::FailureRule failure(mock_discord::Endpoint endpoint, mock_discord::FailureRule::Kind kind,
                                         std::optional<int> times = 1) {
  mock_discord::FailureRule rule;
  rule.endpoint = endpoint;
  rule.kind = kind;
  rule.times = times;
  return rule;
}

inline mock_discord::FailureRule status_failure(mock_discord::Endpoint endpoint, int status,
                                                std::optional<int> times = 1) {
  auto rule = failure(endpoint, mock_discord::FailureRule::Kind::status, times);
  rule.status = status;
  return rule;
}

inline mock_discord::FailureRule reset_failure(mock_discord::Endpoint endpoint, std::optional<int> times = 1) {
  auto rule = failure(endpoint, mock_discord::FailureRule::Kind::fault, times);
  rule.fault = mock_discord::Fault::reset;
  return rule;
}

inline mock_discord::FailureRule rate_limit_failure(mock_discord::Endpoint endpoint, double retry_after,
                                                    std::optional<int> times = 1) {
  auto rule = failure(endpoint, mock_discord::FailureRule::Kind::rate_limit, times);
  rule.retry_after = retry_after;
  rule.scope = "user";
  return rule;
}

struct Hop {
  std::string url;
  int status = 0;
};

struct BrowserPage {
  int status = 0;
  std::string url;  // the final URL
  std::string body;
  httplib::Headers headers;
  std::vector<Hop> hops;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A browser with a cookie jar per host that follows redirects; requests to a
// mapped public origin go to the local app with that Host header (and
// X-Forwarded-Proto for https), as through a tunnel.
class Browser {
 public:
  void map_origin(const std::string& public_origin, int local_port) { routes_[public_origin] = local_port; }

  BrowserPage open(const std::string& url, int max_hops = 10) { return follow(send("GET", url, ""), max_hops); }
  BrowserPage post_form(const std::string& url, const support::Params& form, int max_hops = 10) {
    return follow(send("POST", url, support::build_form(form)), max_hops);
  }
  // One request, no redirect followed.
  BrowserPage get_once(const std::string& url) { return send("GET", url, ""); }

  std::string cookie(const std::string& host, const std::string& name) const {
    auto jar = jars_.find(host);
    if (jar == jars_.end()) return "";
    auto it = jar->second.find(name);
    return it == jar->second.end() ? "" : it->second.value;
  }
  std::vector<std::string> set_cookie_headers;  // every Set-Cookie seen, in order
  std::vector<std::string> visited;             // every URL requested

 private:
  struct Cookie {
    std::string value;
    bool secure = false;
  };

  BrowserPage send(const std::string& method, const std::string& url_text, const std::string& form) {
    visited.push_back(url_text);
    auto url = support::parse_url(url_text);
    if (!url) throw std::runtime_error("browser: bad URL " + url_text);
    std::string origin = url->origin();
    auto route = routes_.find(origin);
    std::string target = route == routes_.end() ? origin : "http://127.0.0.1:" + std::to_string(route->second);
    httplib::Client http(target);
    http.set_tcp_nodelay(true);
    http.set_read_timeout(std::chrono::seconds(20));
    httplib::Headers headers;
    if (route != routes_.end()) {
      headers.emplace("Host", url->explicit_port ? url->host + ":" + std::to_string(url->port) : url->host);
      if (url->scheme == "https") headers.emplace("X-Forwarded-Proto", "https");
    }
    std::string cookies;
    for (const auto& [name, cookie] : jars_[url->host])
      if (!cookie.secure || url->scheme == "https") cookies += (cookies.empty() ? "" : "; ") + name + "=" + cookie.value;
    if (!cookies.empty()) headers.emplace("Cookie", cookies);
    httplib::Result result = method == "POST"
                                 ? http.Post(url->target().c_str(), headers, form, "application/x-www-form-urlencoded")
                                 : http.Get(url->target().c_str(), headers);
    if (!result) throw std::runtime_error("browser: no answer from " + url_text + ": " + httplib::to_string(result.error()));
    BrowserPage page;
    page.status = result->status;
    page.url = url_text;
    page.body = result->body;
    page.headers = result->headers;
    page.hops.push_back({url_text, result->status});
    auto range = result->headers.equal_range("Set-Cookie");
    for (auto it = range.first; it != range.second; ++it) store_cookie(url->host, it->second);
    return page;
  }

  BrowserPage follow(BrowserPage page, int max_hops) {
    std::vector<Hop> hops = page.hops;
    while (page.status >= 300 && page.status < 400 && page.header("Location") != "" && max_hops-- > 0) {
      auto base = support::parse_url(page.url);
      auto next = support::resolve_url(*base, page.header("Location"));
      if (!next) throw std::runtime_error("browser: bad Location " + page.header("Location"));
      page = send("GET", next->str(), "");
      hops.push_back(page.hops.front());
    }
    page.hops = hops;
    return page;
  }

  void store_cookie(const std::string& host, const std::string& header) {
    std::string pair = header.substr(0, header.find(';'));
    std::size_t equals = pair.find('=');
    if (equals == std::string::npos) return;
    std::string name = pair.substr(0, equals);
    Cookie cookie{pair.substr(equals + 1), header.find("; Secure") != std::string::npos};
    set_cookie_headers.push_back(header);
    if (header.find("Max-Age=0") != std::string::npos)
      jars_[host].erase(name);
    else
      jars_[host][name] = cookie;
  }

  std::map<std::string, int> routes_;
  std::map<std::string, std::map<std::string, Cookie>> jars_;
};

}  // namespace client_tests
