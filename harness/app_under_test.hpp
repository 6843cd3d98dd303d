// The app under test behind one interface: the project's reference app run
// in-process (reference_app_under_test.cpp) or any program started by the
// app contract of docs/scenario-format.md (command_app.cpp). The
// runner, the tunnel and the browser never know which one they talk to.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/errors.hpp"
#include "support/sockets.hpp"

namespace harness {

// What the app is told; mirrors the app contract's environment variables.
struct AppSettings {
  int port = 0;  // 0: the port this app had before, else a free one
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  std::string authorize_url;  // ${discord}/oauth2/authorize
  std::string token_url;      // ${discord}/api/oauth2/token
  std::string api_base;       // ${discord}/api/v10
  bool pkce = false;          // the reference app only; a command reads DISCORD_PKCE if it cares
  std::string login_path = "/login";  // the reference app serves sign-in there
  std::chrono::milliseconds ready_timeout{10000};
  // The reference app only: its connect and read timeout towards Discord.
  std::optional<std::chrono::milliseconds> discord_timeout;
  // The run's CA (PEM file) when the mock speaks https: the reference app
  // trusts it; a command app finds it in `environment` (trust_files.hpp).
  std::string ca_file;
  // A command app only: set in its environment over the inherited one
  // (the proxy variables and LD_PRELOAD of discord_interception.hpp, the
  // CA variables of trust_files.hpp).
  std::map<std::string, std::string> environment;
};

// The app did not come up: a scenario failure (the app's fault), not the
// harness's. The message carries the app's output tail.
class AppStartError : public support::Error {
 public:
  explicit AppStartError(const std::string& message)
      : support::Error("AppStartError", message, support::ExitCode::failed) {}
};

class AppUnderTest {
 public:
  virtual ~AppUnderTest() = default;

  // Starts and returns once 127.0.0.1:port() accepts connections. Throws
  // AppStartError (with the output) or support::SystemError.
  virtual void start(const AppSettings& settings) = 0;
  // Idempotent. Everything in memory (sessions) is lost.
  virtual void stop() = 0;
  // stop() then start(settings): a real restart, sessions lost.
  virtual void restart(const AppSettings& settings) {
    stop();
    start(settings);
  }
  virtual bool is_running() const = 0;
  // How the app ended when it ended on its own ("was killed by signal
  // SIGSEGV"), "" while it runs or when that is not known.
  virtual std::string ended_how() const { return ""; }
  // The local port (0 before the first start); kept across restarts.
  virtual int port() const = 0;
  // Everything kept of what the app wrote (bounded), oldest first.
  virtual std::string output() const = 0;
  // The last lines of it, for failure reports.
  std::string output_tail(std::size_t max_lines = 40) const;
  // What kind of app, for reports: "reference" or the command.
  virtual std::string describe() const = 0;
  // Adds a line of the harness's own to the kept output (a command app's
  // refused connection), so that failure reports show it beside the app's.
  virtual void note(const std::string& /*line*/) {}

  std::string local_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
};

// Runs client::ReferenceApp in this process.
std::unique_ptr<AppUnderTest> make_reference_app();

struct CommandAppOptions {
  std::string command;  // run as sh -c COMMAND
  std::string cwd;      // "" = the harness's
  std::size_t output_limit = 64 * 1024;  // bytes of output kept
  std::chrono::milliseconds stop_grace{3000};  // SIGTERM, then SIGKILL after this
};
// Runs any program that follows the app contract.
std::unique_ptr<AppUnderTest> make_command_app(CommandAppOptions options);
// From any thread (an interrupted harness): every command app still running
// gets SIGTERM, then SIGKILL for everything it started after `grace`.
void stop_all_command_apps(std::chrono::milliseconds grace);

// The most recent `limit` bytes of an app's output; thread-safe, since a
// reader thread or the app's own threads write while the runner reads.
class OutputBuffer {
 public:
  explicit OutputBuffer(std::size_t limit = 64 * 1024) : limit_(limit) {}
  void append(const std::string& text);
  std::string text() const;

 private:
  mutable std::mutex mutex_;
  std::size_t limit_;
  std::string buffer_;  // up to 2 * limit_, trimmed in bulk
};

using support::pick_free_port;

// The last `max_lines` lines of `text`.
std::string last_lines(const std::string& text, std::size_t max_lines);

}  // namespace harness
