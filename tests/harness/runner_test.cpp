// Scenarios run end to end against the embedded mock and the in-process
// reference app. Each expectation is shown to pass on a true claim AND to
// fail, with its message, on a false one: none can pass vacuously.
#include "harness/runner.hpp"

#include <catch2/catch.hpp>

#include "harness/loader.hpp"

using namespace harness;

namespace {

ScenarioResult run_text(const std::string& text) {
  Scenario scenario = load_scenario_text("inline.yaml", text);
  return run_scenario(scenario, WorldOptions{});
}

// The failure text as the console shows it.
std::string failure_text(const ScenarioResult& result) {
  std::string text;
  for (const auto& failure : result.failures)
    text += failure.step_label + " | " + failure.expectation + " | " + failure.expected + " | " + failure.actual +
            " | " + failure.message + "\n";
  return text;
}

const char* const sign_in = R"(
  - open: ${app}/login
    expect:
      consent_page: true
      url: ${discord}/oauth2/authorize
  - consent: approve
)";

}  // namespace

TEST_CASE("the happy path passes with every expectation true") {
  auto result = run_text(std::string("name: happy\nsteps:") + sign_in + R"(
    expect:
      status: 200
      signed_in_as: nelly
      not_signed_in_as: eve
      body_contains: [nelly]
      body_not_contains: access_token
      no_leaks: true
      discord: {requests: {token: 1, users_me: 1}, codes_redeemed: 1, active_tokens: 1}
discord:
  users:
    - {id: "80351110224678912", username: nelly}
    - {id: "80351110224678913", username: eve}
)");
  INFO(failure_text(result));
  CHECK(result.passed());
  CHECK_FALSE(result.trace.empty());
}

// The sequence diagram draws the trace in order: the app's calls to Discord
// belong inside the callback's visit, though all of it takes under a ms.
TEST_CASE("the trace puts the app's calls to Discord inside the visit that made them") {
  auto result = run_text(std::string("name: order\nsteps:") + sign_in);
  REQUIRE(result.passed());
  std::vector<std::string> order;
  for (const auto& event : result.trace) {
    const std::string path = event.url.substr(0, event.url.find('?'));
    order.push_back(event.from + ">" + event.to + " " + event.method + " " + path.substr(path.rfind('/')));
  }
  auto position = [&](const std::string& suffix) {
    for (std::size_t i = 0; i < order.size(); ++i)
      if (order[i].size() >= suffix.size() && order[i].compare(order[i].size() - suffix.size(), suffix.size(), suffix) == 0)
        return static_cast<long>(i);
    return -1L;
  };
  std::string listed;
  for (const auto& line : order) listed += line + "\n";
  INFO(listed);
  // The reference app redeems the code in its callback and asks for the
  // user when its page is shown.
  const long callback = position("browser>app GET /callback");
  const long me_page = position("browser>app GET /me");
  REQUIRE(callback >= 0);
  REQUIRE(me_page >= 0);
  CHECK(position("app>discord POST /token") == callback + 1);
  CHECK(position("app>discord GET /@me") == me_page + 1);
}

TEST_CASE("false expectations fail with expected and actual") {
  auto result = run_text(std::string("name: wrong\nsteps:") + sign_in + R"(
    expect:
      status: 404
      signed_in_as: eve
      body_contains: "no such text"
      discord: {requests: {token: 2}}
discord:
  users:
    - {id: "80351110224678912", username: nelly}
    - {id: "80351110224678913", username: eve}
)");
  REQUIRE_FALSE(result.passed());
  const std::string text = failure_text(result);
  INFO(text);
  CHECK(text.find("step 2 | status | 404 | 200") != std::string::npos);
  CHECK(text.find("signed_in_as | a 2xx page showing 'eve'") != std::string::npos);
  CHECK(text.find("body_contains | a body containing 'no such text'") != std::string::npos);
  CHECK(text.find("discord.requests.token | 2 | 1") != std::string::npos);
  CHECK_FALSE(result.hops.empty());
  CHECK_FALSE(result.journal_tail.empty());
}

