// The ${...} grammar and its expansion (harness/placeholders.hpp).
#include "harness/placeholders.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>

using harness::expand;
using harness::PlaceholderError;

namespace {

const std::map<std::string, std::string> values = {
    {"discord", "http://127.0.0.1:41234"},
    {"app", "https://ab12.ngrok-free.app"},
    {"last.code", "NhhvTDYsFcdgNLnnLijcl7Ku7bEEeee"},
    {"user.nelly.id", "80351110224678912"},
};

std::optional<std::string> lookup(const std::string& name) {
  auto found = values.find(name);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

// The message and offset of the error `text` raises, or "(no error)".
std::pair<std::string, std::size_t> placeholder_error_of(const std::string& text) {
  try {
    expand(text, lookup);
  } catch (const PlaceholderError& error) {
    return {error.what(), error.offset()};
  }
  return {"(no error)", 0};
}

}  // namespace

TEST_CASE("placeholders expand in place, several per string") {
  CHECK(expand("${discord}/api/oauth2/token", lookup) == "http://127.0.0.1:41234/api/oauth2/token");
  CHECK(expand("code=${last.code}&id=${user.nelly.id}", lookup) ==
        "code=NhhvTDYsFcdgNLnnLijcl7Ku7bEEeee&id=80351110224678912");
  CHECK(expand("${app}${app}", lookup) == "https://ab12.ngrok-free.app" "https://ab12.ngrok-free.app");
  CHECK(expand("no placeholders", lookup) == "no placeholders");
  CHECK(expand("", lookup).empty());
}

TEST_CASE("a lone dollar is literal and $${ escapes a placeholder") {
  CHECK(expand("costs $5 or $", lookup) == "costs $5 or $");
  CHECK(expand("$${discord} is written literally", lookup) == "${discord} is written literally");
  CHECK(expand("$$${discord}", lookup) == "$${discord}");
}

TEST_CASE("unknown, unterminated, empty and malformed placeholders are errors with their offset") {
  CHECK(placeholder_error_of("x ${nope} y") == std::make_pair(std::string("unknown placeholder '${nope}'"), std::size_t{2}));
  CHECK(placeholder_error_of("${discord}/${last.code") ==
        std::make_pair(std::string("unterminated placeholder '${last.code' (missing '}')"), std::size_t{11}));
  CHECK(placeholder_error_of("a${}") == std::make_pair(std::string("empty placeholder '${}'"), std::size_t{1}));
  CHECK(placeholder_error_of("${last code}").first.rfind("malformed placeholder '${last code}'", 0) == 0);
}

TEST_CASE("a lookup's own error keeps its message and gets the placeholder's offset") {
  harness::Lookup strict = [](const std::string& name) -> std::optional<std::string> {
    throw PlaceholderError("no code has been issued yet for '${" + name + "}'", 999);
  };
  try {
    expand("code=${last.code}", strict);
    FAIL("expected an error");
  } catch (const PlaceholderError& error) {
    CHECK(std::string(error.what()) == "no code has been issued yet for '${last.code}'");
    CHECK(error.offset() == 5);
  }
}

TEST_CASE("find_placeholders lists names, offsets and lengths in order") {
  auto uses = harness::find_placeholders("${discord}/x?c=${last.code}&$${app}");
  REQUIRE(uses.size() == 2);
  CHECK(uses[0].name == "discord");
  CHECK(uses[0].offset == 0);
  CHECK(uses[0].length == 10);
  CHECK(uses[1].name == "last.code");
  CHECK(uses[1].offset == 15);
  CHECK(uses[1].length == 12);
}

TEST_CASE("in a regular expression, values match literally") {
  std::string pattern = harness::expand_in_regex("${app}/callback\\?code=[A-Za-z0-9]+", lookup);
  CHECK(pattern == "https://ab12\\.ngrok-free\\.app/callback\\?code=[A-Za-z0-9]+");
  CHECK(std::regex_match("https://ab12.ngrok-free.app/callback?code=abc", std::regex(pattern)));
  CHECK_FALSE(std::regex_match("https://ab12Xngrok-free.app/callback?code=abc", std::regex(pattern)));
}

TEST_CASE("expectations expand re: patterns as regexes and other strings as text") {
  CHECK(harness::expand_expected("re:${discord}/.*", lookup) == "re:http://127\\.0\\.0\\.1:41234/.*");
  CHECK(harness::expand_expected("${discord}/.*", lookup) == "http://127.0.0.1:41234/.*");
}

TEST_CASE("JSON documents expand every string value, never keys or other types") {
  nlohmann::json body = {{"code", "${last.code}"}, {"n", 5}, {"list", {"${discord}", true}}, {"${app}", nullptr}};
  nlohmann::json expanded = harness::expand_json(body, lookup);
  CHECK(expanded["code"] == "NhhvTDYsFcdgNLnnLijcl7Ku7bEEeee");
  CHECK(expanded["n"] == 5);
  CHECK(expanded["list"] == nlohmann::json({"http://127.0.0.1:41234", true}));
  CHECK(expanded.contains("${app}"));

  nlohmann::json expected = {{"id", "${user.nelly.id}"}, {"url", "re:${app}/.*"}};
  nlohmann::json expanded_expected = harness::expand_expected_json(expected, lookup);
  CHECK(expanded_expected["id"] == "80351110224678912");
  CHECK(expanded_expected["url"] == "re:https://ab12\\.ngrok-free\\.app/.*");
}

TEST_CASE("URL parts: ${X.host} and ${X.port} of the URL placeholders") {
  harness::Lookup parts = harness::with_url_parts(lookup);
  CHECK(expand("https://${discord.host}:${discord.port}/x", parts) == "https://127.0.0.1:41234/x");
  CHECK(expand("${app.host} ${app.port}", parts) == "ab12.ngrok-free.app 443");  // the scheme's default port
  CHECK(expand("${last.code}", parts) == "NhhvTDYsFcdgNLnnLijcl7Ku7bEEeee");      // other names pass through
  CHECK(placeholder_error_of("${user.nelly.id.host}").first == "unknown placeholder '${user.nelly.id.host}'");
  try {
    expand("${tunnel.host}", parts);  // the base does not know tunnel
    FAIL("expected an error");
  } catch (const PlaceholderError& error) {
    CHECK(std::string(error.what()) == "unknown placeholder '${tunnel.host}'");
  }
  harness::Lookup not_a_url = harness::with_url_parts(
      [](const std::string&) -> std::optional<std::string> { return std::string("not a url"); });
  CHECK_THROWS_WITH(expand("${app.port}", not_a_url), "'${app}' is not a URL here ('not a url'), so it has no port");
}

TEST_CASE("step references: ${step.N.json.PATH} reads an earlier answer's JSON") {
  auto reference = harness::parse_step_json_reference("step.3.json.guilds.0.id");
  REQUIRE(reference);
  CHECK(reference->step == 3);
  CHECK(reference->path == std::vector<std::string>{"guilds", "0", "id"});
  for (const char* not_a_reference : {"step.3", "step.3.json", "step.3.json.", "step.x.json.a", "step.0.json.a",
                                      "step.3.body.a", "step.3.json.a..b", "last.code"})
    CHECK_FALSE(harness::parse_step_json_reference(not_a_reference));

  harness::Lookup answers = harness::with_step_answers(lookup, [](int step) -> std::optional<std::string> {
    if (step == 2) return std::string(R"({"refresh_token": "R1", "expires_in": 604800, "guilds": [{"id": "9"}], "n": null})");
    if (step == 4) return std::string("<html>not json</html>");
    return std::nullopt;
  });
  CHECK(expand("${step.2.json.refresh_token}", answers) == "R1");
  CHECK(expand("${step.2.json.expires_in}", answers) == "604800");
  CHECK(expand("${step.2.json.guilds.0.id}", answers) == "9");
  CHECK(expand("${step.2.json.guilds.0}", answers) == R"({"id":"9"})");
  CHECK(expand("${step.2.json.n}", answers) == "null");
  CHECK(expand("${discord}", answers) == "http://127.0.0.1:41234");  // other names pass through
  CHECK_THROWS_WITH(expand("${step.2.json.guilds.1.id}", answers),
                    "'${step.2.json.guilds.1.id}': the answer of step 2 has no 'guilds.1'");
  CHECK_THROWS_WITH(expand("${step.2.json.scope}", answers), "'${step.2.json.scope}': the answer of step 2 has no 'scope'");
  CHECK_THROWS_WITH(expand("${step.4.json.a}", answers), "'${step.4.json.a}': the answer of step 4 is not JSON");
  CHECK_THROWS_WITH(expand("${step.5.json.a}", answers), "'${step.5.json.a}': step 5 has no answer");
}
