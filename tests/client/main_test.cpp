// build/bin/reference_app as the harness runs it: an external process
// configured by the app contract's environment, logging to stdout, ending
// cleanly on SIGTERM.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "client/mock_fixture.hpp"

extern char** environ;

using namespace client_tests;

namespace {

// The program with `variables` as its whole environment and its stdout (and
// stderr) on a pipe; killed at the end of the test if still running.
class Program {
 public:
  Program(const std::string& path, const std::vector<std::string>& variables) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv = {const_cast<char*>(path.c_str()), nullptr};
    std::vector<char*> envp;
    for (const auto& variable : variables) envp.push_back(const_cast<char*>(variable.c_str()));
    envp.push_back(nullptr);
    int spawned = posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    output_fd_ = fds[0];
    REQUIRE(spawned == 0);
  }
  ~Program() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(output_fd_);
  }

  // Output until `pattern` matches a line, or until the program's output ends
  // or 10 s pass (then the match is empty).
  std::smatch wait_for(const std::regex& pattern) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::smatch match;
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t newline;
      while ((newline = pending_.find('\n')) != std::string::npos) {
        lines_.push_back(pending_.substr(0, newline));
        pending_.erase(0, newline + 1);
        if (std::regex_search(lines_.back(), match, pattern)) return match;
      }
      pollfd poll_fd{output_fd_, POLLIN, 0};
      if (poll(&poll_fd, 1, 100) <= 0) continue;
      char buffer[4096];
      ssize_t got = read(output_fd_, buffer, sizeof buffer);
      if (got <= 0) break;
      pending_.append(buffer, static_cast<std::size_t>(got));
    }
    return std::smatch();
  }
  // The exit status after SIGTERM.
  int terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::string pending_;
  std::vector<std::string> lines_;
};

const std::string kProgram = std::string(BIN_DIR) + "/reference_app";

}  // namespace

TEST_CASE("reference_app runs from the app contract's environment and logs without secrets") {
  REQUIRE(access(kProgram.c_str(), X_OK) == 0);  // build the reference_app target first
  MockDiscord mock{auto_consent_config()};
  Program app(kProgram, {"PORT=0", std::string("DISCORD_CLIENT_ID=") + kClientId,
                         std::string("DISCORD_CLIENT_SECRET=") + kClientSecret,
                         std::string("DISCORD_REDIRECT_URI=") + kAppOrigin + "/callback",
                         "DISCORD_SCOPES=identify email",
                         "DISCORD_AUTHORIZE_URL=" + mock.server.url() + "/oauth2/authorize",
                         "DISCORD_TOKEN_URL=" + mock.server.url() + "/api/oauth2/token",
                         "DISCORD_API_BASE=" + mock.server.url() + "/api/v10"});
  auto listening = app.wait_for(std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)"));
  REQUIRE(listening.size() == 2);

  Browser browser;
  browser.map_origin(kAppOrigin, std::stoi(listening[1].str()));
  BrowserPage me = browser.open(std::string(kAppOrigin) + "/login");
  CHECK(me.status == 200);
  CHECK(me.body.find("nelly") != std::string::npos);
  CHECK_FALSE(app.wait_for(std::regex("^GET /me 200$")).empty());
  CHECK(app.terminate() == 0);

  for (const auto& line : app.lines()) {
    CHECK(line.find(kClientSecret) == std::string::npos);
    for (const auto& secret : mock.server.secrets()) CHECK(line.find(secret) == std::string::npos);
  }
}

TEST_CASE("reference_app without a client id says what to set and exits 2") {
  REQUIRE(access(kProgram.c_str(), X_OK) == 0);
  Program app(kProgram, {"PORT=0"});
  CHECK_FALSE(app.wait_for(std::regex("client id is missing: set ClientId in config\\.ini or the environment "
                                      "variable DISCORD_CLIENT_ID"))
                  .empty());
  CHECK(app.terminate() == 2);
}
