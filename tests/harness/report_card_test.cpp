// Grading the apps suite's verdicts by concern.
#include "harness/report_card.hpp"

#include <catch2/catch.hpp>

using harness::Failure;
using harness::RunSummary;
using harness::ScenarioResult;

namespace {

ScenarioResult result(const std::string& name, const std::string& tag, const std::string& verdict) {
  ScenarioResult r;
  r.name = name;
  r.tags = {"apps", tag};
  Failure finding;
  finding.expectation = "not_signed_in_as";
  finding.expected = "a page without 'mallory'";
  finding.actual = "Hello mallory!";
  finding.advice = "Check state.";
  if (verdict == "fail") {
    r.outcome = ScenarioResult::Outcome::failed;
    r.failures = {finding};
  }
  if (verdict == "warn") r.warnings = {finding};
  return r;
}

const harness::ConcernGrade& concern(const harness::ReportCard& card, const std::string& tag) {
  for (const auto& c : card.concerns)
    if (c.tag == tag) return c;
  FAIL("no concern " << tag);
  return card.concerns.front();
}

}  // namespace

TEST_CASE("grades: A all pass, B one warning, C more, F a failure; overall F with any failure") {
  RunSummary summary;
  summary.results = {result("a", "sign-in", "pass"), result("b", "csrf", "fail"), result("c", "csrf", "pass"),
                     result("d", "outages", "warn"),  result("e", "outages", "warn"), result("f", "leaks", "warn")};
  auto card = harness::grade_results(summary);
  CHECK(concern(card, "sign-in").grade == "A");
  CHECK(concern(card, "csrf").grade == "F");
  CHECK(concern(card, "outages").grade == "C");
  CHECK(concern(card, "leaks").grade == "B");
  CHECK(concern(card, "tunnels").grade == "-");
  CHECK(card.grade == "F");
  CHECK(card.failed == 1);
  CHECK(card.warned == 3);

  summary.results = {result("a", "sign-in", "pass"), result("d", "outages", "warn")};
  CHECK(harness::grade_results(summary).grade == "B");
  summary.results = {result("a", "sign-in", "pass")};
  CHECK(harness::grade_results(summary).grade == "A");
}

TEST_CASE("the card says what happened and what to change, one line per finding") {
  RunSummary summary;
  summary.results = {result("forged callback", "csrf", "fail"), result("outage", "outages", "warn")};
  std::string text = harness::render_report_card(harness::grade_results(summary), summary, "`python3 app.py`");
  CHECK(text.find("Report card for `python3 app.py`") != std::string::npos);
  CHECK(text.find("  FAIL forged callback: not_signed_in_as: expected a page without 'mallory', got Hello mallory! Fix: Check state.") !=
        std::string::npos);
  CHECK(text.find("  WARN outage: ") != std::string::npos);
  CHECK(text.find("overall grade: F") != std::string::npos);
}
