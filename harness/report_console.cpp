// The console report: one line per scenario, details under a failure.
#include <cstdio>
#include <sstream>

#include "harness/report.hpp"

namespace harness {
namespace {

std::string milliseconds(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buffer;
}

void indent_block(std::ostringstream& out, const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  out << "      " << title << ":\n";
  for (const auto& line : lines) out << "        " << line << '\n';
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void failure_lines(std::ostringstream& out, const std::vector<Failure>& failures) {
  std::string previous_step;
  for (const auto& failure : failures) {
    std::string step = failure.step_label.empty() ? std::string("set-up") : failure.step_label;
    if (step != previous_step) out << "      " << step << '\n';
    previous_step = step;
    if (failure.expectation.empty()) {
      // Messages may span lines (a located load error, an app's output).
      for (const auto& line : split_lines(failure.message)) out << "        " << line << '\n';
      if (!failure.where.empty()) out << "        at " << failure.where << '\n';
      continue;
    }
    out << "        expect." << failure.expectation << " (" << failure.where << ")\n";
    out << "          expected: " << failure.expected << '\n';
    out << "          actual:   " << failure.actual << '\n';
    if (!failure.advice.empty()) out << "          fix:      " << failure.advice << '\n';
  }
}

}  // namespace

std::string console_report(const ScenarioResult& result, bool colour) {
  std::ostringstream out;
  const std::string verdict = result.verdict();
  const char* label = verdict == "pass"    ? "PASS"
                      : verdict == "skip"  ? "SKIP"
                      : verdict == "warn"  ? "WARN"
                      : verdict == "error" ? "ERROR"
                                           : "FAIL";
  if (colour) {
    const char* code = verdict == "pass"    ? "32"
                       : verdict == "skip"  ? "90"
                       : verdict == "warn"  ? "33"
                       : verdict == "error" ? "35"
                                            : "1;31";
    out << "\033[" << code << "m" << label << "\033[0m";
  } else {
    out << label;
  }
  out << "  " << result.name << "  " << milliseconds(result.duration_ms);
  if (result.outcome == ScenarioResult::Outcome::skipped && !result.skip_reason.empty())
    out << "  (" << result.skip_reason << ")";
  out << '\n';
  if (verdict == "warn") {
    out << "      file: " << result.file << '\n';
    failure_lines(out, result.warnings);
    return out.str();
  }
  if (result.outcome != ScenarioResult::Outcome::failed && result.outcome != ScenarioResult::Outcome::error)
    return out.str();

  out << "      file: " << result.file << '\n';
  failure_lines(out, result.failures);
  if (!result.warnings.empty()) {
    out << "      warnings:\n";
    failure_lines(out, result.warnings);
  }
  indent_block(out, "hops", result.hops);
  indent_block(out, "mock journal (last entries)", result.journal_tail);
  indent_block(out, "app output (tail)", split_lines(result.app_output_tail));
  return out.str();
}

}  // namespace harness
