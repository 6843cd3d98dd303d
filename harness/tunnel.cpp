// The ngrok-style tunnel: public hosts, forwarding, ngrok's error pages and
// the free-tier interstitial.
#include "harness/tunnel.hpp"

#include <cstdio>
#include <vector>

#include "support/html.hpp"

namespace harness {

namespace {

constexpr const char* kDomain = ".ngrok-free.app";
constexpr const char* kErrorCodeHeader = "Ngrok-Error-Code";

std::string page(const std::string& code, const std::string& title, const std::string& body_html) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + support::html_escape(title) +
         "</title></head>\n<body data-ngrok-error=\"" + code + "\">\n<h1>" + support::html_escape(title) + "</h1>\n" +
         body_html + "\n<p><code>" + code + "</code></p>\n</body>\n</html>\n";
}

// The name=value pairs of a Cookie header.
std::vector<std::string> cookie_pairs(const std::string& header) {
  std::vector<std::string> pairs;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::size_t first = header.find_first_not_of(' ', pos);
    if (first < end) pairs.push_back(header.substr(first, end - first));
    pos = end + 1;
  }
  return pairs;
}

bool is_cookie_named(const std::string& pair, const std::string& name) { return pair.rfind(name + "=", 0) == 0; }

// The Cookie header without the tunnel's own cookie; "" when nothing is left.
std::string without_cookie(const std::string& header, const std::string& name) {
  std::string kept;
  for (const std::string& pair : cookie_pairs(header))
    if (!is_cookie_named(pair, name)) kept += (kept.empty() ? "" : "; ") + pair;
  return kept;
}

bool has_cookie(const std::string& header, const std::string& name) {
  for (const std::string& pair : cookie_pairs(header))
    if (is_cookie_named(pair, name)) return true;
  return false;
}

}  // namespace

Tunnel::Tunnel(int app_port, TunnelOptions options) : options_(std::move(options)), app_port_(app_port) {
  if (options_.seed) generator_.emplace(*options_.seed);
}

std::string Tunnel::new_host() {
  std::string label;
  do {
    if (generator_) {
      char hex[17];
      std::snprintf(hex, sizeof hex, "%012llx", static_cast<unsigned long long>(generator_->next() & 0xffffffffffffULL));
      label = hex;
    } else {
      label = support::secure_hex(6);
    }
  } while (used_hosts_.count(label + kDomain));
  used_hosts_.insert(label + kDomain);
  return label + kDomain;
}

std::string Tunnel::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!up_) {
    if (!host_.empty()) previous_host_ = host_;
    host_ = new_host();
    up_ = true;
  }
  return "https://" + host_;
}

void Tunnel::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  up_ = false;
}

std::string Tunnel::restart() {
  stop();
  return start();
}

bool Tunnel::is_up() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return up_;
}

std::string Tunnel::url() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return host_.empty() ? "" : "https://" + host_;
}

std::string Tunnel::previous_url() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return previous_host_.empty() ? "" : "https://" + previous_host_;
}

void Tunnel::set_app_port(int port) {
  std::lock_guard<std::mutex> lock(mutex_);
  app_port_ = port;
}

int Tunnel::app_port() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return app_port_;
}

void Tunnel::attach(HostTable& hosts) {
  hosts.map_to_handler(host_pattern, "tunnel", [this](const HttpRequest& request) { return handle(request); });
}

HttpResponse Tunnel::error_page(int status, const std::string& code, const std::string& title,
                                const std::string& detail) const {
  HttpResponse response;
  response.status = status;
  response.headers.add("Content-Type", "text/html; charset=utf-8");
  response.headers.add(kErrorCodeHeader, code);
  response.body = page(code, title, "<p>" + support::html_escape(detail) + "</p>");
  return response;
}

bool Tunnel::shows_warning(const HttpRequest& request) const {
  if (!options_.browser_warning || request.headers.has(skip_warning_header)) return false;
  if (request.headers.get("User-Agent").value_or("").find("Mozilla/") == std::string::npos) return false;
  return !has_cookie(request.headers.get("Cookie").value_or(""), skip_warning_cookie);
}

HttpResponse Tunnel::warning_page(const HttpRequest& request) const {
  const std::string code = "ERR_NGROK_6024";
  std::string target = support::html_escape(request.url.str());
  HttpResponse response;
  response.status = 200;
  response.headers.add("Content-Type", "text/html; charset=utf-8");
  response.headers.add(kErrorCodeHeader, code);
  response.headers.add("Set-Cookie", std::string(skip_warning_cookie) +
                                         "=1; Path=/; Max-Age=604800; Secure; HttpOnly; SameSite=Lax");
  response.body = page(code, "You are about to visit " + request.url.host,
                       "<p>This website is served for free through ngrok-free.app. You should only visit it if "
                       "you trust whoever sent the link to you.</p>\n"
                       "<p><a id=\"ngrok-visit-site\" href=\"" + target + "\">Visit Site</a></p>\n"
                       "<p>Developers: send the header ngrok-skip-browser-warning with any value, or a "
                       "non-browser User-Agent, to skip this page.</p>");
  return response;
}

HttpResult Tunnel::handle(const HttpRequest& request) {
  bool live;
  int port;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    live = up_ && request.url.host == host_;
    port = app_port_;
  }
  const std::string& host = request.url.host;
  if (!live)
    return HttpResult::answer(error_page(404, "ERR_NGROK_3200", "The endpoint " + host + " is offline.",
                                         "Tunnel " + host + " not found"));
  if (shows_warning(request)) return HttpResult::answer(warning_page(request));

  HttpRequest forwarded = request;
  forwarded.headers.set("Host", host_header_value(request.url));
  forwarded.headers.set("X-Forwarded-For", options_.client_address);
  forwarded.headers.set("X-Forwarded-Proto", request.url.scheme);
  forwarded.headers.set("X-Forwarded-Host", host);
  if (auto cookie = request.headers.get("Cookie")) {
    std::string kept = without_cookie(*cookie, skip_warning_cookie);
    if (kept.empty()) forwarded.headers.remove("Cookie");
    else forwarded.headers.set("Cookie", kept);
  }
  HttpResult result = send_to_local_port(forwarded, port, options_.transport);
  if (result.ok()) return result;
  return HttpResult::answer(error_page(
      502, "ERR_NGROK_8012", "Traffic reached the ngrok agent, but the agent could not reach the upstream service.",
      "The agent failed to get an answer from the upstream web service at localhost:" + std::to_string(port) +
          " (" + result.error.code + ": " + result.error.message + "). Is your app running?"));
}

std::optional<std::string> tunnel_error_code(const HttpResponse& response) {
  auto code = response.headers.get(kErrorCodeHeader);
  if (!code || code->rfind("ERR_NGROK_", 0) != 0) return std::nullopt;
  return code;
}

}  // namespace harness