TEST_CASE("json and headers expectations check raw requests") {
  const std::string scenario = R"(name: raw
app: {kind: none}
steps:
  - request:
      method: POST
      url: ${discord}/api/oauth2/token
      form: {grant_type: authorization_code, code: nope, redirect_uri: "${app}/callback"}
      basic: ["${client_id}", "${client_secret}"]
    expect:
      status: 400
      json: {error: invalid_grant, error_description: 'Invalid "code" in request.'}
      headers: {Content-Type: "re:application/json.*"}
)";
  auto passing = run_text(scenario);
  INFO(failure_text(passing));
  CHECK(passing.passed());

  std::string wrong = scenario;
  wrong.replace(wrong.find("error: invalid_grant"), 20, "error: invalid_client");
  auto failing = run_text(wrong);
  CHECK(failure_text(failing).find("json.error | \"invalid_client\" | \"invalid_grant\"") != std::string::npos);
}

TEST_CASE("a step that cannot be carried out fails the scenario with the reason") {
  auto result = run_text(R"(name: no consent
app: {kind: none}
steps:
  - consent: approve
)");
  REQUIRE_FALSE(result.passed());
  CHECK(failure_text(result).find("consent: the browser shows no page yet") != std::string::npos);
}

TEST_CASE("a command app that does not start fails the scenario with its output") {
  auto result = run_text(R"(name: broken app
app: {kind: command, command: "echo cannot start; exit 3", ready_timeout: 5s}
steps:
  - open: ${app}/login
)");
  REQUIRE_FALSE(result.passed());
  CHECK(failure_text(result).find("cannot start") != std::string::npos);
}

TEST_CASE("claims that would hold vacuously fail instead") {
  SECTION("${tunnel.previous} before any restart has no value") {
    auto result = run_text(R"(name: no previous
app: {tunnel: ngrok}
steps:
  - open: ${app}/login
    expect: {url: "${tunnel.previous}"}
)");
    CHECK(failure_text(result).find("the tunnel has had only one URL so far") != std::string::npos);
  }
  SECTION("Discord's consent page shows the username, but nobody is signed in to the app") {
    auto result = run_text(R"(name: consent is not sign-in
steps:
  - open: ${app}/login
    expect: {signed_in_as: nelly}
)");
    CHECK(failure_text(result).find("signed_in_as | a 2xx page showing 'nelly'") != std::string::npos);
  }
  SECTION("no page at all is not a page without the user") {
    auto result = run_text(std::string("name: app down\nsteps:") + sign_in + R"(
  - app: stop
  - open: ${app}/me
    expect: {not_signed_in_as: nelly, body_not_contains: nelly}
)");
    const std::string text = failure_text(result);
    INFO(text);
    CHECK(text.find("step 4 | not_signed_in_as | a page to check | no answer: ERR_CONNECTION_REFUSED") !=
          std::string::npos);
    CHECK(text.find("body_not_contains | a page to check") != std::string::npos);
  }
  SECTION("... unless the step expects no answer") {
    auto result = run_text(std::string("name: app down on purpose\nsteps:") + sign_in + R"(
  - app: stop
  - open: ${app}/me
    expect: {transport_error: true, not_signed_in_as: nelly}
)");
    INFO(failure_text(result));
    CHECK(result.passed());
  }
}

TEST_CASE("headers expectations see every value of a repeated header") {
  // A one-line app in another language (the app contract) that sets two cookies.
  auto result = run_text(R"yaml(name: cookies
app:
  kind: command
  command: >-
    exec python3 -c "import http.server as h, os;
    H = type('H', (h.BaseHTTPRequestHandler,), {'do_GET': lambda s: (s.send_response(200),
    s.send_header('Set-Cookie', 'a=1'), s.send_header('Set-Cookie', 'session=x; Max-Age=0'),
    s.end_headers(), s.wfile.write(b'hi'))});
    h.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"
steps:
  - open: ${app}/
    expect:
      headers: {Set-Cookie: "re:session=.*", X-No-Such-Header: null}
  - open: ${app}/
    expect:
      headers: {Set-Cookie: "re:nothing=.*"}
)yaml");
  const std::string text = failure_text(result);
  INFO(text);
  CHECK(text.find("step 1") == std::string::npos);
  CHECK(text.find("step 2 | headers.Set-Cookie | re:nothing=.* | a=1 | session=x; Max-Age=0") != std::string::npos);
}

