// Subset matching of JSON documents for `json:` expectations.
#include "harness/json_match.hpp"

#include "support/bounded_regex.hpp"

#include <regex>
#include <stdexcept>

namespace harness {
namespace {

std::string describe(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 200 ? text.substr(0, 197) + "..." : text;
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

std::optional<JsonMismatch> match_at(const nlohmann::json& expected, const nlohmann::json& actual,
                                     const std::string& path) {
  if (expected.is_object()) {
    if (!actual.is_object()) return JsonMismatch{path, describe(expected), describe(actual)};
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const std::string child = join(path, it.key());
      if (!actual.contains(it.key())) return JsonMismatch{child, describe(it.value()), "(absent)"};
      if (auto mismatch = match_at(it.value(), actual.at(it.key()), child)) return mismatch;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size())
      return JsonMismatch{path, describe(expected), describe(actual)};
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (auto mismatch = match_at(expected[i], actual[i], path + "[" + std::to_string(i) + "]")) return mismatch;
    return std::nullopt;
  }
  if (expected.is_string() && expected.get<std::string>().rfind("re:", 0) == 0) {
    // A pattern matches strings, and also numbers and booleans by their JSON text.
    std::string text = actual.is_string() ? actual.get<std::string>() : describe(actual);
    if (!actual.is_structured() && !actual.is_null() && matches_expected_text(expected.get<std::string>(), text))
      return std::nullopt;
    return JsonMismatch{path, describe(expected), describe(actual)};
  }
  // Numbers compare by value whatever their JSON type (1 == 1.0); integers
  // exactly, since snowflakes do not fit a double.
  if (expected.is_number() && actual.is_number()) {
    bool equal = expected.is_number_float() || actual.is_number_float()
                     ? expected.get<double>() == actual.get<double>()
                     : expected == actual;
    if (equal) return std::nullopt;
    return JsonMismatch{path, describe(expected), describe(actual)};
  }
  if (expected == actual) return std::nullopt;
  return JsonMismatch{path, describe(expected), describe(actual)};
}

}  // namespace

std::optional<JsonMismatch> match_json_subset(const nlohmann::json& expected, const nlohmann::json& actual) {
  return match_at(expected, actual, "");
}

bool matches_expected_text(const std::string& expected, const std::string& value) {
  if (expected.rfind("re:", 0) != 0) return expected == value;
  // libstdc++'s matcher recurses per character: a long value would overflow
  // the stack and kill the run with every result in it.
  if (value.size() > max_regex_subject)
    throw std::length_error("a value of " + std::to_string(value.size()) + " bytes is too long to match a re: pattern (at most " +
                            std::to_string(max_regex_subject) + ")");
  return std::regex_match(value, support::bounded_regex(expected.substr(3)));
}

}  // namespace harness
