// build/bin/harness: `harness run|check|list PATH...`, `harness check-app`
// and `harness init` (see docs/scenario-format.md, "Running suites",
// "Checking your own app" and "A starter suite for your app").
// A thin shell over the harness library.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "harness/app_contract.hpp"
#include "harness/app_under_test.hpp"
#include "harness/progress_line.hpp"
#include "harness/report.hpp"
#include "harness/report_card.hpp"
#include "harness/runner.hpp"
#include "harness/shipped_files.hpp"
#include "harness/starter_suite.hpp"
#include "harness/suite.hpp"
#include "support/duration.hpp"
#include "support/errors.hpp"
#include "support/signals.hpp"
#include "support/terminal.hpp"

namespace {

struct Arguments {
  std::vector<std::string> paths;
  std::string app_command;
  int jobs = 0;
  std::vector<std::string> tags;
  std::vector<std::string> skip_tags;
  bool fail_fast = false;
  bool mock_http = false;
  std::string name_glob;
  std::string junit, json, html;
  std::optional<std::uint64_t> seed;
  std::string shard;
  std::string timeout;
  harness::AppFlagText app_flags;
};

harness::Selection selection_of(const Arguments& arguments) {
  harness::Selection selection;
  selection.tags = arguments.tags;
  selection.skip_tags = arguments.skip_tags;
  selection.name_glob = arguments.name_glob;
  if (!arguments.shard.empty()) selection.shard = harness::parse_shard(arguments.shard);
  return selection;
}

// A report that cannot be written must not cost the run: its folder is
// checked before anything runs.
void check_report_path(const std::string& option, const std::string& path) {
  if (path.empty()) return;
  std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  if (!std::filesystem::is_directory(folder) || ::access(folder.c_str(), W_OK) != 0)
    throw support::UsageError(option + " " + path + ": cannot write into " + folder.string());
}

// Writes every requested report, each on its own; returns false when one failed.
bool write_reports(const Arguments& arguments, const harness::RunSummary& summary) {
  bool ok = true;
  auto write = [&](const std::string& path, void (*writer)(const std::string&, const harness::RunSummary&)) {
    if (path.empty()) return;
    try {
      writer(path, summary);
    } catch (const std::exception& error) {
      std::cerr << "harness: " << error.what() << std::endl;
      ok = false;
    }
  };
  write(arguments.junit, harness::write_junit_report);
  write(arguments.json, harness::write_json_report);
  write(arguments.html, harness::write_html_report);
  return ok;
}

// Ctrl-C, a CI cancellation (SIGTERM) or a closed terminal (SIGHUP): the
// apps are stopped, the reports say what had finished and what had not, and
// the exit code says which signal (128 + its number). Allocated once and
// never freed: the watcher thread may use it until the process ends.
struct Interruption {
  support::StopSignals signals;  // constructed before any thread starts
  harness::RunProgress progress;
  std::mutex finishing;  // whoever takes it first ends the run
};

[[noreturn]] void watch_for_signals(Interruption& interruption, const Arguments& arguments) {
  const int signal_number = interruption.signals.wait();
  std::lock_guard<std::mutex> lock(interruption.finishing);
  const char* abbreviation = sigabbrev_np(signal_number);
  const std::string name = std::string("SIG") + (abbreviation ? abbreviation : "?");
  std::cerr << "\nharness: " << name << " received: stopping the apps and writing the reports" << std::endl;
  const harness::RunSummary summary = interruption.progress.interrupted("the run was interrupted by " + name);
  harness::stop_all_command_apps(harness::CommandAppOptions{}.stop_grace);
  write_reports(arguments, summary);
  std::cout << summary.closing_line() << " (interrupted by " << name << ")" << std::endl;
  std::_Exit(128 + signal_number);
}

// Runs the selected scenarios, printing each result as it comes, and writes
// the reports; nullopt when the suite does not load (the errors are printed,
// and the reports show them). `reports_written` says whether every report
// could be written.
std::optional<harness::RunSummary> run_suite(const Arguments& arguments, bool print_results, bool& reports_written) {
  auto* interruption = new Interruption;
  std::thread([interruption, arguments] { watch_for_signals(*interruption, arguments); }).detach();
  check_report_path("--junit", arguments.junit);
  check_report_path("--json", arguments.json);
  check_report_path("--report", arguments.html);
  harness::LoadedSuite suite = harness::load_suite(arguments.paths);
  if (!suite.ok()) {
    for (const auto& error : suite.errors) std::cerr << error << "\n\n";
    std::cerr << suite.errors.size() << " invalid file(s); nothing was run\n";
    // A CI report publisher must show why nothing ran.
    write_reports(arguments, harness::load_error_summary(suite));
    return std::nullopt;
  }
  const auto selected = harness::select_scenarios(suite.scenarios, selection_of(arguments));
  // A mistyped --tag or --name must not turn a CI gate green by running nothing.
  if (selected.empty() && !suite.scenarios.empty() &&
      (!arguments.tags.empty() || !arguments.skip_tags.empty() || !arguments.name_glob.empty()))
    throw support::UsageError("no scenario matches the --tag/--skip-tag/--name filters (" + std::to_string(suite.scenarios.size()) +
                              " scenarios loaded; `harness list` shows them)");

  harness::RunOptions options;
  options.progress = &interruption->progress;
  options.jobs = arguments.jobs;
  options.world.seed = arguments.seed;
  if (!arguments.timeout.empty()) {
    auto limit = support::parse_duration(arguments.timeout);
    if (!limit || limit->count() <= 0)
      throw support::UsageError("--timeout " + arguments.timeout + ": expected a duration like 90s or 5m");
    options.world.timeout = *limit;
  }
  if (!arguments.app_command.empty()) options.world.app_command = arguments.app_command;
  options.world.app = harness::parse_app_flags(arguments.app_flags);
  options.world.mock_http = arguments.mock_http;
  if (options.world.app.intercept_discord && arguments.mock_http)
    throw support::UsageError("--intercept-discord needs the mock's https (discord.com is https only): leave out --mock-http");
  if (options.world.app.intercept_discord && arguments.app_command.empty())
    throw support::UsageError("--intercept-discord needs --app-cmd: it stands in for discord.com for an app run as a "
                              "command (the reference app runs inside the harness and is told the mock's URLs)");
  options.fail_fast = arguments.fail_fast;
  // On a terminal: coloured verdicts (unless NO_COLOR) and a live progress
  // line; piped output stays plain, one line per result.
  const bool colour = support::colour_wanted(STDOUT_FILENO);
  std::mutex console;
  std::optional<harness::ProgressLine> progress_line;
  if (support::is_terminal(STDOUT_FILENO)) progress_line.emplace(interruption->progress, std::cout, console);
  harness::RunSummary summary =
      harness::run_scenarios(selected, options, [&](const harness::ScenarioResult& result) {
        if (!print_results) return;
        std::lock_guard<std::mutex> lock(console);
        if (progress_line) progress_line->clear();
        std::cout << harness::console_report(result, colour) << std::flush;
      });
  progress_line.reset();
  interruption->finishing.lock();  // held until exit: a late signal changes nothing now
  reports_written = write_reports(arguments, summary);
  return summary;
}

int run_command(const Arguments& arguments) {
  bool reports_written = false;
  auto summary = run_suite(arguments, true, reports_written);
  if (!summary) return static_cast<int>(support::ExitCode::invalid_input);
  std::cout << summary->closing_line() << std::endl;
  if (summary->count(harness::ScenarioResult::Outcome::failed) > 0) return static_cast<int>(support::ExitCode::failed);
  return reports_written ? 0 : static_cast<int>(support::ExitCode::system);
}

// `harness check-app`: the app-agnostic suite, then the report card.
int check_app_command(Arguments arguments) {
  if (arguments.paths.empty()) arguments.paths = {harness::default_apps_suite()};
  if (!std::filesystem::exists(arguments.paths.front()))
    throw support::UsageError("the apps suite " + arguments.paths.front() + " does not exist");
  bool reports_written = false;
  auto summary = run_suite(arguments, false, reports_written);
  if (!summary) return static_cast<int>(support::ExitCode::invalid_input);
  const harness::ReportCard card = harness::grade_results(*summary);
  const std::string app = arguments.app_command.empty() ? "the reference app" : "`" + arguments.app_command + "`";
  std::cout << harness::render_report_card(card, *summary, app) << std::endl;
  if (card.failed > 0) return static_cast<int>(support::ExitCode::failed);
  return reports_written ? 0 : static_cast<int>(support::ExitCode::system);
}

// `harness init`: the starter suite, then where it went and how to run it.
int init_command(const harness::StarterSuiteOptions& options) {
  for (const std::string& path : harness::write_starter_suite(options)) std::cout << "wrote " << path << "\n";
  std::cout << "run it: harness run " << options.folder << std::endl;
  return 0;
}

}  // namespace

