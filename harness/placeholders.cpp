// Parsing and expanding ${...} placeholders (see placeholders.hpp).
#include "harness/placeholders.hpp"

#include "support/url.hpp"

namespace harness {
namespace {

template <typename Expand>
nlohmann::json map_strings(const nlohmann::json& value, const Expand& expand_string) {
  if (value.is_string()) return expand_string(value.get<std::string>());
  if (value.is_array()) {
    nlohmann::json result = nlohmann::json::array();
    for (const auto& item : value) result.push_back(map_strings(item, expand_string));
    return result;
  }
  if (value.is_object()) {
    nlohmann::json result = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) result[it.key()] = map_strings(it.value(), expand_string);
    return result;
  }
  return value;
}

}  // namespace

std::string expand_expected(const std::string& text, const Lookup& lookup) {
  if (text.rfind("re:", 0) == 0) return "re:" + expand_in_regex(text.substr(3), lookup);
  return expand(text, lookup);
}

nlohmann::json expand_json(const nlohmann::json& value, const Lookup& lookup) {
  return map_strings(value, [&](const std::string& text) { return expand(text, lookup); });
}

nlohmann::json expand_expected_json(const nlohmann::json& value, const Lookup& lookup) {
  return map_strings(value, [&](const std::string& text) { return expand_expected(text, lookup); });
}

bool is_url_placeholder(const std::string& name) {
  return name == "discord" || name == "app" || name == "tunnel" || name == "tunnel.previous";
}

Lookup with_url_parts(Lookup base) {
  return [base = std::move(base)](const std::string& name) -> std::optional<std::string> {
    for (const std::string part : {".host", ".port"}) {
      if (name.size() <= part.size() || name.compare(name.size() - part.size(), part.size(), part) != 0) continue;
      const std::string stem = name.substr(0, name.size() - part.size());
      if (!is_url_placeholder(stem)) continue;
      std::optional<std::string> value = base(stem);
      if (!value) return std::nullopt;
      std::optional<support::Url> url = support::parse_url(*value);
      if (!url) throw PlaceholderError("'${" + stem + "}' is not a URL here ('" + *value + "'), so it has no " + part.substr(1), 0);
      return part == ".host" ? url->host : std::to_string(url->port);
    }
    return base(name);
  };
}

std::optional<StepJsonReference> parse_step_json_reference(const std::string& name) {
  const std::string prefix = "step.";
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  std::size_t dot = name.find('.', prefix.size());
  if (dot == std::string::npos || dot == prefix.size() || dot - prefix.size() > 4) return std::nullopt;
  const std::string number = name.substr(prefix.size(), dot - prefix.size());
  for (char c : number)
    if (c < '0' || c > '9') return std::nullopt;
  if (name.compare(dot, 6, ".json.") != 0 || name.size() == dot + 6) return std::nullopt;
  StepJsonReference reference;
  reference.step = std::stoi(number);
  std::size_t begin = dot + 6;
  while (true) {
    std::size_t end = name.find('.', begin);
    std::string key = name.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (key.empty()) return std::nullopt;
    reference.path.push_back(key);
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  if (reference.step < 1) return std::nullopt;
  return reference;
}

Lookup with_step_answers(Lookup base, AnswerBodies bodies) {
  return [base = std::move(base), bodies = std::move(bodies)](const std::string& name) -> std::optional<std::string> {
    auto reference = parse_step_json_reference(name);
    if (!reference) return base(name);
    const std::string shown = "'${" + name + "}'";
    const std::string step = "step " + std::to_string(reference->step);
    std::optional<std::string> body = bodies(reference->step);
    if (!body) throw PlaceholderError(shown + ": " + step + " has no answer", 0);
    nlohmann::json value = nlohmann::json::parse(*body, nullptr, false);
    if (value.is_discarded()) throw PlaceholderError(shown + ": the answer of " + step + " is not JSON", 0);
    std::string walked;
    for (const auto& key : reference->path) {
      walked += (walked.empty() ? "" : ".") + key;
      bool index = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos && key.size() < 9;
      if (value.is_object() && value.contains(key)) {
        value = nlohmann::json(value[key]);
      } else if (value.is_array() && index && std::stoul(key) < value.size()) {
        value = nlohmann::json(value[std::stoul(key)]);
      } else {
        throw PlaceholderError(shown + ": the answer of " + step + " has no '" + walked + "'", 0);
      }
    }
    return value.is_string() ? value.get<std::string>() : value.dump();
  };
}

}  // namespace harness
