// Where the harness finds what ships with it, in a build folder, in a clone
// of the project and in an install (`cmake --install`, the container
// image): the folder of the running program, where the preload library
// sits (discord_interception.cpp), and the apps suite that `harness
// check-app` runs when not given --suite.
#pragma once

#include <filesystem>
#include <string>

namespace harness {

// The running program's folder (build/bin, or PREFIX/bin when installed).
std::filesystem::path running_program_folder();

// The apps suite: `scenarios/apps` when `working_folder` holds it (a clone
// of the project), else PREFIX/share/discord_oauth_mock/scenarios/apps for
// a program in PREFIX/bin (an install). Throws support::UsageError naming
// both places when neither exists.
std::string default_apps_suite(const std::filesystem::path& working_folder = std::filesystem::current_path(),
                               const std::filesystem::path& program_folder = running_program_folder());

}  // namespace harness