// The options `run` and `check-app` share: parallelism, reports, seed.
void add_run_options(CLI::App& command, Arguments& arguments) {
  command.add_option("--jobs,-j", arguments.jobs, "scenarios at once (default: the number of cores)")
      ->check(CLI::Range(1, 256));
  command.add_option("--junit", arguments.junit, "write a JUnit XML report");
  command.add_option("--json", arguments.json, "write a JSON report");
  command.add_option("--report", arguments.html, "write a self-contained HTML report");
  command.add_option("--seed", arguments.seed, "seed for the mock's values and the tunnel's URLs");
  command.add_option("--timeout", arguments.timeout,
                     "time limit of each scenario without its own timeout: (default 60s)");
  command.add_flag("--mock-http", arguments.mock_http,
                   "every scenario's mock speaks plain http, as `https: false` makes it (default: https, as Discord)");
  command.add_flag("--fail-fast", arguments.fail_fast,
                   "start no scenario after the first failure (the rest are reported as skipped)");
}

int main(int argc, char** argv) {
  CLI::App cli{"Runs Discord OAuth2 login scenarios against an offline mock Discord."};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string("harness ") + PROJECT_VERSION);
  Arguments arguments;

  CLI::App* run = cli.add_subcommand("run", "run scenarios (exit 0: all passed, 1: some failed, 2: invalid input)");
  run->add_option("paths", arguments.paths, "scenario files or folders")->required();
  run->add_option("--app-cmd", arguments.app_command, "run scenarios that do not set app kind against this command");
  add_run_options(*run, arguments);
  run->add_option("--tag", arguments.tags, "only scenarios with this tag (repeatable); '!T' leaves out those with T");
  run->add_option("--skip-tag", arguments.skip_tags, "leave out scenarios with this tag (repeatable)");
  run->add_option("--name", arguments.name_glob, "only scenarios whose name matches this glob");
  run->add_option("--shard", arguments.shard, "run the I-th of N slices, e.g. 2/4");
  harness::add_app_flags(*run, arguments.app_flags);

  CLI::App* check_app = cli.add_subcommand(
      "check-app", "run the app-agnostic suite (scenarios/apps) against an app and print its report card");
  check_app->add_option("--app-cmd", arguments.app_command, "the app, as a command (default: the reference app)");
  harness::add_app_flags(*check_app, arguments.app_flags);
  check_app->add_option("--suite", arguments.paths, "the suite to run (default: scenarios/apps here, else the installed one)");
  add_run_options(*check_app, arguments);

  CLI::App* check = cli.add_subcommand("check", "validate scenario files without running them");
  check->add_option("paths", arguments.paths, "scenario files or folders")->required();

  CLI::App* list = cli.add_subcommand("list", "list the scenarios that would run");
  list->add_option("paths", arguments.paths, "scenario files or folders")->required();
  list->add_option("--tag", arguments.tags, "only scenarios with this tag (repeatable); '!T' leaves out those with T");
  list->add_option("--skip-tag", arguments.skip_tags, "leave out scenarios with this tag (repeatable)");
  list->add_option("--name", arguments.name_glob, "only scenarios whose name matches this glob");
  list->add_option("--shard", arguments.shard, "the I-th of N slices, e.g. 2/4");

  harness::StarterSuiteOptions starter;
  CLI::App* init = cli.add_subcommand(
      "init", "write a starter suite for your app (sign-in, state check, a spent code, a cancel) and its README");
  init->add_option("folder", starter.folder, "where to write it; never overwrites a file")
      ->capture_default_str();
  init->add_option("--app-cmd", starter.app_command, "the command that starts your app, run from here")->required();
  harness::add_app_flags(*init, starter.app_flags);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = cli.exit(error);
    return code == 0 ? 0 : static_cast<int>(support::ExitCode::invalid_input);
  }

  try {
    if (*check) return harness::check_command(arguments.paths, std::cout, std::cerr);
    if (*list) return harness::list_command(arguments.paths, selection_of(arguments), std::cout, std::cerr);
    if (*check_app) return check_app_command(arguments);
    if (*init) return init_command(starter);
    return run_command(arguments);
  } catch (const support::Error& error) {
    std::cerr << "harness: " << error.what() << std::endl;
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    std::cerr << "harness: internal error: " << error.what() << std::endl;
    return static_cast<int>(support::ExitCode::system);
  }
}
