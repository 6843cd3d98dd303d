// `harness check-app` on the deliberately naive tutorial app: it must fail
// exactly the CSRF and leak checks, each with advice for its author, and the
// report card must say so. Runs the whole apps suite (about a minute: two
// checks wait for a hang).
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

struct Outcome {
  int exit_code = -1;
  std::string output;
};

Outcome run(const std::string& command) {
  Outcome outcome;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) outcome.output.append(buffer, n);
  int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

bool has_tag(const nlohmann::json& result, const std::string& tag) {
  const auto& tags = result["tags"];
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

}  // namespace

TEST_CASE("the naive tutorial app fails exactly the CSRF and leak checks, each saying what to fix", "[check-app][slow]") {
  const auto json_path = std::filesystem::temp_directory_path() / ("naive-" + std::to_string(::getpid()) + ".json");
  Outcome outcome = run(std::string(BIN_DIR) + "/harness check-app --jobs 2 --suite " PROJECT_ROOT "/scenarios/apps" +
                        " --app-cmd 'python3 " PROJECT_ROOT "/examples/naive/app.py' --json " + json_path.string());
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
