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

namespace {

nlohmann::json failures_json(const std::vector<Failure>& failures) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& failure : failures) {
    nlohmann::json item = {{"step", failure.step},
                           {"step_label", failure.step_label},
                           {"where", failure.where},
                           {"expectation", failure.expectation},
                           {"expected", failure.expected},
                           {"actual", failure.actual},
                           {"message", failure.message}};
    if (!failure.advice.empty()) item["advice"] = failure.advice;
    list.push_back(item);
  }
  return list;
}

}  // namespace

std::string ScenarioResult::verdict() const {
  switch (outcome) {
    case Outcome::failed: return "fail";
    case Outcome::error: return "error";
    case Outcome::skipped: return "skip";
    case Outcome::passed: break;
  }
  return warnings.empty() ? "pass" : "warn";
}

nlohmann::json ScenarioResult::to_json() const {
  nlohmann::json failure_list = failures_json(failures);
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
  if (!about.empty()) out["about"] = about;
  nlohmann::json step_list = nlohmann::json::array();
  for (const auto& step : steps)
    step_list.push_back({{"step", step.number}, {"label", step.label}, {"where", step.where}, {"verdict", step.verdict}});
  out["steps"] = step_list;
  out["verdict"] = verdict();
  if (!warnings.empty()) out["warnings"] = failures_json(warnings);
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
  int warned = 0;
  for (const auto& result : results) warned += result.verdict() == "warn" ? 1 : 0;
  if (warned > 0) line += ", " + std::to_string(warned) + " with warnings";
  int errors = count(ScenarioResult::Outcome::error);
  if (errors > 0) line += ", " + std::to_string(errors) + (errors == 1 ? " error" : " errors");
  return line;
}

}  // namespace harness
