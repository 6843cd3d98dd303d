// build/bin/harness as users and CI run it: exit codes 0/1/2, one console
// line per scenario, the closing "N passed, N failed" line, located load
// errors, the report files, verdicts with warnings and check-app's report card.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

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

}  // namespace

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
