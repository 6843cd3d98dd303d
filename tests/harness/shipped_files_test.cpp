// What ships with the harness (harness/shipped_files.hpp): the apps suite
// of a clone first, else the installed one beside the program.
#include "harness/shipped_files.hpp"

#include <catch2/catch.hpp>

#include "support/errors.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using test_support::TempDir;

TEST_CASE("the running program's folder is this test's") {
  CHECK(fs::equivalent(harness::running_program_folder(), BIN_DIR));
}

TEST_CASE("check-app's suite: the clone's scenarios/apps, else the install's share/discord_oauth_mock") {
  TempDir dir("shipped_files_test");
  const fs::path clone = dir.path / "clone", prefix = dir.path / "prefix", elsewhere = dir.path / "elsewhere";
  fs::create_directories(clone / "scenarios" / "apps");
  fs::create_directories(prefix / "bin");
  fs::create_directories(elsewhere);

  CHECK(harness::default_apps_suite(clone, prefix / "bin") == "scenarios/apps");
  CHECK_THROWS_MATCHES(harness::default_apps_suite(elsewhere, prefix / "bin"), support::UsageError,
                       Catch::Message("the apps suite is neither in " + (elsewhere / "scenarios/apps").string() +
                                      " (a clone of the project) nor in " +
                                      (prefix / "share/discord_oauth_mock/scenarios/apps").string() +
                                      " (an install): run from the project's folder or give --suite"));

  fs::create_directories(prefix / "share" / "discord_oauth_mock" / "scenarios" / "apps");
  CHECK(harness::default_apps_suite(elsewhere, prefix / "bin") ==
        (prefix / "share/discord_oauth_mock/scenarios/apps").string());
  CHECK(harness::default_apps_suite(clone, prefix / "bin") == "scenarios/apps");
}