// Sign-in through /auth/discord and /auth/discord/cb, wherever those paths come from.
const char* const other_paths_steps = R"(
steps:
  - open: ${login}
    expect: {consent_page: true}
  - consent: approve
    expect:
      signed_in_as: nelly
      hops: ["${discord}/oauth2/authorize/consent", "${app}/auth/discord/cb?code=", "${app}/me"]
)";

TEST_CASE("the reference app serves sign-in at login_path and the callback at redirect_path") {
  auto result = run_text(std::string(R"(name: other paths
app: {login_path: /auth/discord, redirect_path: /auth/discord/cb}
discord:
  applications: [{id: "157730590492196864", redirect_uris: ["${app}/auth/discord/cb"]}])") + other_paths_steps);
  INFO(failure_text(result));
  CHECK(result.passed());
}

TEST_CASE("redirect_path also moves the default registration; ${login} follows login_path") {
  auto result = run_text(std::string("name: registration follows the callback path\n"
                                     "app: {login_path: /auth/discord, redirect_path: /auth/discord/cb}") +
                         other_paths_steps);
  INFO(failure_text(result));
  CHECK(result.passed());
}

TEST_CASE("the --app-* overrides apply to scenarios that do not set kind") {
  Scenario scenario = load_scenario_text("inline.yaml", std::string("name: overridden") + other_paths_steps);
  WorldOptions options;
  options.app.login_path = "/auth/discord";
  options.app.redirect_path = "/auth/discord/cb";
  ScenarioResult result = run_scenario(scenario, options);
  INFO(failure_text(result));
  CHECK(result.passed());
  CHECK_FALSE(run_scenario(scenario, WorldOptions{}).passed());  // without them: /callback
}

TEST_CASE("a consent that stops before the redirect lets the code expire for real; follow goes on") {
  auto result = run_text(std::string("name: expiry\nsteps:\n  - open: ${login}\n") + R"(
  - consent: approve
    follow_redirects: false
    expect: {status: 302, url: "${discord}/oauth2/authorize"}
  - clock: +101s
  - follow: redirect
    expect:
      url: ${app}/callback?code=
      not_signed_in_as: nelly
      discord: {requests: {token: 1}, codes_redeemed: 0}
)");
  INFO(failure_text(result));
  CHECK(result.passed());
}

TEST_CASE("submit posts the page's form as a click would, and warn_unless misses are warnings") {
  auto result = run_text(std::string("name: log out\nsteps:") + sign_in + R"(
    expect: {signed_in_as: nelly}
  - submit: {action: "${app}/logout"}
    expect: {url: "${app}/", not_signed_in_as: nelly}
    warn_unless:
      status: 418
      advice: brew tea
  - open: ${app}/me
    expect: {not_signed_in_as: nelly}
)");
  INFO(failure_text(result));
  CHECK(result.passed());
  CHECK(result.verdict() == "warn");
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].expectation == "status");
  CHECK(result.warnings[0].advice == "brew tea");
}

TEST_CASE("requires: [refreshes] skips unless the app says it refreshes") {
  Scenario scenario = load_scenario_text("inline.yaml", R"(name: needs refresh
requires: [refreshes]
steps:
  - open: ${login}
)");
  WorldOptions does_not_refresh;
  does_not_refresh.app.refreshes = false;
  ScenarioResult skipped = run_scenario(scenario, does_not_refresh);
  CHECK(skipped.outcome == ScenarioResult::Outcome::skipped);
  CHECK(skipped.skip_reason.find("--app-refreshes true") != std::string::npos);
  WorldOptions options;
  options.app.refreshes = true;
  CHECK(run_scenario(scenario, options).passed());
  // The reference app refreshes: its own contract says so.
  CHECK(run_scenario(scenario, WorldOptions{}).passed());
}

