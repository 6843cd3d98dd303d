// What running scenarios produced: one ScenarioResult per scenario, with
// everything a person needs to act on a failure (the step, the expectation,
// expected against actual, the hops, the mock's last journal entries, the
// app's output tail) and the full trace for reports.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/trace.hpp"

namespace harness {

struct Failure {
  int step = 0;             // 1-based; 0 = the world could not be set up
  std::string step_label;   // "step 3 (sign in)"
  std::string where;        // "scenarios/flows/x.yaml:14"
  std::string expectation;  // "status", "json.user.id", "" for a step error
  std::string expected;
  std::string actual;
  std::string message;      // one sentence: what went wrong
  std::string advice;       // extension: what the app's author should change ("" when the file says nothing)
};

// One step as it went: reports list every step with its verdict.
struct StepResult {
  int number = 0;      // 1-based
  std::string label;   // "step 3 (sign in)"
  std::string where;   // "scenarios/flows/x.yaml:14"
  std::string verdict;  // "passed", "failed", "warned" or "not run"
};

struct ScenarioResult {
  // error: not run to an end (the file did not load, the run was interrupted)
  enum class Outcome { passed, failed, skipped, error };

  std::string name;
  std::string file;
  std::string about;  // the scenario's about: (what it checks and why)
  std::vector<std::string> tags;
  std::vector<StepResult> steps;  // every step of the scenario, in order
  Outcome outcome = Outcome::passed;
  std::string skip_reason;
  double duration_ms = 0;
  std::vector<Failure> failures;          // the first failing step's failed expectations
  std::vector<Failure> warnings;          // warn_unless: blocks that did not hold (the run went on)
  std::vector<std::string> hops;          // of the failing step
  std::vector<std::string> journal_tail;  // the mock's last entries
  std::string app_output_tail;
  Trace trace;

  bool passed() const { return outcome == Outcome::passed; }
  // The verdict: "fail", "error" (did not load or was interrupted), "warn"
  // (passed with warnings), "pass" or "skip".
  std::string verdict() const;
  nlohmann::json to_json() const;
};

struct RunSummary {
  std::vector<ScenarioResult> results;  // in suite order
  double duration_ms = 0;
  int count(ScenarioResult::Outcome outcome) const;
  // "N passed, N failed" (", N skipped", ", N errors" when any, ", N with
  // warnings" when any passed with warnings).
  std::string closing_line() const;
};

std::string outcome_name(ScenarioResult::Outcome outcome);

}  // namespace harness
