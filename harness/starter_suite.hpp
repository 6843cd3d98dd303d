// `harness init`: a starter suite for the user's own app. Its scenarios are
// the apps suite's own files (scenarios/apps/, compiled in: see
// embedded_files.hpp) with an `app:` section that starts the user's app, a
// copy of the scenario schema for editors, and a README saying how to run
// them. Existing files are never overwritten.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/app_contract.hpp"

namespace harness {

struct StarterSuiteOptions {
  std::string folder = "login-tests";  // where the suite goes; created when missing
  std::string app_command;             // --app-cmd: how to start the app (required)
  AppFlagText app_flags;               // the --app-* flags, as check-app takes them
  std::filesystem::path run_from;      // where the command runs; empty = the current folder
};

struct StarterFile {
  std::string name;  // inside the folder
  std::string text;
};

// The suite's files, nothing written. Throws support::UsageError for a
// missing --app-cmd or a flag check-app would refuse.
std::vector<StarterFile> starter_suite_files(const StarterSuiteOptions& options);

// Writes the suite. When any of its files already exists, throws
// support::UsageError naming that file and writes nothing; a file that
// appears meanwhile is not overwritten either. support::SystemError when
// the folder cannot be written. Returns the paths written.
std::vector<std::string> write_starter_suite(const StarterSuiteOptions& options);

}  // namespace harness
