// Carrying out one step's action in a scenario's world, and what it answered.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/http_exchange.hpp"
#include "harness/scenario.hpp"
#include "harness/scenario_world.hpp"
#include "harness/trace.hpp"

namespace harness {

// The answer a step produced, what its expectations check.
struct StepAnswer {
  int status = 0;                      // 0: no complete HTTP answer (see error_code)
  std::string url;                     // the final URL
  std::vector<std::string> hop_urls;   // every URL requested, in order
  std::vector<std::string> hop_lines;  // "302 GET URL -> Location" for reports
  HttpHeaders headers;
  std::string body;
  std::string error_code;  // ERR_CONNECTION_RESET, ... when status is 0
  std::string error;
};

// The step could not be carried out at all (no consent page to press, no
// callback to replay, a placeholder with no value yet): the step fails with
// this message.
class StepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs the action; appends what crossed the wire to `trace`. Returns the
// answer for actions that produce one (produces_answer()).
std::optional<StepAnswer> run_action(const Step& step, ScenarioWorld& world, Trace& trace);

}  // namespace harness
