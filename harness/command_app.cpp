// The app contract (`kind: command`): `sh -c COMMAND` in its own process
// group, told where to listen and what Discord looks like through PORT and
// DISCORD_* variables, its stdout and stderr kept by a reader thread. Ready
// when 127.0.0.1:$PORT accepts a connection; stopped with SIGTERM to the
// whole group, then SIGKILL after the grace period, and always reaped.
// The app runs under a supervisor (app_supervisor.cpp) that leads the group
// and kills whatever the app started when the harness goes away, even by
// SIGKILL; the supervisor tells the app's own wait status.
//
// PYTHONUNBUFFERED=1 is added (unless set) so that a Python app's output
// reaches the report even when it is killed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>


#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <algorithm>
#include <thread>

#include "harness/app_under_test.hpp"
#include "support/text.hpp"
#include "harness/app_supervisor.hpp"

extern char** environ;

namespace harness {

namespace {

using Clock = std::chrono::steady_clock;

using support::text::join;
using support::accepts_connections;

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return std::string("was killed by signal ") + (name ? std::string("SIG") + name : std::to_string(WTERMSIG(status)));
  }
  return "ended (wait status " + std::to_string(status) + ")";
}

// The environment strings, prepared before fork (the child may only make
// async-signal-safe calls).
std::vector<std::string> child_environment(const AppSettings& settings, int port) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text = *entry;
    std::size_t equals = text.find('=');
    if (equals != std::string::npos) variables[text.substr(0, equals)] = text.substr(equals + 1);
  }
  variables["PORT"] = std::to_string(port);
  variables["DISCORD_CLIENT_ID"] = settings.client_id;
  variables["DISCORD_CLIENT_SECRET"] = settings.client_secret;
  variables["DISCORD_REDIRECT_URI"] = settings.redirect_uri;
  variables["DISCORD_SCOPES"] = join(settings.scopes, " ");
  variables["DISCORD_AUTHORIZE_URL"] = settings.authorize_url;
  variables["DISCORD_TOKEN_URL"] = settings.token_url;
  variables["DISCORD_API_BASE"] = settings.api_base;
  variables["DISCORD_PKCE"] = settings.pkce ? "true" : "false";
  variables.emplace("PYTHONUNBUFFERED", "1");
  for (const auto& [name, value] : settings.environment) variables[name] = value;
  std::vector<std::string> strings;
  for (const auto& [name, value] : variables) strings.push_back(name + "=" + value);
  return strings;
}

// Every running app's supervisor, for stop_all_command_apps(): an
// interrupted harness must not leave them behind.
struct LiveApp {
  pid_t supervisor;
  int lifeline;
};
std::mutex live_apps_mutex;
std::vector<LiveApp> live_apps;

// Has the supervisor exited (all of the app's processes gone)? Leaves it
// unreaped (WNOWAIT), so that its pid keeps naming the process group.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  int result;
  do {
    result = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (result < 0 && errno == EINTR);
  return result == 0 && info.si_pid == pid;
}

bool all_exited(const std::vector<LiveApp>& apps) {
  return std::all_of(apps.begin(), apps.end(), [](const LiveApp& app) { return has_exited(app.supervisor); });
}

