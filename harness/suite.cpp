// Discovering, loading and selecting scenarios (see suite.hpp).
#include "harness/suite.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fnmatch.h>

#include "harness/loader.hpp"
#include "support/diagnostic.hpp"
#include "support/errors.hpp"

namespace harness {
namespace fs = std::filesystem;
namespace {

bool is_scenario_file(const fs::path& path) { return path.extension() == ".yaml" || path.extension() == ".yml"; }

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() > 1 && name[0] == '.';
}

std::vector<std::string> files_under(const fs::path& folder) {
  std::vector<std::string> files;
  std::error_code error;
  fs::recursive_directory_iterator it(folder, error), end;
  if (error) throw support::InputError(folder.string() + ": cannot read folder: " + error.message());
  for (; it != end; it.increment(error)) {
    if (error) throw support::InputError(folder.string() + ": cannot read folder: " + error.message());
    if (is_hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && is_scenario_file(it->path())) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw support::InputError(folder.string() + ": no scenario files (*.yaml, *.yml) in this folder");
  return files;
}

std::vector<std::string> files_for(const std::string& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) throw support::InputError(path + ": no such file or folder");
  if (fs::is_directory(status)) return files_under(path);
  return {path};
}

// Adds `files` to `run_order`, skipping ones already there.
void add_unique(const std::vector<std::string>& files, std::vector<std::string>& run_order, std::set<std::string>& seen) {
  for (const auto& file : files) {
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(file, error);
    if (seen.insert(error ? file : canonical.string()).second) run_order.push_back(file);
  }
}

std::string duplicate_name_error(const Scenario& later, const Scenario& first) {
  YAML::Mark mark = later.reader->root()["name"].Mark();
  return support::format_diagnostic(later.reader->source(), mark.line + 1, mark.column + 1,
                                    "the scenario name '" + later.name + "' is also used by " + first.file + ":" +
                                        std::to_string(first.name_line) + "; names must be unique in a suite");
}

}  // namespace

std::vector<std::string> discover_scenarios(const std::vector<std::string>& paths) {
  std::vector<std::string> run_order;
  std::set<std::string> seen;
  for (const auto& path : paths) add_unique(files_for(path), run_order, seen);
  return run_order;
}

LoadedSuite load_suite(const std::vector<std::string>& paths) {
  LoadedSuite suite;
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const auto& path : paths) {
    try {
      add_unique(files_for(path), files, seen);
    } catch (const support::InputError& error) {
      suite.errors.push_back(error.what());
      suite.error_files.push_back(path);
    }
  }
  suite.files = files.size();
  std::map<std::string, std::size_t> by_name;
  for (const auto& file : files) {
    try {
      Scenario scenario = load_scenario(file);
      auto [known, added] = by_name.emplace(scenario.name, suite.scenarios.size());
      if (!added) {
        suite.errors.push_back(duplicate_name_error(scenario, suite.scenarios[known->second]));
        suite.error_files.push_back(file);
        continue;
      }
      suite.scenarios.push_back(std::move(scenario));
    } catch (const support::InputError& error) {
      suite.errors.push_back(error.what());
      suite.error_files.push_back(file);
    }
  }
  return suite;
}

Shard parse_shard(const std::string& text) {
  auto slash = text.find('/');
  auto number = [&](const std::string& part) {
    if (part.empty() || part.size() > 6 || !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
    return std::stoi(part);
  };
  Shard shard;
  if (slash != std::string::npos) {
    shard.index = number(text.substr(0, slash));
    shard.count = number(text.substr(slash + 1));
  }
  if (slash == std::string::npos || shard.index < 1 || shard.count < 1 || shard.index > shard.count)
    throw support::UsageError("--shard takes I/N with 1 <= I <= N, like 2/4; found '" + text + "'");
  return shard;
}

std::vector<const Scenario*> select_scenarios(const std::vector<Scenario>& scenarios, const Selection& selection) {
  std::vector<const Scenario*> kept;
  for (const auto& scenario : scenarios) {
    auto has = [&scenario](const std::string& tag) {
      return std::find(scenario.tags.begin(), scenario.tags.end(), tag) != scenario.tags.end();
    };
    // --tag T keeps scenarios with any T; --tag '!T' and --skip-tag T drop those with T.
    bool wanted_any = false, tagged = false, excluded = false;
    for (const auto& tag : selection.tags) {
      if (tag.size() > 1 && tag[0] == '!') {
        excluded = excluded || has(tag.substr(1));
      } else {
        wanted_any = true;
        tagged = tagged || has(tag);
      }
    }
    for (const auto& tag : selection.skip_tags) excluded = excluded || has(tag);
    tagged = (tagged || !wanted_any) && !excluded;
    bool named = selection.name_glob.empty() || fnmatch(selection.name_glob.c_str(), scenario.name.c_str(), 0) == 0;
    if (tagged && named) kept.push_back(&scenario);
  }
  if (!selection.shard) return kept;
  std::vector<const Scenario*> slice;
  for (std::size_t i = 0; i < kept.size(); ++i)
    if (static_cast<int>(i % selection.shard->count) == selection.shard->index - 1) slice.push_back(kept[i]);
  return slice;
}

RunSummary load_error_summary(const LoadedSuite& suite) {
  RunSummary summary;
  for (std::size_t i = 0; i < suite.errors.size(); ++i) {
    ScenarioResult result;
    result.name = "invalid file " + suite.error_files[i];
    result.file = suite.error_files[i];
    result.outcome = ScenarioResult::Outcome::error;
    Failure failure;
    failure.message = suite.errors[i];
    result.failures.push_back(failure);
    summary.results.push_back(std::move(result));
  }
  return summary;
}

namespace {

void print_errors(const LoadedSuite& suite, std::ostream& err) {
  for (const auto& error : suite.errors) err << error << "\n\n";
  err << suite.errors.size() << (suite.errors.size() == 1 ? " error" : " errors") << " in " << suite.files
      << (suite.files == 1 ? " scenario file" : " scenario files") << "\n";
}

}  // namespace

int check_command(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  LoadedSuite suite = load_suite(paths);
  if (!suite.ok()) {
    print_errors(suite, err);
    return static_cast<int>(support::ExitCode::invalid_input);
  }
  std::size_t steps = 0;
  for (const auto& scenario : suite.scenarios) steps += scenario.steps.size();
  out << suite.scenarios.size() << (suite.scenarios.size() == 1 ? " scenario" : " scenarios") << " OK (" << steps
      << (steps == 1 ? " step)\n" : " steps)\n");
  return static_cast<int>(support::ExitCode::ok);
}

int list_command(const std::vector<std::string>& paths, const Selection& selection, std::ostream& out,
                 std::ostream& err) {
  LoadedSuite suite = load_suite(paths);
  if (!suite.ok()) {
    print_errors(suite, err);
    return static_cast<int>(support::ExitCode::invalid_input);
  }
  for (const Scenario* scenario : select_scenarios(suite.scenarios, selection)) {
    out << scenario->name;
    if (!scenario->tags.empty()) {
      out << "  [";
      for (std::size_t i = 0; i < scenario->tags.size(); ++i) out << (i ? ", " : "") << scenario->tags[i];
      out << "]";
    }
    out << "  " << scenario->file;
    if (scenario->skip) out << "  (skipped: " << *scenario->skip << ")";
    out << "\n";
  }
  return static_cast<int>(support::ExitCode::ok);
}

}  // namespace harness
