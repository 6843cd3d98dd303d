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

// Whether `text` is "re:PATTERN" and PATTERN matches `value` fully, or
// equals `value` otherwise. An invalid pattern throws std::regex_error (the
// loader has checked every pattern written in a file).
bool matches_expected_text(const std::string& expected, const std::string& value);

}  // namespace harness
