// The harness's HTTPS proxy (HTTP CONNECT, RFC 9110 9.3.6) for an app under
// test when the harness stands in for discord.com: programs that honour
// HTTPS_PROXY (Go's net/http, Python's requests, curl, Ruby, Java with
// -Dhttps.proxyHost) ask it for `CONNECT discord.com:443` and get a tunnel
// to the mock's TLS port; every other host is refused with a 403 whose
// reason phrase names the host, so that the client's own error says why.
// The proxy never connects anywhere but the loopback ports `route` gives.
//
// Bounded: a request head of at most 8 KiB read within head_timeout, at most
// max_connections at once (more are refused with 503), and stop() ends every
// tunnel at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace harness {

struct ConnectProxyOptions {
  // The 127.0.0.1 port that host:port is tunnelled to, or nullopt: refused.
  std::function<std::optional<int>(const std::string& host, int port)> route;
  // Told about every refusal ("example.com:443"), from the proxy's threads.
  std::function<void(const std::string& authority)> on_refusal;
  std::size_t max_connections = 64;
  std::chrono::milliseconds head_timeout{10000};
};

class ConnectProxy {
 public:
  explicit ConnectProxy(ConnectProxyOptions options);
  ~ConnectProxy();  // stops
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  // Listens on 127.0.0.1 (port 0) and returns the port. Throws support::SystemError.
  int start();
  // Idempotent: closes the listener and every tunnel, joins every thread.
  void stop();
  int port() const;
  // "host:port" of every refused request so far, oldest first (at most 100).
  std::vector<std::string> refused() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness
