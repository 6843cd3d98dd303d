// `harness init`'s starter suite (harness/starter_suite.hpp): the apps
// suite's own scenarios with the user's app, valid, passing against an app
// run as a command, never overwriting, refusing what check-app refuses.
#include "harness/starter_suite.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "harness/loader.hpp"
#include "harness/report.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"
#include "support/diagnostic.hpp"
#include "support/errors.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using test_support::TempDir;

namespace {

std::string read(const fs::path& path) { return support::SourceText::read_file(path.string())->text(); }

harness::StarterSuiteOptions options_for(const TempDir& dir) {
  harness::StarterSuiteOptions options;
  options.folder = (dir.path / "login-tests").string();
  options.app_command = std::string(BIN_DIR) + "/reference_app";
  options.app_flags.user_page = "/me";
  options.run_from = dir.path;
  return options;
}

const std::vector<std::string> scenario_files = {"sign-in.yaml", "csrf-wrong-state.yaml", "replayed-callback.yaml",
                                                 "cancel.yaml"};

}  // namespace

TEST_CASE("init writes the apps suite's sign-in, state, spent-code and cancel checks, a README and the schema") {
  TempDir dir("starter_suite_test");
  const auto options = options_for(dir);
  const auto written = harness::write_starter_suite(options);
  REQUIRE(written.size() == scenario_files.size() + 2);
  std::size_t shipped_steps = 0;

  for (const std::string& name : scenario_files) {
    const fs::path file = fs::path(options.folder) / name;
    INFO(file);
    const std::string text = read(file);
    CHECK(text.rfind("# yaml-language-server: $schema=scenario.schema.json\n", 0) == 0);
    // Derived from the shipped file: the same scenario, steps and all.
    const harness::Scenario starter = harness::load_scenario(file.string());
    const harness::Scenario shipped = harness::load_scenario(std::string(PROJECT_ROOT) + "/scenarios/apps/" + name);
    CHECK(starter.name == shipped.name);
    CHECK(starter.tags == shipped.tags);
    CHECK(starter.steps.size() == shipped.steps.size());
    shipped_steps += shipped.steps.size();
    CHECK(starter.app.kind == harness::AppSpec::Kind::command);
    CHECK(starter.app.kind_given);
    CHECK(starter.app.command == options.app_command);
    CHECK(fs::equivalent(starter.app.cwd, dir.path));
    CHECK(starter.app.login_path == "/login");
    CHECK(starter.app.redirect_path == "/callback");
    CHECK(starter.app.user_page == "/me");
  }
  CHECK(read(fs::path(options.folder) / "scenario.schema.json") ==
        read(std::string(PROJECT_ROOT) + "/docs/scenario.schema.json"));
  const std::string readme = read(fs::path(options.folder) / "README.md");
  CHECK_THAT(readme, Catch::Contains("    harness run " + options.folder + "/\n"));
  CHECK_THAT(readme, Catch::Contains("`replayed-callback.yaml`: apps - the callback is opened twice"));
  CHECK_THAT(readme, Catch::Contains("--app-cmd " + options.app_command + " --app-user-page /me"));

  std::ostringstream out, err;
  CHECK(harness::check_command({options.folder}, out, err) == 0);
  CHECK(out.str() == "4 scenarios OK (" + std::to_string(shipped_steps) + " steps)\n");
  CHECK(err.str().empty());
}

TEST_CASE("init's flags become the app: keys of the same names") {
  TempDir dir("starter_suite_test");
  auto options = options_for(dir);
  options.app_command = "python3 'my app.py' --port \"$PORT\"";
  options.app_flags = {};
  options.app_flags.login_path = "/auth/discord";
  options.app_flags.redirect_path = "/auth/discord/callback";
  options.app_flags.refreshes = "true";
  options.app_flags.ready_timeout = "30s";
  options.app_flags.intercept_discord = true;
  options.run_from = dir.path / "project";
  fs::create_directories(options.run_from);
  harness::write_starter_suite(options);

  const harness::Scenario starter = harness::load_scenario(options.folder + "/sign-in.yaml");
  CHECK(starter.app.command == options.app_command);
  CHECK(fs::equivalent(starter.app.cwd, options.run_from));
  CHECK(starter.app.login_path == "/auth/discord");
  CHECK(starter.app.redirect_path == "/auth/discord/callback");
  CHECK(starter.app.redirect_uri == "${app}/auth/discord/callback");
  CHECK(starter.app.user_page.empty());
  CHECK(starter.app.refreshes);
  CHECK(starter.app.ready_timeout == std::chrono::seconds(30));
  CHECK(starter.app.intercept_discord);
  CHECK_THAT(read(options.folder + "/README.md"),
             Catch::Contains("--app-cmd 'python3 '\\''my app.py'\\'' --port \"$PORT\"' --app-login-path /auth/discord "
                             "--app-redirect-path /auth/discord/callback --app-refreshes true --app-ready-timeout 30s "
                             "--intercept-discord"));
}

TEST_CASE("the starter suite passes against the reference app run as a command") {
  TempDir dir("starter_suite_test");
  const auto options = options_for(dir);
  harness::write_starter_suite(options);
  harness::LoadedSuite suite = harness::load_suite({options.folder});
  REQUIRE(suite.ok());
  std::vector<const harness::Scenario*> scenarios;
  for (const auto& scenario : suite.scenarios) scenarios.push_back(&scenario);
  harness::RunOptions run;
  run.jobs = 2;
  const harness::RunSummary summary = harness::run_scenarios(scenarios, run, [](const harness::ScenarioResult&) {});
  INFO(summary.closing_line());
  for (const auto& result : summary.results)
    if (result.outcome != harness::ScenarioResult::Outcome::passed) UNSCOPED_INFO(harness::console_report(result, false));
  CHECK(summary.count(harness::ScenarioResult::Outcome::passed) == 4);
  CHECK(summary.closing_line() == "4 passed, 0 failed");
}

TEST_CASE("a second init into the same folder names the file it would overwrite and writes nothing") {
  TempDir dir("starter_suite_test");
  const auto options = options_for(dir);
  harness::write_starter_suite(options);
  const std::string before = read(options.folder + "/cancel.yaml");
  try {
    harness::write_starter_suite(options);
    FAIL("a second init overwrote the suite");
  } catch (const support::UsageError& error) {
    CHECK_THAT(error.what(), Catch::StartsWith(options.folder + "/sign-in.yaml already exists"));
    CHECK(error.exit_code() == support::ExitCode::invalid_input);
  }
  CHECK(read(options.folder + "/cancel.yaml") == before);

  // Only the README left: it is named, and the scenarios are not written again.
  for (const std::string& name : scenario_files) fs::remove(options.folder + "/" + name);
  fs::remove(options.folder + "/scenario.schema.json");
  CHECK_THROWS_WITH(harness::write_starter_suite(options),
                    Catch::StartsWith(options.folder + "/README.md already exists"));
  CHECK_FALSE(fs::exists(options.folder + "/sign-in.yaml"));
}

TEST_CASE("init refuses what check-app refuses, with check-app's message, before writing anything") {
  TempDir dir("starter_suite_test");
  auto options = options_for(dir);
  options.app_flags.redirect_path = "callback";
  CHECK_THROWS_MATCHES(harness::write_starter_suite(options), support::UsageError,
                       Catch::Message("--app-redirect-path must be a path like /callback, found 'callback'"));
  options.app_flags.redirect_path = "";
  options.app_flags.ready_timeout = "soon";
  CHECK_THROWS_WITH(harness::write_starter_suite(options),
                    "--app-ready-timeout is a duration like 20s, found 'soon'");
  options.app_flags.ready_timeout = "";
  options.app_command = "  ";
  CHECK_THROWS_WITH(harness::write_starter_suite(options), Catch::StartsWith("--app-cmd is required"));
  CHECK_FALSE(fs::exists(options.folder));
}
