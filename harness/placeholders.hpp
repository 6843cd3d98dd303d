// The ${...} placeholders of scenario files: the grammar shared with the
// mock's config files (support/placeholders.hpp) and the harness's own
// expansions (expected texts, JSON, URL parts, earlier answers). Pure
// functions: the caller supplies the values through a Lookup (the loader a
// validating one, the runner the live world's).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/placeholders.hpp"
#include "support/text.hpp"

namespace harness {

using support::text::regex_escape;

// The grammar lives in support (the mock's config files share it).
using support::expand;
using support::expand_in_regex;
using support::find_placeholders;
using support::Lookup;
using support::PlaceholderError;
using support::PlaceholderUse;

// Adds the URL parts (an extension of the spec): `${X.host}` and `${X.port}`
// for X in discord, app, tunnel, tunnel.previous: the host name and the port
// (explicit or the scheme's default) of X's value, so that a file can write
// a near-miss of a URL: https://${app.host}:${app.port}/callback. Every other
// name goes to `base`.
Lookup with_url_parts(Lookup base);
// discord, app, tunnel, tunnel.previous: the placeholders whose value is a URL.
bool is_url_placeholder(const std::string& name);

// Values from earlier answers (an extension of the spec):
// `${step.N.json.PATH}` is a field of the JSON body that step N answered,
// PATH being keys and array indexes joined by dots (refresh_token,
// guilds.0.id). Strings give their text; numbers, booleans, null, objects
// and arrays their JSON spelling.
struct StepJsonReference {
  int step = 0;  // 1-based
  std::vector<std::string> path;
};
// nullopt when `name` does not have the form step.N.json.PATH.
std::optional<StepJsonReference> parse_step_json_reference(const std::string& name);
// The body step N answered; nullopt when it has not run or had no answer.
using AnswerBodies = std::function<std::optional<std::string>(int step)>;
// Adds ${step.N.json.PATH} to `base`.
Lookup with_step_answers(Lookup base, AnswerBodies bodies);




// An expectation string: "re:PATTERN" keeps its prefix and expands with
// expand_in_regex; anything else expands with expand.
std::string expand_expected(const std::string& text, const Lookup& lookup);

// Every string value of a JSON document expanded (keys are literal):
// expand_json for bodies to send, expand_expected_json for `json:` expectations.
nlohmann::json expand_json(const nlohmann::json& value, const Lookup& lookup);
nlohmann::json expand_expected_json(const nlohmann::json& value, const Lookup& lookup);



}  // namespace harness
