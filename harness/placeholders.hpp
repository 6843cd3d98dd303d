// The ${...} placeholders of scenario files: their grammar and their
// expansion. Pure functions: the caller supplies the values through a Lookup
// (the loader a validating one, the runner the live world's), so fuzzers and
// tests can call them directly.
//
// Grammar: `${NAME}` where NAME is one or more of [A-Za-z0-9_.-]; `$${` is a
// literal `${`; a `$` not followed by `{` is literal. An unterminated `${`,
// an empty or malformed NAME, and a name the lookup does not know are errors.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/text.hpp"

namespace harness {

using support::text::regex_escape;

// A malformed or unknown placeholder. It derives from std::invalid_argument
// because that is what mock_discord's Resolver contract throws; `offset` is
// where the `${` starts in the text, so the loader can point a caret at it.
class PlaceholderError : public std::invalid_argument {
 public:
  PlaceholderError(const std::string& message, std::size_t offset)
      : std::invalid_argument(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// The value of a placeholder name ("discord", "last.code", "user.nelly.id"),
// or nullopt when the name is unknown. A lookup may also throw
// PlaceholderError itself to say something more precise (a suggestion, or
// "known, but no code has been issued yet"); its offset is then replaced by
// the placeholder's.
using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

struct PlaceholderUse {
  std::string name;
  std::size_t offset = 0;  // of the `${`
  std::size_t length = 0;  // of the whole `${NAME}`
};

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

// Every placeholder in `text`, in order; throws PlaceholderError on bad syntax.
std::vector<PlaceholderUse> find_placeholders(const std::string& text);

// `text` with every placeholder replaced by its value and `$${` by `${`.
std::string expand(const std::string& text, const Lookup& lookup);

// The same for a regular expression: values are escaped so that they match
// literally (a URL's `.` and `?` must not act as regex operators).
std::string expand_in_regex(const std::string& pattern, const Lookup& lookup);

// An expectation string: "re:PATTERN" keeps its prefix and expands with
// expand_in_regex; anything else expands with expand.
std::string expand_expected(const std::string& text, const Lookup& lookup);

// Every string value of a JSON document expanded (keys are literal):
// expand_json for bodies to send, expand_expected_json for `json:` expectations.
nlohmann::json expand_json(const nlohmann::json& value, const Lookup& lookup);
nlohmann::json expand_expected_json(const nlohmann::json& value, const Lookup& lookup);



}  // namespace harness
