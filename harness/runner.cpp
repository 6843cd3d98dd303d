// The scenario runner: set up a world, run the steps, check expectations,
// collect the trace and what a failure report needs.
#include "harness/runner.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "harness/expectations.hpp"
#include "harness/steps.hpp"
#include "harness/trace_detail.hpp"
#include "support/url.hpp"
#include "support/errors.hpp"

namespace harness {
namespace {

constexpr std::size_t journal_tail_length = 8;
constexpr std::size_t app_output_lines = 30;

Failure step_failure(const Scenario& scenario, const Step& step, const std::string& message) {
  Failure failure;
  failure.step = step.number;
  failure.step_label = step.label();
  failure.where = scenario.where(step);
  failure.message = message;
  return failure;
}

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The mock's journal as trace events: what the app (or the harness) asked
// Discord. Browser visits to authorize are already hops, and raw requests
// are already harness events, so those are left out.
void add_journal_events(const Scenario& scenario, ScenarioWorld& world,
                        const std::vector<std::uint64_t>& step_first_sequence, ScenarioResult& result) {
  const auto entries = world.mock().journal();
  for (const auto& entry : entries) {
    int step = 0;
    for (std::size_t i = 0; i < step_first_sequence.size(); ++i)
      if (entry.sequence >= step_first_sequence[i]) step = static_cast<int>(i) + 1;
    if (entry.endpoint == "authorize") continue;
    if (step > 0 && std::holds_alternative<action::Request>(scenario.steps[step - 1].action)) continue;
    TraceEvent event;
    event.at_ms = world.since_start_ms(entry.arrived);
    event.step = step;
    event.from = party::app;
    event.to = party::discord;
    event.method = entry.method;
    event.url = entry.path;
    event.status = entry.status;
    event.note = entry.rule.empty() ? "" : "rule: " + entry.rule;
    // The journal keeps what the app sent (redacted), not the answer's body.
    event.request = request_detail(entry.method, entry.query.empty() ? entry.path : entry.path + "?" + support::build_form(entry.query),
                                   {}, support::build_form(entry.form));
    event.answer = entry.status == 0 ? "no valid answer" : answer_detail(entry.status, {}, "");
    if (!entry.rule.empty()) event.answer += "\n(the scenario's rule fired: " + entry.rule + ")";
    result.trace.push_back(event);
  }
  std::stable_sort(result.trace.begin(), result.trace.end(),
                   [](const TraceEvent& a, const TraceEvent& b) { return a.at_ms < b.at_ms; });
  std::size_t first = entries.size() > journal_tail_length ? entries.size() - journal_tail_length : 0;
  for (std::size_t i = first; i < entries.size(); ++i) result.journal_tail.push_back(entries[i].to_line());
}

std::uint64_t next_journal_sequence(ScenarioWorld& world) {
  auto last = world.mock().journal_store().last(1);
  return last.empty() ? 0 : last.back().sequence + 1;
}

void run_steps(const Scenario& scenario, ScenarioWorld& world, ScenarioResult& result) {
  std::vector<std::uint64_t> step_first_sequence;
  for (const Step& step : scenario.steps) {
    step_first_sequence.push_back(next_journal_sequence(world));
    const std::size_t warnings_before = result.warnings.size();
    std::optional<StepAnswer> answer;
    try {
      answer = run_action(step, world, result.trace);
      if (answer && answer->status != 0) world.record_answer(step.number, answer->body);
      auto failures = check_expectations(scenario, step, answer, world);
      result.failures.insert(result.failures.end(), failures.begin(), failures.end());
      if (step.warn_unless) {
        auto warnings = check_expect(scenario, step, *step.warn_unless, answer, world);
        result.warnings.insert(result.warnings.end(), warnings.begin(), warnings.end());
      }
    } catch (const std::exception& error) {
      // StepError, PlaceholderError, AppStartError, a bad value at run time:
      // the step fails with the reason; the run goes on to the next scenario.
      result.failures.push_back(step_failure(scenario, step, error.what()));
    }
    // Every wait inside the step ends at the deadline; a step that ran into
    // it fails, the last one too, whatever it saw.
    if (std::chrono::steady_clock::now() >= world.deadline())
      result.failures.insert(result.failures.begin(),
                             step_failure(scenario, step, "the scenario ran out of time (timeout " +
                                                              support::format_duration(world.time_limit()) +
                                                              ") in this step"));
    if (step.number >= 1 && static_cast<std::size_t>(step.number) <= result.steps.size())
      result.steps[step.number - 1].verdict = !result.failures.empty()              ? "failed"
                                            : result.warnings.size() > warnings_before ? "warned"
                                                                                       : "passed";
    if (!result.failures.empty()) {
      // An app that crashed shows as an empty answer: say what happened to it.
      if (world.app() && !world.app()->ended_how().empty())
        result.failures.push_back(step_failure(scenario, step, "the app " + world.app()->ended_how()));
      if (answer) result.hops = answer->hop_lines;
      break;
    }
  }
  add_journal_events(scenario, world, step_first_sequence, result);
}

}  // namespace

namespace {

// Every step "not run" until it runs.
std::vector<StepResult> planned_steps(const Scenario& scenario) {
  std::vector<StepResult> steps;
  for (const Step& step : scenario.steps) steps.push_back({step.number, step.label(), scenario.where(step), "not run"});
  return steps;
}

// A scenario the run did not start, skipped for `reason`.
ScenarioResult not_run(const Scenario& scenario, const std::string& reason) {
  ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file;
  result.about = scenario.about;
  result.tags = scenario.tags;
  result.steps = planned_steps(scenario);
  result.outcome = ScenarioResult::Outcome::skipped;
  result.skip_reason = reason;
  return result;
}

}  // namespace

ScenarioResult run_scenario(const Scenario& scenario, const WorldOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file;
  result.about = scenario.about;
  result.tags = scenario.tags;
  result.steps = planned_steps(scenario);
  if (scenario.skip) {
    result.outcome = ScenarioResult::Outcome::skipped;
    result.skip_reason = *scenario.skip;
    return result;
  }
  const AppSpec app = effective_app(scenario.app, options.app, options.app_command.has_value());
  for (const std::string& need : scenario.requires_app) {
    if (need == "refreshes" && !app.refreshes) {
      result.outcome = ScenarioResult::Outcome::skipped;
      result.skip_reason = "needs an app that refreshes tokens itself (app: refreshes: true, or --app-refreshes true)";
      return result;
    }
  }
  std::unique_ptr<ScenarioWorld> world;
  try {
    world = std::make_unique<ScenarioWorld>(scenario, options);
    run_steps(scenario, *world, result);
  } catch (const std::exception& error) {
    Failure failure;
    failure.where = scenario.file;
    failure.message = std::string("the world could not be set up: ") + error.what();
    result.failures.push_back(failure);
  }
  if (world && world->app()) result.app_output_tail = world->app()->output_tail(app_output_lines);
  world.reset();
  result.outcome = result.failures.empty() ? ScenarioResult::Outcome::passed : ScenarioResult::Outcome::failed;
  result.duration_ms = since(started);
  return result;
}

RunProgress::Snapshot RunProgress::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Snapshot snapshot;
  snapshot.total = scenarios_.size();
  snapshot.elapsed_ms = since(started_);
  for (std::size_t i = 0; i < scenarios_.size(); ++i) {
    if (done_[i]) ++snapshot.done;
    if (i < running_.size() && running_[i]) snapshot.running.push_back(scenarios_[i]->name);
  }
  return snapshot;
}

