// The self-contained HTML report (no external assets; readable without
// scripts): a summary first (counts, then by tag), a filter (radio buttons
// and CSS; a small inline script adds a text search), then the scenarios,
// failures first, each with its about:, what failed, its steps with their
// verdicts, its sequence diagram (report_diagram.hpp) and, under it, every
// exchange's request and answer (redacted) in <details> the arrows link to.
#include <algorithm>
#include <map>
#include <sstream>

#include "harness/report.hpp"
#include "harness/report_diagram.hpp"
#include "harness/trace_detail.hpp"
#include "support/html.hpp"

namespace harness {
namespace {

using support::html_escape;
using Outcome = ScenarioResult::Outcome;

const char* const page_style = R"css(
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--pass:#1a7f37;--fail:#cf222e;--skip:#6e7781;--error:#8250df;--warn:#9a6700;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1.5em;max-width:1400px;color:var(--fg);background:var(--bg)}
h1{font-size:1.6em;margin:.2em 0}
.closing{color:var(--muted);margin:.2em 0 1em}
#summary{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start;margin-bottom:1em}
.counts{display:flex;gap:.6em;list-style:none;margin:0;padding:0}
.count{border:1px solid var(--line);border-radius:8px;padding:.5em .9em;min-width:6.5em;background:var(--soft)}
.count b{display:block;font-size:1.8em;line-height:1.1}
.count.passed b{color:var(--pass)}.count.failed b{color:var(--fail)}.count.skipped b{color:var(--skip)}.count.error b{color:var(--error)}.count.warned b{color:var(--warn)}
table{border-collapse:collapse}th,td{border:1px solid var(--line);padding:.2em .6em;text-align:right}th:first-child,td:first-child{text-align:left}
thead th{background:var(--soft)}
.filter-label{font-weight:600}
input.show{margin-left:.8em}
#search{margin-left:1.2em;padding:.2em .4em;min-width:18em}
#show-failed:checked~main .scenario:not([data-outcome=failed]):not([data-outcome=error]){display:none}
#show-passed:checked~main .scenario:not([data-outcome=passed]){display:none}
#show-skipped:checked~main .scenario:not([data-outcome=skipped]){display:none}
.scenario.hidden-by-search{display:none}
.scenario{border:1px solid var(--line);border-left:6px solid var(--skip);border-radius:6px;margin:.7em 0;background:var(--bg)}
.scenario[data-outcome=passed]{border-left-color:var(--pass)}.scenario[data-outcome=failed]{border-left-color:var(--fail)}.scenario[data-outcome=error]{border-left-color:var(--error)}.scenario[data-verdict=warn]{border-left-color:var(--warn)}
.scenario>details>summary{cursor:pointer;padding:.5em .8em;font-weight:600}
.scenario>details>div{padding:0 1em 1em}
.badge{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.05em .4em;margin-right:.5em;background:var(--skip)}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.error{background:var(--error)}.badge.warn{background:var(--warn)}
summary small{color:var(--muted);font-weight:400}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 .5em;margin-left:.3em;font-size:.8em;font-weight:400;color:var(--muted)}
.about{margin:.4em 0;color:var(--fg);white-space:pre-wrap}
.failure{border:1px solid #ffcecb;background:#ffebe9;border-radius:6px;padding:.5em .8em;margin:.6em 0}
.failure.warning{border-color:#f5e0a0;background:#fff8c5}
.failure dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.3em 0}
.failure dt{color:var(--muted)}.failure dd{margin:0;white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,monospace}
ol.steps{padding-left:1.6em}ol.steps li{margin:.1em 0}
.verdict{display:inline-block;min-width:4.5em;font-size:.8em;font-weight:600;text-transform:uppercase}
.step[data-verdict=passed] .verdict{color:var(--pass)}.step[data-verdict=failed] .verdict{color:var(--fail)}.step[data-verdict=warned] .verdict{color:var(--warn)}.step[data-verdict="not run"] .verdict{color:var(--skip)}
.step small{color:var(--muted)}
.diagram{overflow-x:auto;border:1px solid var(--line);border-radius:6px;margin:.6em 0;background:#fff}
svg.sequence{font:11px ui-monospace,monospace;display:block}
svg .lane-name{font-weight:700;font-size:12px}
svg .lifeline{stroke:#bbb;stroke-dasharray:4 3}
svg .step-marker line{stroke:#d0d7de}svg .step-marker text{fill:#57606a;font-weight:600}
svg .step-marker[data-verdict=failed] text{fill:#cf222e}
svg a.arrow line,svg a.arrow path{stroke:#24292f;stroke-width:1.3}
svg a.arrow text{fill:#24292f}
svg a.arrow.back-channel line{stroke:#8250df;stroke-dasharray:6 3}svg a.arrow.back-channel text{fill:#8250df}
svg a.arrow.bad line,svg a.arrow.bad path{stroke:#cf222e}svg a.arrow.bad text{fill:#cf222e}
svg a.arrow:hover text{text-decoration:underline}
svg .failure-mark rect{fill:#ffebe9;stroke:#cf222e}svg .failure-mark text{fill:#cf222e;font-weight:700}
.exchanges>details{border-top:1px solid var(--line);padding:.2em 0}
.exchanges>details>summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere}
.exchanges>details:target{background:#fff8c5}
pre{background:var(--soft);padding:.5em;overflow:auto;max-height:30em;white-space:pre-wrap;word-break:break-word;margin:.3em 0}
h3{font-size:1em;margin:.8em 0 .3em}
.legend{color:var(--muted);font-size:.85em}
)css";

// Inline, optional: a text search over names and tags, and a click on an
// arrow opens the exchange it links to. Without it everything is readable.
const char* const page_script = R"js(
(function(){
  var search=document.getElementById('search');
  search.hidden=false;
  search.addEventListener('input',function(){
    var q=search.value.trim().toLowerCase();
    document.querySelectorAll('.scenario').forEach(function(s){
      var hay=(s.dataset.name+' '+s.dataset.tags+' '+s.dataset.file).toLowerCase();
      s.classList.toggle('hidden-by-search',q!==''&&hay.indexOf(q)<0);
    });
  });
  document.querySelectorAll('svg a.arrow').forEach(function(a){
    a.addEventListener('click',function(){
      var d=document.getElementById(a.getAttribute('href').slice(1));
      if(d){d.open=true;}
    });
  });
})();
)js";

// Failed and errors first, then warned, passed, skipped; suite order within.
int display_rank(const ScenarioResult& result) {
  if (result.outcome == Outcome::failed || result.outcome == Outcome::error) return 0;
  if (result.verdict() == "warn") return 1;
  if (result.outcome == Outcome::passed) return 2;
  return 3;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

void write_summary(std::ostringstream& html, const RunSummary& summary) {
  int warned = 0;
  for (const auto& result : summary.results) warned += result.verdict() == "warn" ? 1 : 0;
  html << "<section id=\"summary\" aria-label=\"summary\">\n<ul class=\"counts\">";
  auto count = [&html](const char* kind, const char* label, int n) {
    html << "<li class=\"count " << kind << "\" data-count=\"" << kind << "\"><b>" << n << "</b>" << label << "</li>";
  };
  count("passed", "passed", summary.count(Outcome::passed));
  count("failed", "failed", summary.count(Outcome::failed));
  count("skipped", "skipped", summary.count(Outcome::skipped));
  count("error", "errors", summary.count(Outcome::error));
  if (warned > 0) count("warned", "with warnings", warned);
  html << "</ul>\n";
  std::map<std::string, std::map<Outcome, int>> by_tag;
  for (const auto& result : summary.results)
    for (const auto& tag : result.tags) ++by_tag[tag][result.outcome];
  if (!by_tag.empty()) {
    html << "<table id=\"by-tag\"><caption>by tag</caption><thead><tr><th>tag</th><th>passed</th><th>failed</th>"
            "<th>skipped</th><th>errors</th></tr></thead><tbody>\n";
    for (auto& [tag, counts] : by_tag)
      html << "<tr data-tag=\"" << html_escape(tag) << "\"><td>" << html_escape(tag) << "</td><td>"
           << counts[Outcome::passed] << "</td><td>" << counts[Outcome::failed] << "</td><td>"
           << counts[Outcome::skipped] << "</td><td>" << counts[Outcome::error] << "</td></tr>\n";
    html << "</tbody></table>\n";
  }
  html << "</section>\n";
}

// Radio buttons and CSS (no script needed); they must be siblings before <main>.
void write_filter(std::ostringstream& html, const RunSummary& summary) {
  const int bad = summary.count(Outcome::failed) + summary.count(Outcome::error);
  struct Choice {
    const char* id;
    std::string label;
  } choices[] = {{"show-all", "all (" + std::to_string(summary.results.size()) + ")"},
                 {"show-failed", "failed and errors (" + std::to_string(bad) + ")"},
                 {"show-passed", "passed (" + std::to_string(summary.count(Outcome::passed)) + ")"},
                 {"show-skipped", "skipped (" + std::to_string(summary.count(Outcome::skipped)) + ")"}};
  html << "<span class=\"filter-label\" id=\"filter\">show:</span>\n";
  bool first = true;
  for (const auto& choice : choices) {
    html << "<input type=\"radio\" class=\"show\" name=\"show\" id=\"" << choice.id << "\"" << (first ? " checked" : "")
         << "><label for=\"" << choice.id << "\">" << html_escape(choice.label) << "</label>\n";
    first = false;
  }
  html << "<input type=\"search\" id=\"search\" placeholder=\"search names, tags, files\" aria-label=\"search\" "
          "hidden>\n";
}

void write_failure(std::ostringstream& html, const Failure& failure, bool warning) {
  html << "<div class=\"failure" << (warning ? " warning" : "") << "\" data-step=\"" << failure.step << "\"><dl>";
  auto row = [&html](const char* name, const std::string& value) {
    if (!value.empty()) html << "<dt>" << name << "</dt><dd>" << html_escape(value) << "</dd>";
  };
  row("step", failure.step_label);
  row("where", failure.where);
  row("expectation", failure.expectation);
  row("expected", failure.expected);
  row("actual", failure.actual);
  row(warning ? "warning" : "what went wrong", failure.message);
  row("fix", failure.advice);
  html << "</dl></div>\n";
}

void write_steps(std::ostringstream& html, const ScenarioResult& result) {
  if (result.steps.empty()) return;
  html << "<h3>steps</h3><ol class=\"steps\">";
  for (const auto& step : result.steps)
    html << "<li class=\"step\" data-step=\"" << step.number << "\" data-verdict=\"" << html_escape(step.verdict)
         << "\"><span class=\"verdict\">" << html_escape(step.verdict) << "</span> " << html_escape(step.label)
         << " <small>" << html_escape(step.where) << "</small></li>";
  html << "</ol>\n";
}

void write_exchanges(std::ostringstream& html, const ScenarioResult& result, const std::string& id) {
  if (result.trace.empty()) return;
  html << "<div class=\"exchanges\"><h3>requests and answers <span class=\"legend\">(secrets redacted; the arrows "
          "link here)</span></h3>\n";
  for (std::size_t i = 0; i < result.trace.size(); ++i) {
    const TraceEvent& event = result.trace[i];
    html << "<details id=\"" << exchange_id(id, i) << "\" data-step=\"" << event.step << "\"><summary>step "
         << event.step << " · " << html_escape(event.from) << " → " << html_escape(event.to) << " "
         << html_escape(event.method) << " " << html_escape(redact_url(event.url)) << " · "
         << (event.status == 0 ? std::string("no answer") : std::to_string(event.status))
         << (event.note.empty() ? "" : " · " + html_escape(event.note)) << "</summary>"
         << "<h4>request</h4><pre class=\"request\">"
         << html_escape(event.request.empty() ? event.method + " " + redact_url(event.url) : event.request)
         << "</pre><h4>answer</h4><pre class=\"answer\">"
         << html_escape(event.answer.empty() ? "(nothing recorded)" : event.answer) << "</pre></details>\n";
  }
  html << "</div>\n";
}

void write_scenario(std::ostringstream& html, const ScenarioResult& result, const std::string& id) {
  const std::string outcome = outcome_name(result.outcome);
  const std::string verdict = result.verdict();
  const bool open = result.outcome == Outcome::failed || result.outcome == Outcome::error;
  html << "<article class=\"scenario\" id=\"" << id << "\" data-outcome=\"" << outcome << "\" data-verdict=\""
       << verdict << "\" data-name=\"" << html_escape(result.name) << "\" data-file=\"" << html_escape(result.file)
       << "\" data-tags=\"" << html_escape(joined(result.tags)) << "\">\n<details" << (open ? " open" : "")
       << "><summary><span class=\"badge " << verdict << "\">" << verdict << "</span><span class=\"name\">"
       << html_escape(result.name) << "</span> <small>" << html_escape(result.file) << " · "
       << static_cast<long long>(result.duration_ms) << " ms</small>";
  for (const auto& tag : result.tags) html << "<span class=\"tag\">" << html_escape(tag) << "</span>";
  html << "</summary><div>\n";
  if (!result.about.empty()) html << "<p class=\"about\">" << html_escape(result.about) << "</p>\n";
  if (result.outcome == Outcome::skipped)
    html << "<p class=\"skip-reason\">skipped: " << html_escape(result.skip_reason) << "</p>\n";
  for (const auto& failure : result.failures) write_failure(html, failure, false);
  for (const auto& warning : result.warnings) write_failure(html, warning, true);
  write_steps(html, result);
  const std::string diagram = sequence_diagram(result, id);
  if (!diagram.empty()) html << "<h3>sequence</h3><div class=\"diagram\">" << diagram << "</div>\n";
  write_exchanges(html, result, id);
  if (open)
    html << "<details class=\"console\"><summary>console output (hops, mock journal, app output)</summary><pre>"
         << html_escape(console_report(result)) << "</pre></details>\n";
  html << "</div></details>\n</article>\n";
}

}  // namespace

std::string html_report(const RunSummary& summary) {
  std::vector<std::size_t> order(summary.results.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&summary](std::size_t a, std::size_t b) {
    return display_rank(summary.results[a]) < display_rank(summary.results[b]);
  });
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       << "<title>Scenario report: " << html_escape(summary.closing_line()) << "</title><style>" << page_style
       << "</style></head><body>\n<header><h1>Scenario report</h1><p class=\"closing\">"
       << html_escape(summary.closing_line()) << " in " << static_cast<long long>(summary.duration_ms)
       << " ms</p></header>\n";
  write_summary(html, summary);
  write_filter(html, summary);
  html << "<main id=\"scenarios\">\n";
  for (std::size_t index : order) write_scenario(html, summary.results[index], "s" + std::to_string(index + 1));
  html << "</main>\n<script>" << page_script << "</script>\n</body></html>\n";
  return html.str();
}

void write_html_report(const std::string& path, const RunSummary& summary) {
  write_report_file(path, html_report(summary));
}

}  // namespace harness
