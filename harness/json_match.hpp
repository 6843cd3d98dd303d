// The `json:` expectation: the body contains the expected document as a
// subset (objects: the listed keys; arrays: same length, element-wise), and
// a string "re:PATTERN" matches a string value fully. A pure function.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace harness {

struct JsonMismatch {
  std::string path;  // "user.id", "scopes[0]", "" for the root
  std::string expected;
  std::string actual;
};

// nullopt when `actual` holds `expected`; else the first difference.
std::optional<JsonMismatch> match_json_subset(const nlohmann::json& expected, const nlohmann::json& actual);

// The longest value a re: pattern is matched against.
constexpr std::size_t max_regex_subject = 8 * 1024;

// Whether `text` is "re:PATTERN" and PATTERN matches `value` fully, or
// equals `value` otherwise. An invalid pattern throws std::regex_error (the
// loader has checked every pattern written in a file); a value longer than
// max_regex_subject throws std::length_error.
bool matches_expected_text(const std::string& expected, const std::string& value);

}  // namespace harness
