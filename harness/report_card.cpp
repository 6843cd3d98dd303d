// Grading and rendering the report card (see report_card.hpp).
#include "harness/report_card.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace harness {
namespace {

std::string grade_of(const ConcernGrade& concern) {
  if (concern.passed + concern.warned + concern.failed == 0) return "-";
  if (concern.failed > 0) return "F";
  if (concern.warned == 0) return "A";
  return concern.warned == 1 ? "B" : "C";
}

// One line for a verdict: the first finding, what happened and the advice.
std::string finding(const ScenarioResult& result, const std::vector<Failure>& findings) {
  if (findings.empty()) return result.name;
  const Failure& first = findings.front();
  std::string what = first.expectation.empty()
                         ? first.message
                         : first.expectation + ": expected " + first.expected + ", got " + first.actual;
  std::replace(what.begin(), what.end(), '\n', ' ');
  if (what.size() > 240) what = what.substr(0, 240) + "...";
  std::string line = result.name + ": " + what + (what.empty() || what.back() == '.' || what.back() == '!' ? "" : ".");
  if (!first.advice.empty()) line += " Fix: " + first.advice;
  return line;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& concern_tags() {
  static const std::vector<std::pair<std::string, std::string>> tags = {
      {"sign-in", "Sign-in"},       {"csrf", "CSRF"},          {"code-handling", "Code handling"},
      {"outages", "Outages"},       {"rate-limits", "Rate limits"}, {"tokens", "Tokens"},
      {"leaks", "Leaks"},           {"tunnels", "Tunnels"},
  };
  return tags;
}

ReportCard grade_results(const RunSummary& summary) {
  ReportCard card;
  for (const auto& [tag, title] : concern_tags()) card.concerns.push_back(ConcernGrade{tag, title, 0, 0, 0, 0, ""});
  card.concerns.push_back(ConcernGrade{"", "Other", 0, 0, 0, 0, ""});
  for (const ScenarioResult& result : summary.results) {
    ConcernGrade* concern = &card.concerns.back();
    for (auto& candidate : card.concerns)
      if (!candidate.tag.empty() && std::find(result.tags.begin(), result.tags.end(), candidate.tag) != result.tags.end()) {
        concern = &candidate;
        break;
      }
    const std::string verdict = result.verdict();
    // A check that could not run (interrupted, did not load) proves nothing: it counts as failed.
    if (verdict == "fail" || verdict == "error") ++concern->failed, ++card.failed;
    if (verdict == "warn") ++concern->warned, ++card.warned;
    if (verdict == "pass") ++concern->passed;
    if (verdict == "skip") ++concern->skipped;
  }
  for (auto& concern : card.concerns) concern.grade = grade_of(concern);
  card.grade = card.failed > 0 ? "F" : card.warned == 0 ? "A" : card.warned <= 2 ? "B" : "C";
  return card;
}

std::string render_report_card(const ReportCard& card, const RunSummary& summary, const std::string& app) {
  std::ostringstream out;
  out << "Report card for " << app << "\n\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %-14s %5s %5s %5s %5s\n", "concern", "grade", "pass", "warn", "fail");
  out << line;
  for (const auto& concern : card.concerns) {
    if (concern.tag.empty() && concern.passed + concern.warned + concern.failed + concern.skipped == 0) continue;
    std::snprintf(line, sizeof line, "  %-14s %5s %5d %5d %5d%s\n", concern.title.c_str(), concern.grade.c_str(),
                  concern.passed, concern.warned, concern.failed,
                  concern.skipped ? ("  (" + std::to_string(concern.skipped) + " skipped)").c_str() : "");
    out << line;
  }
  out << "\n  overall grade: " << card.grade << " (" << card.failed << " failed, " << card.warned
      << " with warnings, of " << summary.results.size() << " checks)\n";
  bool heading = false;
  for (const ScenarioResult& result : summary.results) {
    if (result.verdict() != "fail" && result.verdict() != "error") continue;
    if (!heading) out << "\nFailures (someone could be harmed: fix these first):\n", heading = true;
    out << "  FAIL " << finding(result, result.failures) << '\n';
  }
  heading = false;
  for (const ScenarioResult& result : summary.results) {
    if (result.warnings.empty()) continue;
    if (!heading) out << "\nWarnings (handled, but badly):\n", heading = true;
    for (const Failure& warning : result.warnings)
      out << "  WARN " << finding(result, std::vector<Failure>{warning}) << '\n';
  }
  return out.str();
}

}  // namespace harness
