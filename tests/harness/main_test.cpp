// build/bin/harness as users and CI run it: exit codes 0/1/2, one console
// line per scenario, the closing "N passed, N failed" line, located load
// errors, the report files, verdicts with warnings and check-app's report card.
#include <catch2/catch.hpp>
#include "support/diagnostic.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string output;
};

Outcome run_harness(const std::string& arguments) {
  const std::string command = std::string(BIN_DIR) + "/harness " + arguments + " 2>&1";
  Outcome outcome;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) outcome.output.append(buffer, n);
  int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

// A scratch folder of scenario files, removed afterwards.
struct Scratch {
  fs::path root = fs::temp_directory_path() / ("harness-main-" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Scratch() { fs::remove_all(root); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(root / name) << text;
    return (root / name).string();
  }
};

const char* const passing = R"(name: passes
app: {kind: none}
steps:
  - request: {url: "${discord}/api/v10/users/@me"}
    expect: {status: 401, json: {message: "401: Unauthorized", code: 0}}
)";

const char* const failing = R"(name: fails
app: {kind: none}
steps:
  - request: {url: "${discord}/api/v10/users/@me"}
    expect: {status: 200}
)";

// A scenario whose app (a python server) starts a grandchild that leaves
// the app's process group and session (setsid); both pids land in files.
const char* const waiting = R"(name: waits
app:
  kind: command
  command: "setsid sh -c 'echo $$ > grandchild.pid; exec sleep 600' & echo $$ > app.pid; exec python3 -m http.server $PORT --bind 127.0.0.1"
steps:
  - wait: 10m
)";

// build/bin/harness started in the background, its output in a file.
pid_t start_harness(const std::vector<std::string>& arguments, const std::string& output) {
  std::vector<std::string> words{std::string(BIN_DIR) + "/harness"};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(error == 0);
  return pid;
}

std::string read_text(const fs::path& path) { return support::SourceText::read_file(path.string())->text(); }

// Gone or a zombie: either way, not running.
bool process_alive(pid_t pid) {
  std::string line;
  std::getline(std::ifstream("/proc/" + std::to_string(pid) + "/stat"), line);
  std::size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

// Polls for a condition, up to a generous deadline (a loaded machine).
template <typename Condition>
bool eventually(Condition condition, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

pid_t pid_in(const fs::path& file) {
  pid_t pid = 0;
  std::ifstream(file) >> pid;
  return pid;
}

// Starts the waiting scenario after a passing one, and returns once its app
// and the app's setsid grandchild run.
struct InterruptedRun {
  Scratch scratch;
  pid_t harness = -1, app = 0, grandchild = 0;
  std::string junit = (scratch.root / "out.xml").string(), json = (scratch.root / "out.json").string(),
              html = (scratch.root / "out.html").string(), output = (scratch.root / "output.txt").string();
  InterruptedRun() {
    scratch.write("a.yaml", passing);
    scratch.write("b.yaml", waiting);
    harness = start_harness({"run", scratch.root.string(), "--jobs", "1", "--junit", junit, "--json", json, "--report",
                             html},
                            output);
    REQUIRE(eventually([&] { return (app = pid_in(scratch.root / "app.pid")) > 0; }));
    REQUIRE(eventually([&] { return (grandchild = pid_in(scratch.root / "grandchild.pid")) > 0; }));
    REQUIRE(process_alive(grandchild));
  }
  int wait_status() {
    int status = 0;
    REQUIRE(::waitpid(harness, &status, 0) == harness);
    harness = -1;
    return status;
  }
  ~InterruptedRun() {
    if (harness > 0) {
      ::kill(harness, SIGKILL);
      ::waitpid(harness, nullptr, 0);
    }
    for (pid_t pid : {app, grandchild})
      if (pid > 0 && process_alive(pid)) ::kill(pid, SIGKILL);
  }
};

}  // namespace

TEST_CASE("harness run: SIGINT, SIGTERM and SIGHUP stop every app, grandchildren included, and write the reports") {
  const int signal_number = GENERATE(SIGINT, SIGTERM, SIGHUP);
  InterruptedRun run;
  ::kill(run.harness, signal_number);
  const int status = run.wait_status();
  const std::string output = read_text(run.output);
  INFO(output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 128 + signal_number);
  CHECK_FALSE(process_alive(run.app));
  CHECK_FALSE(process_alive(run.grandchild));
  CHECK(output.find("1 passed, 0 failed, 1 error (interrupted by SIG") != std::string::npos);
  const std::string junit = read_text(run.junit);
  CHECK(junit.find("errors=\"1\"") != std::string::npos);
  CHECK(junit.find("<error message=\"not finished: the run was interrupted by SIG") != std::string::npos);
  CHECK(read_text(run.json).find("\"outcome\": \"error\"") != std::string::npos);
  CHECK(read_text(run.html).find("not finished: the run was interrupted by SIG") != std::string::npos);
}

TEST_CASE("harness run: an app and its setsid grandchild do not outlive a harness killed with SIGKILL") {
  InterruptedRun run;
  ::kill(run.harness, SIGKILL);
  run.wait_status();
  CHECK(eventually([&] { return !process_alive(run.app) && !process_alive(run.grandchild); }));
}

TEST_CASE("harness run: an invalid file still gets its reports, with the load error as an error") {
  Scratch scratch;
  scratch.write("a.yaml", passing);
  scratch.write("broken.yaml", "name: broken\n---\nname: second\n");
  const std::string junit = (scratch.root / "out.xml").string(), json = (scratch.root / "out.json").string(),
                    html = (scratch.root / "out.html").string();
  auto outcome = run_harness("run " + scratch.root.string() + " --junit " + junit + " --json " + json + " --report " + html);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
  CHECK(read_text(junit).find("<error message=\"" + (scratch.root / "broken.yaml").string() + ":2:1: a second YAML document") !=
        std::string::npos);
  CHECK(read_text(json).find("\"errors\": 1") != std::string::npos);
  CHECK(read_text(html).find("a second YAML document") != std::string::npos);
}

TEST_CASE("harness run: exit 0 when every scenario passed") {
  Scratch scratch;
  scratch.write("a.yaml", passing);
  auto outcome = run_harness("run " + scratch.root.string());
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output.find("PASS  passes") != std::string::npos);
  CHECK(outcome.output.find("\n1 passed, 0 failed\n") != std::string::npos);
}

