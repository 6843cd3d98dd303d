// build/bin/harness as users and CI run it: exit codes 0/1/2, one console
// line per scenario, the closing "N passed, N failed" line, located load
// errors, and the report files.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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
