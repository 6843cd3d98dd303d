// The reference login app: the classic tutorial app (/login, /callback, /me)
// done right. Routes: / (a "Login with Discord" page), /login, /callback,
// /me, /logout. Embeddable (the harness runs it in-process) and run by the
// thin program client/main.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "client/app_config.hpp"

namespace client {

// Receives one line per request ("GET /callback 302"), never a token or a
// query string, and the start-up line.
using LogSink = std::function<void(const std::string& line)>;
// Writes each line to stdout and flushes it (a pipe would otherwise hold it).
LogSink stdout_log();

class ReferenceApp {
 public:
  // Throws support::InputError when config.oauth is incomplete or malformed.
  explicit ReferenceApp(AppConfig config, LogSink log = stdout_log());
  ~ReferenceApp();  // stops
  ReferenceApp(const ReferenceApp&) = delete;
  ReferenceApp& operator=(const ReferenceApp&) = delete;

  // Listens on config.host:config.port (0: any free port) and returns the
  // port once it accepts connections. Throws support::SystemError.
  int start();
  // Idempotent. start() after stop() serves on the same port again with no
  // sessions, as a restarted process would.
  void stop();
  int port() const;
  std::string url() const;  // http://HOST:PORT, the local address
  const AppConfig& config() const;
  std::size_t session_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace client