TEST_CASE("timeout: cuts a hanging step, the last one too") {
  const auto started = std::chrono::steady_clock::now();
  auto waiting = run_text(R"(name: waits too long
app: {kind: none}
timeout: 300ms
steps:
  - wait: 10m
)");
  REQUIRE_FALSE(waiting.passed());
  CHECK(failure_text(waiting).find("the scenario ran out of time (timeout 300ms) in this step") != std::string::npos);
  // The browser would see the hang as the expected transport error, after
  // its own 30 s: the limit cuts it first, and the last step fails.
  auto browsing = run_text(R"(name: hangs in the browser
timeout: 400ms
steps:
  - fail: {endpoint: authorize, fault: hang}
  - open: ${app}/login
    expect: {transport_error: true}
)");
  REQUIRE_FALSE(browsing.passed());
  CHECK(failure_text(browsing).find("step 2 |  |  |  | the scenario ran out of time (timeout 400ms)") != std::string::npos);
  auto requesting = run_text(R"(name: hangs in a raw request
app: {kind: none}
timeout: 300ms
steps:
  - fail: {endpoint: users_me, fault: hang}
  - request: {url: "${discord}/api/v10/users/@me"}
    expect: {transport_error: true}
)");
  REQUIRE_FALSE(requesting.passed());
  CHECK(failure_text(requesting).find("ran out of time") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
}

TEST_CASE("every scenario has a time limit: --timeout, else 60 s") {
  Scenario scenario = load_scenario_text("inline.yaml", "name: waits\napp: {kind: none}\nsteps:\n  - wait: 10m\n");
  CHECK(time_limit(scenario, WorldOptions{}) == std::chrono::seconds(60));
  WorldOptions options;
  options.timeout = std::chrono::milliseconds(200);
  auto result = run_scenario(scenario, options);
  REQUIRE_FALSE(result.passed());
  CHECK(failure_text(result).find("ran out of time (timeout 200ms)") != std::string::npos);
  Scenario own = load_scenario_text("inline.yaml", "name: own\napp: {kind: none}\ntimeout: 2s\nsteps:\n  - wait: 1ms\n");
  CHECK(time_limit(own, options) == std::chrono::seconds(2));
}

TEST_CASE("an app that crashes is reported with its signal") {
  auto result = run_text(R"yaml(name: crashing app
app:
  kind: command
  command: >-
    exec python3 -c "import http.server, os, signal;
    H = type('H', (http.server.BaseHTTPRequestHandler,), {'do_GET': lambda self: os.kill(os.getpid(), signal.SIGSEGV)});
    http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"
steps:
  - open: ${app}/login
    expect: {status: 200}
)yaml");
  REQUIRE_FALSE(result.passed());
  CHECK(failure_text(result).find("the app was killed by signal SIGSEGV") != std::string::npos);
}

TEST_CASE("fail-fast: after a failure no scenario starts, the rest are skipped saying why") {
  std::vector<Scenario> scenarios;
  scenarios.push_back(load_scenario_text("a.yaml", "name: fails\napp: {kind: none}\nsteps:\n"
                                                   "  - request: {url: '${discord}/_mock/health'}\n"
                                                   "    expect: {status: 500}\n"));
  for (const char* name : {"b", "c"})
    scenarios.push_back(load_scenario_text(std::string(name) + ".yaml",
                                           std::string("name: ") + name + "\napp: {kind: none}\nsteps:\n"
                                           "  - request: {url: '${discord}/_mock/health'}\n"
                                           "    expect: {status: 200}\n"));
  std::vector<const Scenario*> selected;
  for (const auto& scenario : scenarios) selected.push_back(&scenario);
  RunOptions options;
  options.jobs = 1;
  options.fail_fast = true;
  std::vector<std::string> seen;
  RunSummary summary = run_scenarios(selected, options, [&](const ScenarioResult& result) { seen.push_back(result.name); });
  CHECK(seen == std::vector<std::string>{"fails", "b", "c"});
  CHECK(summary.results[0].outcome == ScenarioResult::Outcome::failed);
  for (std::size_t i = 1; i < 3; ++i) {
    CHECK(summary.results[i].outcome == ScenarioResult::Outcome::skipped);
    CHECK(summary.results[i].skip_reason == "not run: --fail-fast stopped the run after a failure");
  }
  options.fail_fast = false;
  RunSummary all = run_scenarios(selected, options, [](const ScenarioResult&) {});
  CHECK(all.count(ScenarioResult::Outcome::passed) == 2);
}
