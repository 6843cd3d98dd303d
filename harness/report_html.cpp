// The self-contained HTML report: a summary, and for each scenario its
// failure details and an SVG sequence diagram of its trace (browser, harness,
// tunnel, app, discord as lifelines; one arrow per request).
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "harness/report.hpp"
#include "support/html.hpp"

namespace harness {
namespace {

using support::html_escape;

const std::vector<std::string>& lifelines() {
  static const std::vector<std::string> names = {party::browser, party::harness, party::tunnel, party::app,
                                                 party::discord};
  return names;
}

int lifeline_x(const std::string& name) {
  const auto& names = lifelines();
  auto it = std::find(names.begin(), names.end(), name);
  int index = it == names.end() ? 0 : static_cast<int>(it - names.begin());
  return 90 + index * 190;
}

// The path and query only: the diagram has no room for origins.
std::string short_target(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t path = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  std::string target = path == std::string::npos ? "/" : url.substr(path);
  return target.size() > 48 ? target.substr(0, 45) + "..." : target;
}

std::string sequence_diagram(const Trace& trace) {
  const int row = 34, top = 40;
  const int height = top + static_cast<int>(trace.size()) * row + 20;
  const int width = lifeline_x(lifelines().back()) + 100;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"monospace\" font-size=\"11\">\n"
      << "<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\">"
      << "<path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n";
  for (const auto& name : lifelines()) {
    int x = lifeline_x(name);
    svg << "<text x=\"" << x << "\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">" << name << "</text>"
        << "<line x1=\"" << x << "\" y1=\"28\" x2=\"" << x << "\" y2=\"" << height - 10
        << "\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n";
  }
  int y = top;
  for (const auto& event : trace) {
    int x1 = lifeline_x(event.from), x2 = lifeline_x(event.to);
    if (x1 == x2) x2 = x1 + 40;
    bool bad = event.status == 0 || event.status >= 400;
    std::string label = event.method + " " + short_target(event.url) + " " +
                        (event.status == 0 ? std::string("no answer") : std::to_string(event.status));
    svg << "<line x1=\"" << x1 << "\" y1=\"" << y + 12 << "\" x2=\"" << x2 << "\" y2=\"" << y + 12
        << "\" stroke=\"" << (bad ? "#c0392b" : "#2c3e50") << "\" marker-end=\"url(#arrow)\"/>"
        << "<text x=\"" << (x1 + x2) / 2 << "\" y=\"" << y + 8 << "\" text-anchor=\"middle\" fill=\""
        << (bad ? "#c0392b" : "#2c3e50") << "\"><title>" << html_escape(event.to_line()) << "</title>"
        << html_escape(label) << "</text>\n";
    y += row;
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace

void write_html_report(const std::string& path, const RunSummary& summary) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Scenario report</title><style>"
       << "body{font-family:sans-serif;margin:2em;color:#222}"
       << ".passed{color:#1e8449}.failed{color:#c0392b}.skipped{color:#7f8c8d}.error{color:#8e44ad}"
       << "details{border:1px solid #ddd;border-radius:4px;margin:.5em 0;padding:.5em}"
       << "summary{cursor:pointer;font-weight:bold}pre{background:#f7f7f7;padding:.5em;overflow:auto}"
       << "</style></head><body>\n";
  html << "<h1>Scenario report</h1>\n<p>" << html_escape(summary.closing_line()) << " in "
       << static_cast<long long>(summary.duration_ms) << " ms</p>\n";
  for (const auto& result : summary.results) {
    const std::string outcome = outcome_name(result.outcome);
    const bool bad = result.outcome == ScenarioResult::Outcome::failed || result.outcome == ScenarioResult::Outcome::error;
    html << "<details" << (bad ? " open" : "") << "><summary class=\""
         << outcome << "\">" << outcome << ": " << html_escape(result.name) << " <small>("
         << html_escape(result.file) << ", " << static_cast<long long>(result.duration_ms) << " ms)</small></summary>\n";
    if (bad)
      html << "<pre>" << html_escape(console_report(result)) << "</pre>\n";
    if (!result.trace.empty()) html << sequence_diagram(result.trace) << "\n";
    html << "</details>\n";
  }
  html << "</body></html>\n";
  write_report_file(path, html.str());
}

}  // namespace harness
