// `harness init`'s starter suite (see starter_suite.hpp).
#include "harness/starter_suite.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "harness/embedded_files.hpp"
#include "support/errors.hpp"
#include "support/text.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;

constexpr const char* schema_source = "docs/scenario.schema.json";
constexpr const char* schema_name = "scenario.schema.json";
constexpr const char* schema_line = "# yaml-language-server: $schema=";

// The command and the flags, as a user types them again (README).
std::string shell_quoted(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/.:=@%+,-") ==
                           std::string::npos)
    return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The app: section every starter scenario gets: the flags become the keys
// of the same names, so the suite runs with a plain `harness run FOLDER`.
std::string app_section(const StarterSuiteOptions& options, const fs::path& run_from) {
  const AppFlagText& flags = options.app_flags;
  const AppOverrides overrides = parse_app_flags(flags);  // check-app's checks and messages
  std::string cwd = fs::relative(run_from, fs::absolute(options.folder)).generic_string();
  if (cwd.empty()) cwd = ".";

  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "app" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << "command";
  out << YAML::Key << "command" << YAML::Value << options.app_command;
  out << YAML::Key << "cwd" << YAML::Value << cwd;
  out << YAML::Key << "login_path" << YAML::Value << overrides.login_path.value_or(AppSpec{}.login_path);
  out << YAML::Key << "redirect_path" << YAML::Value << overrides.redirect_path.value_or(AppSpec{}.redirect_path);
  if (overrides.user_page) out << YAML::Key << "user_page" << YAML::Value << *overrides.user_page;
  if (overrides.refreshes) out << YAML::Key << "refreshes" << YAML::Value << *overrides.refreshes;
  if (overrides.ready_timeout) out << YAML::Key << "ready_timeout" << YAML::Value << flags.ready_timeout;
  if (overrides.intercept_discord) out << YAML::Key << "discord" << YAML::Value << "intercept";
  out << YAML::EndMap << YAML::EndMap;
  return "# Your app: started from `cwd` (relative to this file) with `command`; its routes.\n" +
         std::string(out.c_str()) + "\n";
}

// An apps-suite file with the local schema and the app's section before its
// steps. The embedded files are chosen in harness/CMakeLists.txt; a test
// keeps them fit for this.
std::string starter_scenario(const EmbeddedFile& source, const std::string& app) {
  const std::string text(source.text);
  const std::size_t first_line_end = text.find('\n');
  const std::size_t steps = text.find("\nsteps:\n");
  if (!support::text::starts_with(text, schema_line) || steps == std::string::npos ||
      text.find("\napp:") != std::string::npos)
    throw std::logic_error(std::string(source.path) + " cannot start a suite: it needs the schema line, no app: and steps:");
  return schema_line + std::string(schema_name) + "\n# From the apps suite's " + std::string(source.path) +
         " (written by `harness init`).\n" + text.substr(first_line_end + 1, steps - first_line_end) + app +
         text.substr(steps + 1);
}