void wait_until_all_exited(const std::vector<LiveApp>& apps, Clock::time_point deadline) {
  while (!all_exited(apps) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// SIGTERM to the group (the supervisor passes it on to children that left
// the group); after `grace`, the lifeline is cut: the supervisor kills every
// descendant with SIGKILL and exits; a supervisor that does not is killed.
// Returns whether all had exited within the grace period.
bool terminate(const std::vector<LiveApp>& apps, std::chrono::milliseconds grace) {
  for (const LiveApp& app : apps)
    if (!has_exited(app.supervisor)) ::kill(-app.supervisor, SIGTERM);
  wait_until_all_exited(apps, Clock::now() + grace);
  if (all_exited(apps)) return true;
  for (const LiveApp& app : apps)
    if (!has_exited(app.supervisor)) ::shutdown(app.lifeline, SHUT_WR);  // still readable: the app's status comes back
  wait_until_all_exited(apps, Clock::now() + std::chrono::seconds(2));
  for (const LiveApp& app : apps) ::kill(-app.supervisor, SIGKILL);
  return false;
}

class CommandApp : public AppUnderTest {
 public:
  explicit CommandApp(CommandAppOptions options) : options_(std::move(options)), output_(options_.output_limit) {}
  ~CommandApp() override { stop(); }

  void start(const AppSettings& settings) override {
    stop();
    if (settings.port != 0) port_ = settings.port;
    if (port_ == 0) port_ = pick_free_port();
    output_.append("[harness] starting `" + options_.command + "` with PORT=" + std::to_string(port_) + "\n");
    spawn(settings);
    wait_until_ready(settings.ready_timeout);
  }

  void stop() override {
    if (pid_ <= 0) return;
    {
      // Waits while stop_all_command_apps() is stopping this app.
      std::lock_guard<std::mutex> lock(live_apps_mutex);
      live_apps.erase(std::remove_if(live_apps.begin(), live_apps.end(),
                                     [this](const LiveApp& app) { return app.supervisor == pid_; }),
                      live_apps.end());
    }
    // `sh -c` may leave the real app as a child that outlives the shell on
    // SIGTERM: the supervisor exits only once every process of the app has.
    const bool exited = has_exited(pid_) || terminate({{pid_, lifeline_}}, options_.stop_grace);
    int supervisor_status = 0;
    while (::waitpid(pid_, &supervisor_status, 0) < 0 && errno == EINTR) {
    }
    const int status = app_status().value_or(supervisor_status);
    pid_ = -1;
    stop_reading_ = true;
    if (reader_.joinable()) reader_.join();  // everything the app wrote comes before our last word
    ::close(output_fd_);
    output_fd_ = -1;
    ::close(lifeline_);
    lifeline_ = -1;
    app_status_.reset();
    output_.append("[harness] the app " + describe_wait_status(status) +
                   (exited ? "" : " after " + std::to_string(options_.stop_grace.count()) + "ms without exiting on SIGTERM") +
                   "\n");
  }

  bool is_running() const override { return pid_ > 0 && !app_status() && !has_exited(pid_); }
  // Asked after a failed step: an app that just crashed may be a moment
  // ahead of its supervisor's report, so that report is waited for briefly.
  std::string ended_how() const override {
    if (pid_ <= 0) return "";
    if (!app_status()) {
      pollfd watch{lifeline_, POLLIN, 0};
      ::poll(&watch, 1, 200);
    }
    auto status = app_status();
    return status ? describe_wait_status(*status) : "";
  }
  int port() const override { return port_; }
  std::string output() const override { return output_.text(); }
  std::string describe() const override { return "command `" + options_.command + "`"; }
  void note(const std::string& line) override { output_.append("[harness] " + line + "\n"); }

 private:
  // The app's own wait status, once the supervisor has sent it.
  std::optional<int> app_status() const {
    if (!app_status_ && lifeline_ >= 0) {
      int status = 0;
      if (::recv(lifeline_, &status, sizeof status, MSG_DONTWAIT) == static_cast<ssize_t>(sizeof status))
        app_status_ = status;
    }
    return app_status_;
  }

  void spawn(const AppSettings& settings) {
    std::vector<std::string> environment = child_environment(settings, port_);
    std::vector<char*> envp;
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string shell = "/bin/sh", dash_c = "-c", command = options_.command;
    char* argv[] = {shell.data(), dash_c.data(), command.data(), nullptr};
    const char* cwd = options_.cwd.empty() ? nullptr : options_.cwd.c_str();

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
      throw support::SystemError(std::string("cannot create a pipe for the app's output: ") + std::strerror(errno));
    int lifeline_fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lifeline_fds) != 0) {
      int error = errno;
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
      throw support::SystemError(std::string("cannot create the app's lifeline: ") + std::strerror(error));
    }
    std::lock_guard<std::mutex> lock(live_apps_mutex);  // registered before an interruption can miss it
    pid_t pid = ::fork();
    if (pid < 0) {
      int error = errno;
      for (int fd : {pipe_fds[0], pipe_fds[1], lifeline_fds[0], lifeline_fds[1]}) ::close(fd);
      throw support::SystemError(std::string("cannot fork the app: ") + std::strerror(error));
    }
    if (pid == 0) supervise_app(lifeline_fds[1], pipe_fds[1], cwd, argv, envp.data());
    ::setpgid(pid, pid);  // also done by the child: whichever runs first wins the race
    ::close(pipe_fds[1]);
    ::close(lifeline_fds[1]);
    pid_ = pid;
    lifeline_ = lifeline_fds[0];
    live_apps.push_back({pid_, lifeline_});
    output_fd_ = pipe_fds[0];
    stop_reading_ = false;
    reader_ = std::thread([this] { read_output(); });
  }

  // Until end of file, or until stop() has reaped the app and nothing more
  // is waiting (a grandchild that left the group may hold the pipe open).
  void read_output() {
    char chunk[4096];
    for (;;) {
      pollfd descriptor{output_fd_, POLLIN, 0};
      int ready = ::poll(&descriptor, 1, 50);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        if (stop_reading_) return;
        continue;
      }
      ssize_t count = ::read(output_fd_, chunk, sizeof chunk);
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) return;
      output_.append(std::string(chunk, static_cast<std::size_t>(count)));
    }
  }

  void wait_until_ready(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      if (!is_running()) {
        stop();
        throw AppStartError("the app " + describe() + " ended before listening on 127.0.0.1:" +
                            std::to_string(port_) + "; its output:\n" + output_tail());
      }
      if (accepts_connections(port_)) return;
      if (Clock::now() >= deadline) {
        stop();
        throw AppStartError("the app " + describe() + " did not accept connections on 127.0.0.1:" +
                            std::to_string(port_) + " within " + std::to_string(timeout.count()) +
                            "ms; its output:\n" + output_tail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  CommandAppOptions options_;
  OutputBuffer output_;
  int port_ = 0;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  int lifeline_ = -1;
  mutable std::optional<int> app_status_;
  std::atomic<bool> stop_reading_{false};
  std::thread reader_;
};

}  // namespace

void stop_all_command_apps(std::chrono::milliseconds grace) {
  std::lock_guard<std::mutex> lock(live_apps_mutex);
  terminate(live_apps, grace);
}

std::unique_ptr<AppUnderTest> make_command_app(CommandAppOptions options) {
  return std::make_unique<CommandApp>(std::move(options));
}

}  // namespace harness