RunSummary RunProgress::interrupted(const std::string& reason) const {
  std::lock_guard<std::mutex> lock(mutex_);
  RunSummary summary;
  summary.duration_ms = since(started_);
  for (std::size_t i = 0; i < scenarios_.size(); ++i) {
    if (done_[i]) {
      summary.results.push_back(results_[i]);
      continue;
    }
    ScenarioResult result;
    result.name = scenarios_[i]->name;
    result.file = scenarios_[i]->file;
    result.about = scenarios_[i]->about;
    result.tags = scenarios_[i]->tags;
    result.steps = planned_steps(*scenarios_[i]);
    result.outcome = ScenarioResult::Outcome::error;
    Failure failure;
    failure.where = scenarios_[i]->file;
    failure.message = "not finished: " + reason;
    result.failures.push_back(failure);
    summary.results.push_back(std::move(result));
  }
  return summary;
}

RunSummary run_scenarios(const std::vector<const Scenario*>& scenarios, const RunOptions& options,
                         const std::function<void(const ScenarioResult&)>& on_result) {
  RunProgress own_progress;
  RunProgress& progress = options.progress ? *options.progress : own_progress;
  {
    std::lock_guard<std::mutex> lock(progress.mutex_);
    progress.started_ = std::chrono::steady_clock::now();
    progress.scenarios_ = scenarios;
    progress.results_.assign(scenarios.size(), ScenarioResult{});
    progress.done_.assign(scenarios.size(), false);
    progress.running_.assign(scenarios.size(), false);
  }
  std::size_t next_to_report = 0;
  std::atomic<std::size_t> next_to_run{0};

  std::atomic<bool> stopped{false};
  auto worker = [&] {
    for (std::size_t index; (index = next_to_run++) < scenarios.size();) {
      ScenarioResult result;
      if (stopped) {
        result = not_run(*scenarios[index], "not run: --fail-fast stopped the run after a failure");
      } else {
        {
          std::lock_guard<std::mutex> lock(progress.mutex_);
          progress.running_[index] = true;
        }
        result = run_scenario(*scenarios[index], options.world);
        if (options.fail_fast && (result.outcome == ScenarioResult::Outcome::failed ||
                                  result.outcome == ScenarioResult::Outcome::error))
          stopped = true;
      }
      std::lock_guard<std::mutex> lock(progress.mutex_);  // also: on_result one at a time
      progress.running_[index] = false;
      progress.results_[index] = std::move(result);
      progress.done_[index] = true;
      while (next_to_report < scenarios.size() && progress.done_[next_to_report])
        on_result(progress.results_[next_to_report++]);
    }
  };
  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  jobs = std::min<int>(jobs, static_cast<int>(std::max<std::size_t>(1, scenarios.size())));
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  std::lock_guard<std::mutex> lock(progress.mutex_);
  RunSummary summary;
  summary.results = progress.results_;
  summary.duration_ms = since(progress.started_);
  return summary;
}

}  // namespace harness
