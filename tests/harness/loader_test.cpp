// The scenario loader (harness/loader.hpp): the model it builds, and the
// errors it reports for broken files, each at its file, line and column.
#include "harness/loader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/suite.hpp"
#include "mock_discord/config.hpp"
#include "support/diagnostic.hpp"
#include "support/errors.hpp"

using harness::load_scenario;
using harness::load_scenario_text;
using harness::Scenario;
namespace action = harness::action;
namespace fs = std::filesystem;

namespace {

std::string error_of(const std::string& text, const std::string& name = "s.yaml") {
  try {
    load_scenario_text(name, text);
  } catch (const support::InputError& error) {
    return error.what();
  }
  return "(no error)";
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::vector<std::string> yaml_files_under(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file() && (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml"))
      files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

const std::string minimal = "name: minimal\nsteps:\n  - open: ${app}/login\n";

}  // namespace

TEST_CASE("a minimal scenario takes the spec's defaults") {
  Scenario scenario = load_scenario_text("flows/minimal.yaml", minimal);
  CHECK(scenario.name == "minimal");
  CHECK(scenario.file == "flows/minimal.yaml");
  CHECK(scenario.tags.empty());
  CHECK_FALSE(scenario.skip);
  CHECK(scenario.app.kind == harness::AppSpec::Kind::reference);
  CHECK_FALSE(scenario.app.kind_given);
  CHECK(scenario.app.login_path == "/login");
  CHECK(scenario.app.redirect_uri == "${app}/callback");
  CHECK(scenario.app.scopes == std::vector<std::string>{"identify"});
  CHECK(scenario.app.tunnel == harness::AppSpec::Tunnel::none);
  CHECK(scenario.app.ready_timeout == std::chrono::seconds(10));
  CHECK(scenario.users == std::vector<std::string>{"nelly"});
  CHECK(scenario.discord.IsNull());
  REQUIRE(scenario.steps.size() == 1);
  const auto& step = scenario.steps[0];
  CHECK(step.number == 1);
  CHECK(step.line == 3);
  CHECK(step.column == 5);
  CHECK(step.label() == "step 1");
  CHECK(scenario.where(step) == "flows/minimal.yaml:3");
  REQUIRE(std::holds_alternative<action::Open>(step.action));
  CHECK(std::get<action::Open>(step.action).url == "${app}/login");  // placeholders stay raw
  CHECK_FALSE(step.expect);
}

TEST_CASE("the default redirect URI follows redirect_path") {
  Scenario scenario = load_scenario_text("s.yaml", "name: x\napp: {redirect_path: /auth/discord}\nsteps:\n  - open: ${app}/\n");
  CHECK(scenario.app.redirect_uri == "${app}/auth/discord");
}

TEST_CASE("every action becomes its struct with the file's values") {
  Scenario scenario = load_scenario_text("s.yaml", R"(name: all actions
tags: [a, b]
about: every action once
skip: waiting for the runner
timeout: 90s
discord:
  users:
    - {id: "80351110224678912", username: nelly}
    - {id: "80351110224678913", username: mallory}
app: {tunnel: ngrok, pkce: true, scopes: [identify, email]}
steps:
  - name: sign in
    open: ${app}/login
  - consent: deny
  - replay: callback
  - forge_callback: {as: mallory, state: random}
  - forge_callback: mallory
  - forge_callback: {as: mallory, state: "abc"}
  - request:
      url: ${discord}/api/oauth2/token
      basic: ["${client_id}", "${client_secret}"]
      form: {grant_type: authorization_code, code: "${last.code}"}
      headers: {X-Trace: "1"}
  - request: {url: "${discord}/api/users/@me", bearer: "${last.access_token}", timeout: 250ms}
  - request: {method: PUT, url: "${discord}/x", json: {a: 1, b: "2", c: [true, null]}}
  - clock: +101s
  - tunnel: restart
    update_app: false
    update_registration: true
  - tunnel: stop
  - app: restart
  - fail: {endpoint: token, status: 500, times: 2}
  - discord: {revoke_tokens_of: nelly, signed_in: mallory, redirect_uris: ["${tunnel}/callback"]}
  - discord: {signed_in: ""}
  - wait: 250ms
)");
  CHECK(scenario.tags == std::vector<std::string>{"a", "b"});
  CHECK(scenario.about == "every action once");
  CHECK(scenario.skip == std::optional<std::string>("waiting for the runner"));
  CHECK(scenario.timeout == std::chrono::seconds(90));
  CHECK(scenario.users == std::vector<std::string>{"nelly", "mallory"});
  CHECK(scenario.app.pkce);
  CHECK(scenario.app.scopes == std::vector<std::string>{"identify", "email"});
  const auto& steps = scenario.steps;
  REQUIRE(steps.size() == 17);

  CHECK(steps[0].name == "sign in");
  CHECK(steps[0].label() == "step 1 (sign in)");
  CHECK(steps[0].line == 12);
  CHECK_FALSE(std::get<action::Consent>(steps[1].action).approve);
  CHECK(std::holds_alternative<action::Replay>(steps[2].action));

  auto forge = std::get<action::ForgeCallback>(steps[3].action);
  CHECK(forge.as == "mallory");
  CHECK(forge.state_mode == action::ForgeCallback::StateMode::random);
  CHECK(std::get<action::ForgeCallback>(steps[4].action).state_mode == action::ForgeCallback::StateMode::none);
  auto literal = std::get<action::ForgeCallback>(steps[5].action);
  CHECK(literal.state_mode == action::ForgeCallback::StateMode::literal);
  CHECK(literal.state == "abc");

  auto token = std::get<action::Request>(steps[6].action);
  CHECK(token.method == "POST");  // a body and no method
  CHECK(token.url == "${discord}/api/oauth2/token");
  CHECK(token.basic == std::make_pair(std::string("${client_id}"), std::string("${client_secret}")));
  REQUIRE(token.form);
  CHECK(*token.form == support::Params{{"grant_type", "authorization_code"}, {"code", "${last.code}"}});
  CHECK(token.headers == harness::Headers{{"X-Trace", "1"}});
  CHECK(token.timeout == std::chrono::seconds(10));

  auto me = std::get<action::Request>(steps[7].action);
  CHECK(me.method == "GET");
  CHECK(me.bearer == std::optional<std::string>("${last.access_token}"));
  CHECK(me.timeout == std::chrono::milliseconds(250));

  auto put = std::get<action::Request>(steps[8].action);
  CHECK(put.method == "PUT");
  CHECK(*put.json == nlohmann::json({{"a", 1}, {"b", "2"}, {"c", {true, nullptr}}}));

  CHECK(std::get<action::Clock>(steps[9].action).by == std::chrono::seconds(101));
  auto restart = std::get<action::Tunnel>(steps[10].action);
  CHECK(restart.action == action::Tunnel::Action::restart);
  CHECK_FALSE(restart.update_app);
  CHECK(restart.update_registration);
  auto stop = std::get<action::Tunnel>(steps[11].action);
  CHECK(stop.action == action::Tunnel::Action::stop);
  CHECK(stop.update_app);  // the defaults
  CHECK_FALSE(stop.update_registration);
  CHECK(std::get<action::App>(steps[12].action).action == action::App::Action::restart);

  auto rule = std::get<action::Fail>(steps[13].action).rule;
  CHECK(rule.endpoint == mock_discord::Endpoint::token);
  CHECK(rule.status == 500);
  CHECK(rule.times == std::optional<int>(2));

  auto change = std::get<action::Discord>(steps[14].action);
  CHECK(change.revoke_tokens_of == std::optional<std::string>("nelly"));
  CHECK(change.signed_in == std::optional<std::string>("mallory"));
  CHECK(change.redirect_uris == std::optional<std::vector<std::string>>({"${tunnel}/callback"}));
  CHECK(std::get<action::Discord>(steps[15].action).signed_in == std::optional<std::string>(""));
  CHECK(std::get<action::Wait>(steps[16].action).duration == std::chrono::milliseconds(250));
  CHECK(harness::action_name(steps[6].action) == "request");
  CHECK(harness::produces_answer(steps[6].action));
  CHECK_FALSE(harness::produces_answer(steps[9].action));
}

TEST_CASE("expectations keep every key, typed, with their lines") {
  Scenario scenario = load_scenario_text("s.yaml", R"(name: expectations
app: {tunnel: ngrok}
steps:
  - open: ${app}/login
    expect:
      status: [200, 204]
      url: ${app}/me
      hops: ["${app}/login", "${discord}/oauth2/authorize?client_id=${client_id}"]
      body_contains: nelly
      body_not_contains: [error, "${client_secret}"]
      json: {id: "80351110224678912", expires_in: 604800, ok: true, token: "re:[A-Za-z0-9]{30}", list: [1, x]}
      headers: {Location: null, X-RateLimit-Limit: 5, Content-Type: "re:application/json.*"}
      consent_page: false
      signed_in_as: nelly
      not_signed_in_as: "80351110224678912"
      tunnel_error: ERR_NGROK_3200
      discord: {requests: {token: 1, users_me: 0}, codes_redeemed: 1, active_tokens: 1}
      no_leaks: true
      transport_error: false
  - clock: 1s
    expect: {no_leaks: true, discord: {active_tokens: 0}}
)");
  const auto& expect = *scenario.steps[0].expect;
  CHECK(expect.line == 6);
  CHECK(expect.status == std::optional<std::vector<int>>({200, 204}));
  CHECK(expect.url == std::optional<std::string>("${app}/me"));
  CHECK(expect.hops->size() == 2);
  CHECK(expect.body_contains == std::vector<std::string>{"nelly"});
  CHECK(expect.body_not_contains == std::vector<std::string>{"error", "${client_secret}"});
  // Quoted scalars stay strings; plain ones take YAML's types.
  CHECK(*expect.json == nlohmann::json({{"id", "80351110224678912"},
                                        {"expires_in", 604800},
                                        {"ok", true},
                                        {"token", "re:[A-Za-z0-9]{30}"},
                                        {"list", {1, "x"}}}));
  REQUIRE(expect.headers.size() == 3);
  CHECK(expect.headers[0].name == "Location");
  CHECK_FALSE(expect.headers[0].value);
  CHECK(expect.headers[1].value == std::optional<std::string>("5"));
  CHECK(expect.consent_page == std::optional<bool>(false));
  CHECK(expect.signed_in_as == std::optional<std::string>("nelly"));
  CHECK(expect.not_signed_in_as == std::optional<std::string>("80351110224678912"));
  CHECK(expect.tunnel_error == std::optional<std::string>("ERR_NGROK_3200"));
  REQUIRE(expect.discord);
  REQUIRE(expect.discord->requests.size() == 2);
  CHECK(expect.discord->requests.at("token").describe() == "1");
  CHECK(expect.discord->requests.at("users_me").describe() == "0");
  CHECK(expect.discord->codes_redeemed == std::optional<int>(1));
  CHECK(expect.no_leaks == std::optional<bool>(true));
  CHECK(expect.transport_error == std::optional<bool>(false));
  CHECK(expect.line_of("json") == 11);
  CHECK(expect.line_of("no_leaks") == 18);
  CHECK(scenario.steps[1].expect->discord->active_tokens == std::optional<int>(0));
}

TEST_CASE("a step may use values from an earlier answer and URL parts") {
  Scenario scenario = load_scenario_text("s.yaml", R"(name: references
steps:
  - request: {url: "${discord}/api/oauth2/token", form: {grant_type: refresh_token}}
  - request:
      url: ${discord}/api/oauth2/token
      form: {refresh_token: "${step.1.json.refresh_token}", redirect_uri: "https://${app.host}:${app.port}/callback"}
)");
  CHECK(std::get<action::Request>(scenario.steps[1].action).form->at(0).second == "${step.1.json.refresh_token}");
}

TEST_CASE("the discord: section stays raw and resolves with the runner's values") {
  Scenario scenario = load_scenario_text("s.yaml", R"(name: world
discord:
  applications:
    - {id: "1", redirect_uris: ["${app}/callback", "${discord}/x"]}
  consent: auto
steps:
  - open: ${app}/login
)");
  REQUIRE(scenario.discord.IsDefined());
  auto config = scenario.discord_config(
      [](const std::string& text) {
        return harness::expand(text, [](const std::string& name) -> std::optional<std::string> {
          return name == "app" ? "http://127.0.0.1:5000" : "http://127.0.0.1:6000";
        });
      },
      "http://unused");
  REQUIRE(config.applications.size() == 1);
  CHECK(config.applications[0].redirect_uris ==
        std::vector<std::string>{"http://127.0.0.1:5000/callback", "http://127.0.0.1:6000/x"});
  CHECK(config.consent == mock_discord::ConsentMode::auto_approve);

  Scenario defaults = load_scenario_text("s.yaml", minimal);
  auto default_config = defaults.discord_config(mock_discord::no_placeholders, "http://127.0.0.1:7000");
  CHECK(default_config.applications[0].redirect_uris == std::vector<std::string>{"http://127.0.0.1:7000/callback"});
}

TEST_CASE("failure rules expand their placeholders when the runner asks") {
  Scenario scenario = load_scenario_text("s.yaml", R"(name: rule
steps:
  - fail: {path: "/api/users/${user.nelly.id}", status: 418, body: {echo: "${last.code}"}, headers: {X-Code: "${last.code}"}}
)");
  auto rule = std::get<action::Fail>(scenario.steps[0].action).rule;
  CHECK(rule.path == "/api/users/${user.nelly.id}");
  auto expanded = harness::expand_failure_rule(rule, [](const std::string& name) -> std::optional<std::string> {
    return name == "last.code" ? "C0DE" : "42";
  });
  CHECK(expanded.path == "/api/users/42");
  CHECK(expanded.body == std::optional<std::string>(R"({"echo":"C0DE"})"));
  CHECK(expanded.headers == mock_discord::Headers{{"X-Code", "C0DE"}});
}

TEST_CASE("a command app's cwd resolves against the scenario's folder") {
  fs::path folder = fs::temp_directory_path() / "harness_loader_test_cwd";
  fs::create_directories(folder / "apps" / "flask");
  std::string file = (folder / "s.yaml").string();
  Scenario scenario = load_scenario_text(file, "name: c\napp: {kind: command, command: python3 app.py, cwd: apps/flask}\n"
                                               "steps:\n  - open: ${app}/\n");
  CHECK(scenario.app.kind == harness::AppSpec::Kind::command);
  CHECK(scenario.app.kind_given);
  CHECK(scenario.app.command == "python3 app.py");
  CHECK(scenario.app.cwd == (folder / "apps" / "flask").lexically_normal().string());
  CHECK(starts_with(error_of("name: c\napp: {kind: command, command: x, cwd: nowhere}\nsteps:\n  - open: ${app}/\n", file),
                    file + ":2:39: 'cwd' is not a folder"));
  fs::remove_all(folder);
}

TEST_CASE("the spec's example error, byte for byte") {
  std::string text =
      "name: expired code\n"
      "about: |\n"
      "  Discord answers invalid_grant for a code older than 100 s.\n"
      "tags: [code]\n"
      "steps:\n"
      "    - open: ${app}/login\n"
      "    - consent: approve\n"
      "    - name: redeem the code too late\n"
      "      request:\n"
      "        method: POST\n"
      "        url: ${discord}/api/oauth2/token\n"
      "        basic: [\"${client_id}\", \"${client_secret}\"]\n"
      "        form: {grant_type: authorization_code, code: \"${last.code}\"}\n"
      "      expct:\n"
      "        status: 400\n";
  CHECK(error_of(text, "scenarios/flows/expired-code.yaml") ==
        "scenarios/flows/expired-code.yaml:14:7: unknown key 'expct' in step 3 (did you mean 'expect'?)\n"
        "   14 |       expct:\n"
        "      |       ^");
}

TEST_CASE("every file in tests/harness/broken fails at the line, column and message it announces") {
  // Each broken file starts with "# error: LINE:COL: MESSAGE-PREFIX".
  auto files = yaml_files_under(PROJECT_ROOT "/tests/harness/broken");
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    INFO(file);
    std::string header = first_line(file);
    REQUIRE(starts_with(header, "# error: "));
    std::string expected = file + ":" + header.substr(9);
    std::string actual;
    try {
      load_scenario(file);
      actual = "(no error)";
    } catch (const support::InputError& error) {
      actual = error.what();
    }
    CHECK(starts_with(actual, expected));
    // The line is quoted with a caret under the column.
    CHECK(actual.find("\n   ") != std::string::npos);
  }
}

TEST_CASE("the shipped suites and the documentation's examples load") {
  for (const char* folder : {PROJECT_ROOT "/scenarios", PROJECT_ROOT "/docs/examples"}) {
    auto files = yaml_files_under(folder);
    CHECK_FALSE(files.empty());
    for (const auto& file : files) {
      INFO(file);
      CHECK_NOTHROW(load_scenario(file));
    }
  }
}

TEST_CASE("the documentation's examples use every action and every expectation") {
  std::set<std::string> actions, expectations;
  for (const auto& file : yaml_files_under(PROJECT_ROOT "/docs/examples")) {
    Scenario scenario = load_scenario(file);
    for (const auto& step : scenario.steps) {
      actions.insert(harness::action_name(step.action));
      for (const auto* expect : {&step.expect, &step.warn_unless})
        if (*expect)
          for (const auto& [key, line] : (*expect)->lines) expectations.insert(key);
    }
  }
  CHECK(actions == std::set<std::string>{"open", "consent", "replay", "forge_callback", "request", "clock", "tunnel",
                                         "app", "fail", "discord", "wait", "submit", "follow"});
  CHECK(expectations == std::set<std::string>{"status", "url", "hops", "body_contains", "body_not_contains", "json",
                                              "headers", "consent_page", "signed_in_as", "not_signed_in_as",
                                              "tunnel_error", "discord", "no_leaks", "transport_error", "handled",
                                              "no_leaks_in_app_log", "advice"});
}

TEST_CASE("the shipped suites are as large as issue 4 asks") {
  CHECK(yaml_files_under(PROJECT_ROOT "/scenarios/discord").size() >= 15);
  CHECK(yaml_files_under(PROJECT_ROOT "/scenarios/flows").size() >= 20);
}

TEST_CASE("a missing file is an input error naming it") {
  CHECK_THROWS_WITH(load_scenario("/nonexistent/x.yaml"), "/nonexistent/x.yaml: cannot read file");
}

TEST_CASE("a re: pattern too deep or too long for std::regex is a located error, not a crash") {
  const std::string deep = std::string(20000, '(') + std::string(20000, ')');
  const std::string text = "name: deep\nsteps:\n  - request: {url: \"${discord}/api/v10/users/@me\"}\n"
                           "    expect: {json: {message: \"re:" + deep + "\"}}\n";
  CHECK(starts_with(error_of(text), "s.yaml:4:30: regular expression too complex: the pattern is 40000 characters"));
  const std::string nested = std::string(40, '(') + "a" + std::string(40, ')');
  CHECK(starts_with(error_of("name: deep\nsteps:\n  - request: {url: \"${discord}/api/v10/users/@me\"}\n"
                             "    expect: {json: {message: \"re:" + nested + "\"}}\n"),
                    "s.yaml:4:30: regular expression too complex: the pattern nests groups more than 32 deep"));
}

TEST_CASE("steps are shared with x- anchors and merge keys, and errors in shared parts point at them") {
  const std::string text =
      "name: shared\n"
      "x-sign-in: &sign-in\n"
      "  open: ${app}/login\n"
      "  expect: {status: 200}\n"
      "steps:\n"
      "  - <<: *sign-in\n"
      "    name: first\n"
      "  - *sign-in\n";
  Scenario scenario = load_scenario_text("s.yaml", text);
  REQUIRE(scenario.steps.size() == 2);
  CHECK(scenario.steps[0].name == "first");
  CHECK(std::holds_alternative<action::Open>(scenario.steps[1].action));
  REQUIRE(scenario.steps[1].expect);
  const std::string broken =
      "name: shared\n"
      "x-sign-in: &sign-in\n"
      "  open: ${app}/login\n"
      "  expect: {stauts: 200}\n"
      "steps:\n"
      "  - <<: *sign-in\n";
  CHECK(starts_with(error_of(broken), "s.yaml:4:12: unknown key 'stauts' in step 1 expect (did you mean 'status'?)"));
}

TEST_CASE("the JSON Schema of scenario files and the loader accept the same keys") {
  auto schema = nlohmann::json::parse(support::SourceText::read_file(PROJECT_ROOT "/docs/scenario.schema.json")->text());
  auto tables = harness::scenario_key_tables();
  for (const auto& [name, keys] : mock_discord::config_key_tables()) tables[name] = keys;
  for (const auto& [name, keys] : tables) {
    INFO("$defs/" << name);
    REQUIRE(schema["$defs"].contains(name));
    std::set<std::string> in_schema;
    for (const auto& [key, value] : schema["$defs"][name]["properties"].items()) in_schema.insert(key);
    CHECK(in_schema == std::set<std::string>(keys.begin(), keys.end()));
    CHECK(schema["$defs"][name]["additionalProperties"] == false);
    CHECK(schema["$defs"][name]["patternProperties"].contains("^x-"));
  }
  // and no object of the schema is left out of the comparison
  for (const auto& [name, definition] : schema["$defs"].items())
    if (definition.contains("type") && definition["type"] == "object") CHECK(tables.count(name) == 1);
}
