// The sequence diagram: lanes only for parties that took part, step markers,
// back-channel arrows, the failing expectation drawn on its step.
#include "harness/report_diagram.hpp"

#include <catch2/catch.hpp>

using namespace harness;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

ScenarioResult diagram_sample() {
  ScenarioResult result;
  result.outcome = ScenarioResult::Outcome::failed;
  result.steps = {{1, "step 1 (sign in)", "x.yaml:3", "passed"}, {2, "step 2 (me)", "x.yaml:8", "failed"}};
  result.trace = {{1, 1, party::browser, party::app, "GET", "http://a/login", 302, "", "", ""},
                  {2, 1, party::browser, party::discord, "GET", "http://d/oauth2/authorize?x=1", 200, "", "", ""},
                  {3, 1, party::app, party::discord, "POST", "/api/oauth2/token", 200, "", "", ""},
                  {4, 2, party::browser, party::app, "GET", "http://a/me", 500, "", "", ""}};
  result.failures.push_back({2, "step 2 (me)", "x.yaml:10", "status", "200", "500", "expect.status does not hold", ""});
  return result;
}

}  // namespace

TEST_CASE("the diagram has a lane for each party that took part, in lane order") {
  ScenarioResult result = diagram_sample();
  CHECK(diagram_lanes(result.trace) == std::vector<std::string>{"browser", "app", "discord"});
  const std::string svg = sequence_diagram(result, "s1");
  CHECK(count_of(svg, "class=\"lane\"") == 3);
  CHECK(svg.find("data-party=\"harness\"") == std::string::npos);
  CHECK(svg.find("data-party=\"tunnel\"") == std::string::npos);
  result.trace.push_back({5, 2, party::harness, party::tunnel, "GET", "http://t/", 200, "", "", ""});
  CHECK(diagram_lanes(result.trace) == std::vector<std::string>{"browser", "harness", "tunnel", "app", "discord"});
}

TEST_CASE("the diagram marks each step, draws back-channel calls and the failure on its step") {
  const std::string svg = sequence_diagram(diagram_sample(), "s1");
  CHECK(count_of(svg, "class=\"step-marker\"") == 2);
  CHECK(svg.find("data-step=\"2\" data-verdict=\"failed\"") != std::string::npos);
  CHECK(count_of(svg, "class=\"arrow back-channel\"") == 1);
  CHECK(count_of(svg, "<a href=\"#s1-e") == 4);
  CHECK(svg.find("class=\"arrow front bad\" data-step=\"2\"") != std::string::npos);
  // the failure mark comes after the failing step's last arrow
  const std::size_t mark = svg.find("class=\"failure-mark\" data-step=\"2\"");
  REQUIRE(mark != std::string::npos);
  CHECK(mark > svg.find("href=\"#s1-e3\""));
  CHECK(svg.find("status: expected 200, got 500") != std::string::npos);
}

TEST_CASE("a step that failed without a request still gets its marker and failure") {
  ScenarioResult result = diagram_sample();
  result.trace.pop_back();
  const std::string svg = sequence_diagram(result, "s2");
  CHECK(count_of(svg, "class=\"step-marker\"") == 2);
  CHECK(svg.find("class=\"failure-mark\" data-step=\"2\"") != std::string::npos);
  ScenarioResult empty;
  CHECK(sequence_diagram(empty, "s3").empty());
}
