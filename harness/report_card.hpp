// The report card of `harness check-app`: the app-agnostic suite's verdicts
// grouped by concern (the scenarios' concern tags), a grade per concern and
// overall, and one line per warning or failure saying what the app did and
// what to change.
#pragma once

#include <string>
#include <vector>

#include "harness/result.hpp"

namespace harness {

struct ConcernGrade {
  std::string tag;    // "csrf"
  std::string title;  // "CSRF"
  int passed = 0, warned = 0, failed = 0, skipped = 0;
  std::string grade;  // A (all pass), B (a warning), C (several), F (a failure), - (nothing ran)
};

struct ReportCard {
  std::vector<ConcernGrade> concerns;  // in the fixed order of concern_tags(), then "other"
  std::string grade;                   // F with any failure, else A, B (<= 2 warnings) or C
  int failed = 0, warned = 0;
};

// The concern tags in report order, each with its title.
const std::vector<std::pair<std::string, std::string>>& concern_tags();

ReportCard grade_results(const RunSummary& summary);
// The card as text: the table, then every failure and warning in one line
// each ("what happened. Fix: what to change").
std::string render_report_card(const ReportCard& card, const RunSummary& summary, const std::string& app);

}  // namespace harness
