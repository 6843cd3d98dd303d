// The HTML report's structure: summary first, failures first, the CSS
// filter, about:, steps with verdicts, exchanges under the diagram, no
// external assets.
#include "harness/report.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace harness;

namespace {

RunSummary html_sample_summary() {
  RunSummary summary;
  ScenarioResult passed;
  passed.name = "happy path";
  passed.file = "flows/happy.yaml";
  passed.tags = {"smoke"};
  passed.about = "A person signs in & sees their name.";
  passed.steps = {{1, "step 1 (sign in)", "flows/happy.yaml:5", "passed"}};
  passed.trace.push_back({1, 1, party::browser, party::app, "GET", "http://127.0.0.1:1/login", 302, "", "", ""});
  ScenarioResult failed;
  failed.name = "forged <code>";
  failed.file = "flows/forged.yaml";
  failed.tags = {"smoke", "security"};
  failed.outcome = ScenarioResult::Outcome::failed;
  failed.steps = {{1, "step 1 (sign in)", "flows/forged.yaml:6", "passed"},
                  {2, "step 2 (forge)", "flows/forged.yaml:9", "failed"},
                  {3, "step 3 (me)", "flows/forged.yaml:14", "not run"}};
  failed.failures.push_back({2, "step 2 (forge)", "flows/forged.yaml:11", "status", "400", "200",
                             "expect.status does not hold", "Check the state."});
  TraceEvent forged{3, 2, party::harness, party::app, "GET", "http://127.0.0.1:1/callback?code=abc&state=x", 200, "", "", ""};
  forged.request = "GET http://127.0.0.1:1/callback?code=[redacted]&state=x\n";
  forged.answer = "200\n\nwelcome";
  failed.trace = {{1, 1, party::browser, party::app, "GET", "http://127.0.0.1:1/login", 302, "", "", ""},
                  {2, 2, party::app, party::discord, "POST", "/api/oauth2/token", 200, "", "", ""}, forged};
  ScenarioResult skipped;
  skipped.name = "later";
  skipped.outcome = ScenarioResult::Outcome::skipped;
  skipped.skip_reason = "not yet";
  summary.results = {passed, skipped, failed};
  return summary;
}

std::size_t position(const std::string& page, const std::string& text) {
  std::size_t at = page.find(text);
  INFO(text);
  REQUIRE(at != std::string::npos);
  return at;
}

std::size_t occurrences(const std::string& page, const std::string& text) {
  std::size_t count = 0;
  for (std::size_t at = page.find(text); at != std::string::npos; at = page.find(text, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("the HTML report puts the summary first and failures before passes") {
  const std::string page = html_report(html_sample_summary());
  const std::size_t summary = position(page, "id=\"summary\"");
  CHECK(summary < position(page, "<main"));
  CHECK(page.find("data-count=\"failed\"><b>1</b>") != std::string::npos);
  CHECK(page.find("data-count=\"passed\"><b>1</b>") != std::string::npos);
  CHECK(page.find("data-count=\"skipped\"><b>1</b>") != std::string::npos);
  CHECK(page.find("data-count=\"error\"><b>0</b>") != std::string::npos);
  // by tag: smoke has a pass and a failure
  CHECK(page.find("<tr data-tag=\"smoke\"><td>smoke</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>") !=
        std::string::npos);
  const std::size_t failed = position(page, "data-name=\"forged &lt;code&gt;\"");
  const std::size_t passed = position(page, "data-name=\"happy path\"");
  const std::size_t skipped = position(page, "data-name=\"later\"");
  CHECK(failed < passed);
  CHECK(passed < skipped);
}

TEST_CASE("the HTML report filters without scripts: radios before <main> and CSS rules for them") {
  const std::string page = html_report(html_sample_summary());
  const std::size_t main = position(page, "<main");
  CHECK(position(page, "id=\"show-failed\"") < main);
  CHECK(position(page, "id=\"show-all\" checked") < main);
  CHECK(page.find("#show-failed:checked~main .scenario:not([data-outcome=failed])") != std::string::npos);
  // the search box is hidden until the script shows it
  CHECK(page.find("id=\"search\" placeholder=\"search names, tags, files\" aria-label=\"search\" hidden") !=
        std::string::npos);
}

TEST_CASE("the HTML report shows about:, the failure, steps with verdicts and each exchange in details") {
  const std::string page = html_report(html_sample_summary());
  CHECK(page.find("<p class=\"about\">A person signs in &amp; sees their name.</p>") != std::string::npos);
  CHECK(page.find("<dt>expected</dt><dd>400</dd><dt>actual</dt><dd>200</dd>") != std::string::npos);
  CHECK(page.find("<dt>fix</dt><dd>Check the state.</dd>") != std::string::npos);
  CHECK(page.find("data-step=\"3\" data-verdict=\"not run\"><span class=\"verdict\">not run</span> step 3 (me)") !=
        std::string::npos);
  CHECK(page.find("data-verdict=\"failed\"><span class=\"verdict\">failed</span> step 2 (forge)") !=
        std::string::npos);
  // the failed scenario (third in the suite: s3) is open, the passed one is not
  CHECK(page.find("id=\"s3\" data-outcome=\"failed\"") != std::string::npos);
  CHECK(std::regex_search(page, std::regex("id=\"s3\"[^>]*>\\n<details open>")));
  CHECK(std::regex_search(page, std::regex("id=\"s1\"[^>]*>\\n<details>")));
  // each arrow links to its exchange, which shows the redacted request and the answer
  CHECK(page.find("<a href=\"#s3-e2\" class=\"arrow front\"") != std::string::npos);
  CHECK(page.find("<details id=\"s3-e2\" data-step=\"2\">") != std::string::npos);
  CHECK(page.find("callback?code=[redacted]&amp;state=x") != std::string::npos);
  CHECK(page.find("code=abc") == std::string::npos);
  CHECK(occurrences(page, "<details id=\"s3-e") == 3);
}

TEST_CASE("the HTML report is self-contained") {
  const std::string page = html_report(html_sample_summary());
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  CHECK(page.find("url(http") == std::string::npos);
  CHECK(page.find("href=\"http") == std::string::npos);
}
