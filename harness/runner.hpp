// Running scenarios: each in a fresh world, several at once (--jobs), results
// reported in suite order as soon as they are known.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "harness/result.hpp"
#include "harness/scenario.hpp"
#include "harness/scenario_world.hpp"

namespace harness {

// What a run has gathered so far, readable from another thread while
// scenarios still run: an interrupted harness writes its reports from it.
class RunProgress {
 public:
  // The results so far in suite order; a scenario that had not finished is
  // an error saying `reason` ("interrupted by SIGINT").
  RunSummary interrupted(const std::string& reason) const;

  // For a live progress line: how many are done, of how many, and the
  // names of the scenarios running now.
  struct Snapshot {
    std::size_t done = 0, total = 0;
    std::vector<std::string> running;
    double elapsed_ms = 0;
  };
  Snapshot snapshot() const;

 private:
  friend RunSummary run_scenarios(const std::vector<const Scenario*>&, const struct RunOptions&,
                                  const std::function<void(const ScenarioResult&)>&);
  mutable std::mutex mutex_;
  std::vector<const Scenario*> scenarios_;
  std::vector<ScenarioResult> results_;
  std::vector<bool> done_;
  std::vector<bool> running_;
  std::chrono::steady_clock::time_point started_;
};

struct RunOptions {
  WorldOptions world;
  int jobs = 0;  // 0: the number of cores
  RunProgress* progress = nullptr;  // filled in as results come, when given
  // --fail-fast: after the first failure (or error) no scenario starts; the
  // ones left are skipped, saying why. Those already running finish.
  bool fail_fast = false;
};

// Runs one scenario; never throws: whatever goes wrong is in the result.
ScenarioResult run_scenario(const Scenario& scenario, const WorldOptions& options);

// Runs them all; `on_result` is called in suite order, from one thread at a time.
RunSummary run_scenarios(const std::vector<const Scenario*>& scenarios, const RunOptions& options,
                         const std::function<void(const ScenarioResult&)>& on_result);

}  // namespace harness