TEST_CASE("harness run: exit 1 and the failure's details when one failed; reports are written") {
  Scratch scratch;
  scratch.write("a.yaml", passing);
  scratch.write("b.yaml", failing);
  const std::string junit = (scratch.root / "out.xml").string(), json = (scratch.root / "out.json").string();
  auto outcome = run_harness("run " + scratch.root.string() + " --jobs 2 --junit " + junit + " --json " + json);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.output.find("FAIL  fails") != std::string::npos);
  CHECK(outcome.output.find("expect.status (" + (scratch.root / "b.yaml").string() + ":5)") != std::string::npos);
  CHECK(outcome.output.find("expected: 200") != std::string::npos);
  CHECK(outcome.output.find("actual:   401") != std::string::npos);
  CHECK(outcome.output.find("\n1 passed, 1 failed\n") != std::string::npos);
  CHECK(fs::file_size(junit) > 0);
  CHECK(fs::file_size(json) > 0);
}

TEST_CASE("harness run and check: exit 2 with a located error for an invalid file") {
  Scratch scratch;
  const std::string path = scratch.write("broken.yaml", "name: broken\nsteps:\n  - open: /\n    expct: {status: 200}\n");
  for (const std::string verb : {"run", "check"}) {
    auto outcome = run_harness(verb + " " + path);
    INFO(outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output.find(path + ":4:5: unknown key 'expct' in step 1 (did you mean 'expect'?)") !=
          std::string::npos);
  }
}

TEST_CASE("harness: bad usage exits 2") {
  CHECK(run_harness("").exit_code == 2);
  CHECK(run_harness("run").exit_code == 2);
  CHECK(run_harness("run --jobs 0 x.yaml").exit_code == 2);
  auto outcome = run_harness("run --shard 5/4 " + std::string(PROJECT_ROOT) + "/scenarios");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
}

TEST_CASE("harness: --intercept-discord without --app-cmd is a usage error that says why") {
  for (const char* command : {"run ", "check-app --suite "}) {
    auto outcome = run_harness(command + std::string(PROJECT_ROOT) + "/scenarios/apps/sign-in.yaml --intercept-discord");
    INFO(outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output.find("--intercept-discord needs --app-cmd") != std::string::npos);
  }
}

TEST_CASE("harness: --intercept-discord with --mock-http is a usage error: discord.com is https only") {
  auto outcome = run_harness("run " + std::string(PROJECT_ROOT) +
                             "/scenarios/apps/sign-in.yaml --intercept-discord --mock-http --app-cmd true");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find("--intercept-discord needs the mock's https") != std::string::npos);
}

TEST_CASE("harness list: one line per selected scenario") {
  auto outcome = run_harness("list --tag ngrok " + std::string(PROJECT_ROOT) + "/scenarios");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output.find("stale ngrok URL after a tunnel restart") != std::string::npos);
  CHECK(outcome.output.find("sign in with Discord") == std::string::npos);
}

