// Checking a step's `expect:` against what the step produced and the state
// of the world (docs/scenario-format.md, expect:). Every listed key
// is checked, and each one that does not hold gives a Failure with the
// expected and the actual value.
#pragma once

#include <optional>
#include <vector>

#include "harness/result.hpp"
#include "harness/scenario.hpp"
#include "harness/scenario_world.hpp"
#include "harness/steps.hpp"

namespace harness {

std::vector<Failure> check_expectations(const Scenario& scenario, const Step& step,
                                        const std::optional<StepAnswer>& answer, ScenarioWorld& world);
// One expectation block of the step: its `expect:` or its `warn_unless:`.
std::vector<Failure> check_expect(const Scenario& scenario, const Step& step, const Expect& expect,
                                  const std::optional<StepAnswer>& answer, ScenarioWorld& world);

// Whether `url` starts with `prefix`; the query only counts where the prefix
// has one (so "${app}/callback" matches ".../callback?code=x").
bool url_matches_prefix(const std::string& url, const std::string& prefix);

}  // namespace harness
