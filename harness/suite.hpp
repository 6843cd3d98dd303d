// Suites: finding scenario files under the paths a user gives, loading them
// all (reporting every broken file, not just the first), checking that
// names are unique, and choosing which scenarios run (--tag, --name, --shard).
// Also what `harness check` and `harness list` print.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "harness/scenario.hpp"

namespace harness {

// Files in run order: each path in the order given; a folder is searched
// recursively for *.yaml and *.yml (hidden entries skipped), sorted by path;
// a file named explicitly is taken whatever its extension. The same file
// reached twice runs once. Throws support::InputError for a missing path or
// a folder without scenarios.
std::vector<std::string> discover_scenarios(const std::vector<std::string>& paths);

struct LoadedSuite {
  std::vector<Scenario> scenarios;  // the files that loaded, in run order
  std::vector<std::string> errors;  // complete messages (file:line:col, the line, a caret)
  std::vector<std::string> error_files;  // the file (or path given) of each error
  std::size_t files = 0;            // scenario files found

  bool ok() const { return errors.empty(); }
};

// Discovers and loads every file; never stops at the first error. A name
// used by two files is an error naming both.
LoadedSuite load_suite(const std::vector<std::string>& paths);

// The load errors as results (outcome error), so that reports show them.
RunSummary load_error_summary(const LoadedSuite& suite);

// --shard I/N: the I-th of N deterministic slices (1-based).
struct Shard {
  int index = 1;
  int count = 1;
};
// "2/4"; throws support::UsageError.
Shard parse_shard(const std::string& text);

struct Selection {
  std::vector<std::string> tags;  // --tag (repeatable): a scenario with any of them; "!T" excludes T
  std::vector<std::string> skip_tags;  // --skip-tag (repeatable): never a scenario with any of them
  std::string name_glob;          // --name: fnmatch pattern on the scenario name; "" = all
  std::optional<Shard> shard;     // applied last, to what the filters kept, by position
};

// The scenarios to run, in run order.
std::vector<const Scenario*> select_scenarios(const std::vector<Scenario>& scenarios, const Selection& selection);

// `harness check PATH...`: every error, then a summary line. Returns the exit
// code: 0 when every file is valid, 2 otherwise.
int check_command(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

// `harness list PATH...`: one line per selected scenario (name, tags, file,
// skip reason). Returns 0, or 2 after printing the load errors.
int list_command(const std::vector<std::string>& paths, const Selection& selection, std::ostream& out,
                 std::ostream& err);

}  // namespace harness