TEST_CASE("harness run: filters that select nothing and unwritable reports are usage errors, before running") {
  auto no_match = run_harness("run --tag no-such-tag " + std::string(PROJECT_ROOT) + "/scenarios");
  INFO(no_match.output);
  CHECK(no_match.exit_code == 2);
  CHECK(no_match.output.find("no scenario matches") != std::string::npos);
  Scratch scratch;
  scratch.write("a.yaml", passing);
  auto unwritable = run_harness("run " + scratch.root.string() + " --junit /nonexistent-folder/report.xml");
  INFO(unwritable.output);
  CHECK(unwritable.exit_code == 2);
  CHECK(unwritable.output.find("--junit /nonexistent-folder/report.xml: cannot write into /nonexistent-folder") !=
        std::string::npos);
  CHECK(unwritable.output.find("PASS") == std::string::npos);
}

TEST_CASE("harness run: a warn_unless miss is a warning with its advice; the run still exits 0") {
  Scratch scratch;
  scratch.write("w.yaml", R"(name: warns
app: {kind: none}
steps:
  - request: {url: "${discord}/api/v10/users/@me"}
    expect: {status: 401}
    warn_unless:
      status: 200
      advice: Sign in first.
  - name: the run goes on after a warning
    request: {url: "${discord}/api/v10/users/@me"}
    expect: {discord: {requests: {users_me: {min: 2, max: 2}}}}
)");
  const std::string json = (scratch.root / "out.json").string();
  auto outcome = run_harness("run " + scratch.root.string() + "/w.yaml --json " + json);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output.find("WARN  warns") != std::string::npos);
  CHECK(outcome.output.find("fix:      Sign in first.") != std::string::npos);
  CHECK(outcome.output.find("\n1 passed, 0 failed, 1 with warnings\n") != std::string::npos);
  std::ifstream in(json);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"verdict\": \"warn\"") != std::string::npos);
}

TEST_CASE("harness check-app: the report card of an app, by concern") {
  Scratch scratch;
  scratch.write("s.yaml", R"(name: apps - sign in
tags: [apps, sign-in]
steps:
  - open: ${login}
  - consent: approve
    expect: {signed_in_as: nelly}
)");
  auto outcome = run_harness("check-app --suite " + scratch.root.string() + " --app-login-path /login");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output.find("Report card for the reference app") != std::string::npos);
  CHECK(outcome.output.find("Sign-in            A     1     0     0") != std::string::npos);
  CHECK(outcome.output.find("overall grade: A") != std::string::npos);
  auto bad = run_harness("check-app --suite " + scratch.root.string() + " --app-login-path login");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--app-login-path must be a path") != std::string::npos);
}

// The deliberately naive tutorial app (examples/naive) against the whole
// apps suite: about a minute, two checks wait for a hang.
static bool has_tag(const nlohmann::json& result, const std::string& tag) {
  const auto& tags = result["tags"];
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

TEST_CASE("the naive tutorial app fails exactly the CSRF and leak checks, each saying what to fix", "[check-app][slow]") {
  const auto json_path = std::filesystem::temp_directory_path() / ("naive-" + std::to_string(::getpid()) + ".json");
  Outcome outcome = run_harness("check-app --jobs 2 --suite " PROJECT_ROOT "/scenarios/apps --app-cmd 'python3 " PROJECT_ROOT
                                "/examples/naive/app.py' --json " + json_path.string());
  INFO(outcome.output);
  CHECK(outcome.exit_code == 1);
  std::ifstream in(json_path);
  REQUIRE(in);
  nlohmann::json report = nlohmann::json::parse(in);
  std::filesystem::remove(json_path);

  std::set<std::string> failed, expected_to_fail;
  for (const auto& result : report["scenarios"]) {
    const std::string name = result["name"];
    if (has_tag(result, "csrf") || has_tag(result, "leaks")) expected_to_fail.insert(name);
    if (result["verdict"] == "fail") {
      failed.insert(name);
      for (const auto& failure : result["failures"]) {
        INFO(name);
        CHECK_FALSE(failure.value("advice", std::string()).empty());
      }
    }
  }
  CHECK(expected_to_fail.size() == 4);
  CHECK(failed == expected_to_fail);
  // The card grades the two concerns F and names the fixes.
  CHECK(outcome.output.find("CSRF") != std::string::npos);
  CHECK(outcome.output.find("overall grade: F") != std::string::npos);
  CHECK(outcome.output.find("Fix: Send a random `state`") != std::string::npos);
  CHECK(outcome.output.find("Fix: Keep tokens on the server") != std::string::npos);
}

TEST_CASE("no_leaks reads Flask's signed session cookie: tokens kept there leak") {
  auto outcome = run_harness("run " PROJECT_ROOT "/scenarios/apps/leaks.yaml --app-cmd 'python3 " PROJECT_ROOT
                             "/tests/harness/apps/flask_tokens_in_session.py'");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.output.find("in a cookie 'session' (decoded and inflated, as Flask stores it)") != std::string::npos);
}