std::string readme(const StarterSuiteOptions& options, const std::vector<StarterFile>& scenarios) {
  std::string folder = fs::path(options.folder).generic_string();
  if (!support::text::ends_with(folder, "/")) folder += "/";
  std::string flags = "--app-cmd " + shell_quoted(options.app_command);
  const AppFlagText& given = options.app_flags;
  const std::vector<std::pair<std::string, std::string>> given_flags = {
      {"--app-login-path", given.login_path}, {"--app-redirect-path", given.redirect_path},
      {"--app-user-page", given.user_page},   {"--app-refreshes", given.refreshes},
      {"--app-ready-timeout", given.ready_timeout}};
  for (const auto& [flag, value] : given_flags)
    if (!value.empty()) flags += " " + flag + " " + shell_quoted(value);
  if (given.intercept_discord) flags += " --intercept-discord";

  std::string out = "# Login tests\n\n"
                    "Sign-in checks for `" + options.app_command + "`, against an offline mock of Discord,\n"
                    "written by `harness init` from the apps suite (`scenarios/apps/`). Run them\n"
                    "from the folder `harness init` ran in:\n\n"
                    "    harness run " + shell_quoted(folder) + "\n\n"
                    "Add `--junit FILE`, `--json FILE` or `--report FILE.html` for reports;\n"
                    "`harness check " + shell_quoted(folder) + "` validates the files without running them.\n\n";
  for (const StarterFile& file : scenarios)
    out += "- `" + file.name + "`: " + YAML::Load(file.text)["name"].as<std::string>() + "\n";
  out += "\nEach file's `app:` section starts your app (`command`, run in `cwd`) and\n"
         "names its routes (`login_path`, `redirect_path`, `user_page`): change them\n"
         "there. The app gets the mock's URLs and credentials through the app\n"
         "contract's environment (`PORT`, `DISCORD_CLIENT_ID`, `DISCORD_REDIRECT_URI`,\n"
         "...). `expect:` must hold (a miss fails); `warn_unless:` is what a\n"
         "well-built app does (a miss warns); `advice:` says what to change.\n\n"
         "Editors with the YAML language server complete and check the files\n"
         "against `" + std::string(schema_name) + "` (the first line of each file names it).\n\n"
         "The whole apps suite (outages, rate limits, tokens, leaks, tunnels) with a\n"
         "report card (the installed suite, or `--suite PATH/scenarios/apps` of a\n"
         "clone of the project):\n\n"
         "    harness check-app " + flags + "\n";
  return out;
}

}  // namespace

std::vector<StarterFile> starter_suite_files(const StarterSuiteOptions& options) {
  if (options.app_command.find_first_not_of(" \t") == std::string::npos)
    throw support::UsageError("--app-cmd is required: the command that starts your app, e.g. --app-cmd \"python3 app.py\"");
  if (options.folder.empty()) throw support::UsageError("the folder to write is empty");
  const fs::path run_from = options.run_from.empty() ? fs::current_path() : fs::absolute(options.run_from);
  const std::string app = app_section(options, run_from);

  std::vector<StarterFile> files;
  std::string_view schema;
  for (const EmbeddedFile& source : embedded_files()) {
    if (source.path == schema_source) {
      schema = source.text;
      continue;
    }
    files.push_back({fs::path(source.path).filename().string(), starter_scenario(source, app)});
  }
  files.push_back({"README.md", readme(options, files)});
  files.push_back({schema_name, std::string(schema)});
  return files;
}

std::vector<std::string> write_starter_suite(const StarterSuiteOptions& options) {
  const std::vector<StarterFile> files = starter_suite_files(options);
  const fs::path folder(options.folder);
  auto already_there = [](const fs::path& path) {
    return support::UsageError(path.string() + " already exists: harness init never overwrites a file " +
                               "(remove it, or give another folder)");
  };
  std::error_code error;
  for (const StarterFile& file : files)
    if (fs::exists(fs::symlink_status(folder / file.name, error))) throw already_there(folder / file.name);
  if (fs::exists(folder, error) && !fs::is_directory(folder, error))
    throw support::UsageError(folder.string() + " exists and is not a folder");
  fs::create_directories(folder, error);
  if (error) throw support::SystemError("cannot create " + folder.string() + ": " + error.message());

  std::vector<std::string> written;
  for (const StarterFile& file : files) {
    const fs::path path = folder / file.name;
    // "x": fails instead of truncating a file that appeared meanwhile.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path.c_str(), "wx"), std::fclose);
    if (!out && errno == EEXIST) throw already_there(path);
    if (!out) throw support::SystemError("cannot write " + path.string() + ": " + std::strerror(errno));
    if (std::fwrite(file.text.data(), 1, file.text.size(), out.get()) != file.text.size() ||
        std::fflush(out.get()) != 0)
      throw support::SystemError("cannot write " + path.string() + ": " + std::strerror(errno));
    written.push_back(path.string());
  }
  return written;
}

}  // namespace harness
