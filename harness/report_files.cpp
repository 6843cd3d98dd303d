// The file reports: JUnit XML and JSON for CI, and the atomic file writer.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness/report.hpp"
#include "support/errors.hpp"
#include "support/html.hpp"
#include "support/utf8.hpp"

namespace harness {
namespace {

// XML 1.0 forbids most control characters and invalid UTF-8, and bodies
// (or a journaled `?x=%FF`) can hold anything.
std::string xml_text(const std::string& text) {
  std::string clean;
  clean.reserve(text.size());
  for (unsigned char c : support::to_valid_utf8(text))
    clean += (c < 0x20 && c != '\n' && c != '\t') ? '?' : static_cast<char>(c);
  return support::html_escape(clean);
}

std::string seconds(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", ms / 1000.0);
  return buffer;
}

}  // namespace

void write_report_file(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw support::SystemError(path + ": cannot write report");
    out << content;
    if (!out.flush()) throw support::SystemError(path + ": cannot write report");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw support::SystemError(path + ": cannot write report");
  }
}

void write_junit_report(const std::string& path, const RunSummary& summary) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::ostringstream counts;
  counts << "tests=\"" << summary.results.size() << "\" failures=\"" << summary.count(ScenarioResult::Outcome::failed)
         << "\" errors=\"" << summary.count(ScenarioResult::Outcome::error) << "\" skipped=\""
         << summary.count(ScenarioResult::Outcome::skipped) << "\" time=\"" << seconds(summary.duration_ms) << "\"";
  out << "<testsuites " << counts.str() << ">\n";
  out << "  <testsuite name=\"scenarios\" " << counts.str() << ">\n";
  for (const auto& result : summary.results) {
    out << "    <testcase classname=\"" << xml_text(result.file) << "\" name=\"" << xml_text(result.name)
        << "\" time=\"" << seconds(result.duration_ms) << "\"";
    if (result.outcome == ScenarioResult::Outcome::passed && result.warnings.empty()) {
      out << "/>\n";
      continue;
    }
    if (result.outcome == ScenarioResult::Outcome::passed) {
      // JUnit has no "warning": a passed case carries them as its output.
      out << ">\n      <system-out>" << xml_text(console_report(result)) << "</system-out>\n    </testcase>\n";
      continue;
    }
    out << ">\n";
    if (result.outcome == ScenarioResult::Outcome::skipped) {
      out << "      <skipped message=\"" << xml_text(result.skip_reason) << "\"/>\n";
    } else {
      const std::string message = result.failures.empty() ? "failed" : result.failures.front().message;
      const char* element = result.outcome == ScenarioResult::Outcome::error ? "error" : "failure";
      out << "      <" << element << " message=\"" << xml_text(message) << "\">" << xml_text(console_report(result))
          << "</" << element << ">\n";
      std::string trace_text;
      for (const auto& event : result.trace) trace_text += event.to_line() + "\n";
      out << "      <system-out>" << xml_text(trace_text) << "</system-out>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  write_report_file(path, out.str());
}

void write_json_report(const std::string& path, const RunSummary& summary) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (const auto& result : summary.results) scenarios.push_back(result.to_json());
  nlohmann::json document = {{"passed", summary.count(ScenarioResult::Outcome::passed)},
                             {"failed", summary.count(ScenarioResult::Outcome::failed)},
                             {"skipped", summary.count(ScenarioResult::Outcome::skipped)},
                             {"errors", summary.count(ScenarioResult::Outcome::error)},
                             {"duration_ms", summary.duration_ms},
                             {"scenarios", scenarios}};
  // Bodies may hold invalid UTF-8: replace rather than throw and lose the report.
  write_report_file(path, document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace harness
