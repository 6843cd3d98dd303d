// Running scenarios: each in a fresh world, several at once (--jobs), results
// reported in suite order as soon as they are known.
#pragma once

#include <functional>
#include <vector>

#include "harness/result.hpp"
#include "harness/scenario.hpp"
#include "harness/scenario_world.hpp"

namespace harness {

struct RunOptions {
  WorldOptions world;
  int jobs = 0;  // 0: the number of cores
};

// Runs one scenario; never throws: whatever goes wrong is in the result.
ScenarioResult run_scenario(const Scenario& scenario, const WorldOptions& options);

// Runs them all; `on_result` is called in suite order, from one thread at a time.
RunSummary run_scenarios(const std::vector<const Scenario*>& scenarios, const RunOptions& options,
                         const std::function<void(const ScenarioResult&)>& on_result);

}  // namespace harness
