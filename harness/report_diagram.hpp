// The HTML report's sequence diagram of one scenario: an inline SVG with a
// lane for each party that took part (never an unused one), a marker where
// each step begins, one arrow per request (the app's back-channel calls to
// Discord from the mock's journal included), and the failing expectation
// drawn on the step where it failed. Each arrow links to the exchange's
// details (request and answer) by id, so the page stays usable without
// scripts.
#pragma once

#include <string>
#include <vector>

#include "harness/result.hpp"

namespace harness {

// The parties of `trace` in lane order (browser, harness, tunnel, app,
// discord; any other after them).
std::vector<std::string> diagram_lanes(const Trace& trace);

// The id of the details element of event `index` of the scenario with id
// `scenario_id` ("s3-e7"); the report writes those elements under the diagram.
std::string exchange_id(const std::string& scenario_id, std::size_t index);

// "" when the scenario has no trace and no failure to draw.
std::string sequence_diagram(const ScenarioResult& result, const std::string& scenario_id);

}  // namespace harness
