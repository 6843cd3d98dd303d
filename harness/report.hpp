// Reports of a run, each a rendering of the results and their traces: the
// console (for people), JUnit XML and JSON (for CI), a self-contained HTML page.
#pragma once

#include <string>

#include "harness/result.hpp"

namespace harness {

// "PASS  name  12 ms" or "FAIL  name  30 ms" followed by the failure details.
std::string console_report(const ScenarioResult& result);

// Each throws support::SystemError naming the path when it cannot write.
void write_junit_report(const std::string& path, const RunSummary& summary);
void write_json_report(const std::string& path, const RunSummary& summary);
void write_html_report(const std::string& path, const RunSummary& summary);
// The page write_html_report writes.
std::string html_report(const RunSummary& summary);

// Writes `content` to `path` atomically (temporary file, then rename), so a
// crash never leaves half a report behind.
void write_report_file(const std::string& path, const std::string& content);

}  // namespace harness
