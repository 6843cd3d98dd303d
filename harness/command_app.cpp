// The app contract (`kind: command`): `sh -c COMMAND` in its own process
// group, told where to listen and what Discord looks like through PORT and
// DISCORD_* variables, its stdout and stderr kept by a reader thread. Ready
// when 127.0.0.1:$PORT accepts a connection; stopped with SIGTERM to the
// whole group, then SIGKILL after the grace period, and always reaped.
//
// PYTHONUNBUFFERED=1 is added (unless set) so that a Python app's output
// reaches the report even when it is killed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>


#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include "harness/app_under_test.hpp"
#include "support/text.hpp"

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
  std::vector<std::string> strings;
  for (const auto& [name, value] : variables) strings.push_back(name + "=" + value);
  return strings;
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
    // `sh -c` may leave the real app as a child that outlives the shell on
    // SIGTERM: the grace period waits for the whole group, not just its leader.
    bool exited = leader_exited() && !group_has_live_members();
    if (!exited) {
      ::kill(-pid_, SIGTERM);
      auto deadline = Clock::now() + options_.stop_grace;
      while (!(exited = leader_exited() && !group_has_live_members()) && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // The leader is a zombie or still running: its pid still names the
    // group, so this reaches only our processes.
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    stop_reading_ = true;
    if (reader_.joinable()) reader_.join();  // everything the app wrote comes before our last word
    ::close(output_fd_);
    output_fd_ = -1;
    output_.append("[harness] the app " + describe_wait_status(status) +
                   (exited ? "" : " after " + std::to_string(options_.stop_grace.count()) + "ms without exiting on SIGTERM") +
                   "\n");
  }

  bool is_running() const override { return pid_ > 0 && !leader_exited(); }
  int port() const override { return port_; }
  std::string output() const override { return output_.text(); }
  std::string describe() const override { return "command `" + options_.command + "`"; }

 private:
  // Whether a process of the app's group other than a zombie still runs
  // (read from /proc: a zombie leader still answers kill(-pgid, 0)).
  bool group_has_live_members() const {
    namespace fs = std::filesystem;
    std::error_code error;
    for (fs::directory_iterator it("/proc", fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
      const fs::directory_entry& entry = *it;
      const std::string name = entry.path().filename().string();
      if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      if (!std::getline(stat, line)) continue;
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after the last ')'.
      std::size_t close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream fields(line.substr(close + 1));
      char state = 0;
      long parent = 0, group = 0;
      if (fields >> state >> parent >> group && group == pid_ && state != 'Z') return true;
    }
    return false;
  }

  // Has the process exited? Leaves it unreaped (WNOWAIT), so that its pid
  // keeps naming the process group until stop() reaps it.
  bool leader_exited() const {
    siginfo_t info{};
    int result;
    do {
      result = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
    } while (result < 0 && errno == EINTR);
    return result == 0 && info.si_pid == pid_;
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
    pid_t pid = ::fork();
    if (pid < 0) {
      int error = errno;
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
      throw support::SystemError(std::string("cannot fork the app: ") + std::strerror(error));
    }
    if (pid == 0) exec_child(pipe_fds[1], cwd, argv, envp.data());
    ::setpgid(pid, pid);  // also done by the child: whichever runs first wins the race
    ::close(pipe_fds[1]);
    pid_ = pid;
    output_fd_ = pipe_fds[0];
    stop_reading_ = false;
    reader_ = std::thread([this] { read_output(); });
  }

  // In the child: async-signal-safe calls only.
  [[noreturn]] static void exec_child(int output_fd, const char* cwd, char** argv, char** envp) {
    ::setpgid(0, 0);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal_number : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) ::sigaction(signal_number, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(output_fd, STDOUT_FILENO);
    ::dup2(output_fd, STDERR_FILENO);
    if (cwd && ::chdir(cwd) != 0) {
      const char message[] = "[harness] cannot enter the app's working directory ";
      ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
      ignored = ::write(STDERR_FILENO, cwd, std::strlen(cwd));
      ignored = ::write(STDERR_FILENO, "\n", 1);
      (void)ignored;
      ::_exit(127);
    }
    ::execve(argv[0], argv, envp);
    const char message[] = "[harness] cannot execute /bin/sh\n";
    ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    ::_exit(127);
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
      if (leader_exited()) {
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
  std::atomic<bool> stop_reading_{false};
  std::thread reader_;
};

}  // namespace

std::unique_ptr<AppUnderTest> make_command_app(CommandAppOptions options) {
  return std::make_unique<CommandApp>(std::move(options));
}

}  // namespace harness
