// Counting and serialising results.
#include "harness/result.hpp"

namespace harness {

std::string outcome_name(ScenarioResult::Outcome outcome) {
  switch (outcome) {
    case ScenarioResult::Outcome::passed: return "passed";
    case ScenarioResult::Outcome::failed: return "failed";
    case ScenarioResult::Outcome::skipped: return "skipped";
    case ScenarioResult::Outcome::error: return "error";
  }
  return "failed";
}

nlohmann::json ScenarioResult::to_json() const {
  nlohmann::json failure_list = nlohmann::json::array();
  for (const auto& failure : failures)
    failure_list.push_back({{"step", failure.step},
                            {"step_label", failure.step_label},
                            {"where", failure.where},
                            {"expectation", failure.expectation},
                            {"expected", failure.expected},
                            {"actual", failure.actual},
                            {"message", failure.message}});
  nlohmann::json trace_list = nlohmann::json::array();
  for (const auto& event : trace) trace_list.push_back(event.to_json());
  nlohmann::json out = {{"name", name},
                        {"file", file},
                        {"tags", tags},
                        {"outcome", outcome_name(outcome)},
                        {"duration_ms", duration_ms},
                        {"failures", failure_list},
                        {"hops", hops},
                        {"journal_tail", journal_tail},
                        {"app_output_tail", app_output_tail},
                        {"trace", trace_list}};
  if (outcome == Outcome::skipped) out["skip_reason"] = skip_reason;
  return out;
}

int RunSummary::count(ScenarioResult::Outcome outcome) const {
  int total = 0;
  for (const auto& result : results) total += result.outcome == outcome ? 1 : 0;
  return total;
}

std::string RunSummary::closing_line() const {
  std::string line = std::to_string(count(ScenarioResult::Outcome::passed)) + " passed, " +
                     std::to_string(count(ScenarioResult::Outcome::failed)) + " failed";
  int skipped = count(ScenarioResult::Outcome::skipped);
  if (skipped > 0) line += ", " + std::to_string(skipped) + " skipped";
  int errors = count(ScenarioResult::Outcome::error);
  if (errors > 0) line += ", " + std::to_string(errors) + (errors == 1 ? " error" : " errors");
  return line;
}

}  // namespace harness
