// What ships with the harness, found from where it runs (see shipped_files.hpp).
#include "harness/shipped_files.hpp"

#include "support/errors.hpp"

namespace harness {

std::filesystem::path running_program_folder() {
  std::error_code error;
  return std::filesystem::read_symlink("/proc/self/exe", error).parent_path();
}

std::string default_apps_suite(const std::filesystem::path& working_folder, const std::filesystem::path& program_folder) {
  const std::filesystem::path in_clone = "scenarios/apps";
  const std::filesystem::path installed =
      (program_folder / ".." / "share" / "discord_oauth_mock" / "scenarios" / "apps").lexically_normal();
  std::error_code error;
  if (std::filesystem::is_directory(working_folder / in_clone, error)) return in_clone.string();
  if (std::filesystem::is_directory(installed, error)) return installed.string();
  throw support::UsageError("the apps suite is neither in " + (working_folder / in_clone).lexically_normal().string() +
                            " (a clone of the project) nor in " + installed.string() +
                            " (an install): run from the project's folder or give --suite");
}

}  // namespace harness
