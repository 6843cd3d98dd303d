// The harness's name resolution: which hostnames exist and where their
// requests go. Loopback names reach 127.0.0.1 at the URL's port; other names
// must be listed, either as a local port or as an in-process handler (the
// tunnel's *.ngrok-free.app hosts, which only the harness can resolve).
// Anything else fails like a real browser's ERR_NAME_NOT_RESOLVED.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/http_exchange.hpp"

namespace harness {

class HostTable {
 public:
  using Handler = std::function<HttpResult(const HttpRequest&)>;

  // Where a request went, for hops and reports.
  struct Route {
    enum class Kind { local_port, handler, unresolved } kind = Kind::unresolved;
    int port = 0;      // local_port
    std::string name;  // handler: the name given at registration
  };

  // `host` (any URL port) is served by 127.0.0.1:port over plain HTTP.
  void map_to_port(const std::string& host, int port);
  // 127.0.0.1:port speaks https with a certificate from `trust`'s CA:
  // https URLs routed there are verified against it and their host name.
  void serve_https(int port, std::shared_ptr<const TlsTrust> trust);
  // `pattern` is an exact host or "*.suffix" (every subdomain of suffix).
  // Handlers get https URLs as they are: they stand for a TLS endpoint.
  void map_to_handler(const std::string& pattern, const std::string& name, Handler handler);
  void unmap(const std::string& host_or_pattern);

  Route resolve(const support::Url& url) const;
  // Resolves and sends. https to a plain local port fails with
  // ERR_SSL_PROTOCOL_ERROR, as a browser talking TLS to an HTTP server does;
  // http to an https port is sent as it is (the server answers it).
  HttpResult send(const HttpRequest& request, const TransportOptions& options = {}) const;

 private:
  struct HandlerEntry {
    std::string name;
    Handler handler;
  };
  const HandlerEntry* find_handler(const std::string& host) const;

  std::map<std::string, int> ports_;
  std::map<int, std::shared_ptr<const TlsTrust>> https_ports_;
  std::map<std::string, HandlerEntry> handlers_;  // exact host or "*.suffix"
};

// 127.0.0.1 (any 127/8 address), ::1, localhost and *.localhost.
bool is_loopback_host(const std::string& host);

}  // namespace harness
