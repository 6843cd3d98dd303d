// The console, JUnit and JSON renderings of results.
#include "harness/report.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

#include "support/diagnostic.hpp"
#include "support/errors.hpp"
#include "support/utf8.hpp"

using namespace harness;

namespace {

RunSummary sample_summary() {
  RunSummary summary;
  ScenarioResult passed;
  passed.name = "happy path";
  passed.file = "flows/happy.yaml";
  passed.duration_ms = 12;
  ScenarioResult failed;
  failed.name = "expired <code>";
  failed.file = "flows/expired.yaml";
  failed.outcome = ScenarioResult::Outcome::failed;
  failed.failures.push_back({3, "step 3 (exchange)", "flows/expired.yaml:14", "status", "400", "200",
                             "expect.status does not hold", ""});
  failed.hops = {"302 GET http://127.0.0.1:1/login -> http://127.0.0.1:2/oauth2/authorize"};
  failed.journal_tail = {"POST /api/oauth2/token 200 (token)"};
  failed.app_output_tail = "GET /callback 302\n";
  failed.trace.push_back({1.5, 3, party::app, party::discord, "POST", "/api/oauth2/token", 200, "", "", ""});
  ScenarioResult skipped;
  skipped.name = "later";
  skipped.outcome = ScenarioResult::Outcome::skipped;
  skipped.skip_reason = "not yet";
  summary.results = {passed, failed, skipped};
  return summary;
}

std::string read(const std::string& path) { return support::SourceText::read_file(path)->text(); }

}  // namespace

TEST_CASE("the console shows a line per scenario and a failure's details") {
  RunSummary summary = sample_summary();
  CHECK(console_report(summary.results[0]).rfind("PASS  happy path  12 ms\n", 0) == 0);
  const std::string failure = console_report(summary.results[1]);
  CHECK(failure.rfind("FAIL  expired <code>", 0) == 0);
  CHECK(failure.find("step 3 (exchange)") != std::string::npos);
  CHECK(failure.find("expect.status (flows/expired.yaml:14)") != std::string::npos);
  CHECK(failure.find("expected: 400") != std::string::npos);
  CHECK(failure.find("actual:   200") != std::string::npos);
  CHECK(failure.find("hops:") != std::string::npos);
  CHECK(failure.find("mock journal") != std::string::npos);
  CHECK(failure.find("GET /callback 302") != std::string::npos);
  CHECK(summary.closing_line() == "1 passed, 1 failed, 1 skipped");
}

TEST_CASE("JUnit and JSON reports are written whole") {
  RunSummary summary = sample_summary();
  const std::string junit = "report_test_junit.xml", json = "report_test.json", html = "report_test.html";
  write_junit_report(junit, summary);
  write_json_report(json, summary);
  write_html_report(html, summary);
  const std::string xml = read(junit);
  CHECK(xml.find("<testsuites tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\"") != std::string::npos);
  CHECK(xml.find("name=\"expired &lt;code&gt;\"") != std::string::npos);
  CHECK(xml.find("<skipped message=\"not yet\"/>") != std::string::npos);
  auto document = nlohmann::json::parse(read(json));
  CHECK(document["failed"] == 1);
  CHECK(document["scenarios"][1]["failures"][0]["expected"] == "400");
  CHECK(document["scenarios"][1]["trace"][0]["to"] == "discord");
  const std::string page = read(html);
  CHECK(page.find("<svg") != std::string::npos);
  CHECK(page.find("expired &lt;code&gt;") != std::string::npos);
  for (const auto& path : {junit, json, html}) std::remove(path.c_str());
}

TEST_CASE("an unwritable report path is a SystemError naming it") {
  CHECK_THROWS_WITH(write_json_report("/nonexistent-dir/x.json", sample_summary()),
                    Catch::Contains("/nonexistent-dir/x.json"));
}

TEST_CASE("a pass with warnings: WARN on the console with the advice, output in JUnit, verdict in JSON") {
  RunSummary summary;
  ScenarioResult warned;
  warned.name = "outage";
  warned.file = "apps/outage.yaml";
  Failure warning{2, "step 2", "apps/outage.yaml:9", "handled", "an answer that is not 500", "500", "", ""};
  warning.advice = "Show an error page.";
  warned.warnings.push_back(warning);
  summary.results = {warned};
  const std::string console = console_report(warned);
  CHECK(console.rfind("WARN  outage", 0) == 0);
  CHECK(console.find("fix:      Show an error page.") != std::string::npos);
  CHECK(summary.closing_line() == "1 passed, 0 failed, 1 with warnings");
  const std::string junit = "report_test_warn.xml", json = "report_test_warn.json";
  write_junit_report(junit, summary);
  write_json_report(json, summary);
  CHECK(read(junit).find("<system-out>WARN  outage") != std::string::npos);
  auto document = nlohmann::json::parse(read(json));
  CHECK(document["scenarios"][0]["verdict"] == "warn");
  CHECK(document["scenarios"][0]["warnings"][0]["advice"] == "Show an error page.");
  for (const auto& path : {junit, json}) std::remove(path.c_str());
}

TEST_CASE("JUnit XML stays well-formed whatever bytes a result holds; errors are <error>") {
  RunSummary summary = sample_summary();
  summary.results[1].journal_tail = {"GET /api/v10/users/@me?x=\xFF 401 (users_me)"};
  summary.results[1].failures[0].actual = "caf\xE9";
  ScenarioResult load_error;
  load_error.name = "invalid file broken.yaml";
  load_error.outcome = ScenarioResult::Outcome::error;
  load_error.failures.push_back({0, "", "", "", "", "", "broken.yaml:3:1: a second YAML document", ""});
  summary.results.push_back(load_error);
  const std::string junit = "report_test_utf8.xml";
  write_junit_report(junit, summary);
  const std::string xml = read(junit);
  std::remove(junit.c_str());
  CHECK(support::valid_utf8(xml));
  CHECK(xml.find("errors=\"1\"") != std::string::npos);
  CHECK(xml.find("<error message=\"broken.yaml:3:1: a second YAML document\">") != std::string::npos);
  CHECK(summary.closing_line() == "1 passed, 1 failed, 1 skipped, 1 error");
}
