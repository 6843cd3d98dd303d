// Located, strict YAML reading (see yaml_reader.hpp).
#include "support/yaml_reader.hpp"

#include <cmath>
#include <regex>
#include <set>

#include "support/errors.hpp"
#include "support/suggest.hpp"

namespace support {
namespace {

std::string kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "nothing";
  }
}

}  // namespace

YamlReader::YamlReader(std::shared_ptr<const SourceText> source) : source_(std::move(source)) {
  try {
    root_ = YAML::Load(source_->text());
  } catch (const YAML::ParserException& error) {
    fail_at(error.mark, "invalid YAML: " + error.msg);
  }
  check_duplicates(root_);
}

YamlReader YamlReader::from_file(const std::string& path) { return YamlReader(SourceText::read_file(path)); }

YamlReader YamlReader::from_string(const std::string& name, const std::string& text) {
  return YamlReader(std::make_shared<SourceText>(name, text));
}

void YamlReader::fail_at(const YAML::Mark& mark, const std::string& message) const {
  if (mark.is_null() || mark.line < 0) throw InputError(source_->path() + ": " + message);
  throw InputError(format_diagnostic(*source_, mark.line + 1, mark.column + 1, message));
}

void YamlReader::fail(const YAML::Node& node, const std::string& message) const {
  YAML::Mark mark = YAML::Mark::null_mark();
  if (node.IsDefined()) mark = node.Mark();
  fail_at(mark, message);
}

void YamlReader::check_duplicates(const YAML::Node& node) const {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && !seen.insert(it->first.Scalar()).second)
        fail(it->first, "duplicate key '" + it->first.Scalar() + "'");
      check_duplicates(it->second);
    }
  } else if (node.IsSequence()) {
    for (const auto& child : node) check_duplicates(child);
  }
}

void YamlReader::check_map(const YAML::Node& node, const std::vector<std::string>& allowed,
                           const std::string& where) const {
  if (!node.IsMap()) fail(node, "expected a map for " + where + ", found " + kind_name(node));
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) fail(it->first, "expected a plain key in " + where);
    const std::string& key = it->first.Scalar();
    bool known = false;
    for (const auto& candidate : allowed) known = known || candidate == key;
    if (known) continue;
    std::string hint = did_you_mean(key, allowed);
    if (hint.empty()) {  // nothing close: name them all, the closest is among them
      for (const auto& candidate : allowed) hint += (hint.empty() ? " (valid keys: " : ", ") + candidate;
      hint += ")";
    }
    fail(it->first, "unknown key '" + key + "' in " + where + hint);
  }
}

YAML::Node YamlReader::require(const YAML::Node& map, const std::string& key, const std::string& where) const {
  YAML::Node value = map[key];
  if (!value.IsDefined()) fail(map, "missing key '" + key + "' in " + where);
  return value;
}

YAML::Node YamlReader::key_node(const YAML::Node& map, const std::string& key) const {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->first;
  return map;
}

std::string YamlReader::string(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) fail(node, "expected a string for " + what + ", found " + kind_name(node));
  return node.Scalar();
}

long long YamlReader::integer(const YAML::Node& node, const std::string& what, long long min, long long max) const {
  const std::string text = string(node, what);
  std::size_t used = 0;
  long long value = 0;
  bool ok = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
  if (ok) {
    try {
      value = std::stoll(text, &used, 10);
    } catch (...) {
      ok = false;
    }
  }
  if (!ok || used != text.size())
    fail(node, "expected a whole number for " + what + ", found '" + text + "'");
  if (value < min || value > max)
    fail(node, what + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   ", found " + text);
  return value;
}

double YamlReader::number(const YAML::Node& node, const std::string& what) const {
  const std::string text = string(node, what);
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value))
    fail(node, "expected a number for " + what + ", found '" + text + "'");
  return value;
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& what) const {
  const std::string text = string(node, what);
  if (text == "true") return true;
  if (text == "false") return false;
  fail(node, "expected true or false for " + what + ", found '" + text + "'");
}

Duration YamlReader::duration(const YAML::Node& node, const std::string& what) const {
  const std::string text = string(node, what);
  auto value = parse_duration(text);
  if (!value)
    fail(node, "expected a duration for " + what + " (like 250ms, 100s, 10m, 2h, 7d), found '" + text + "'");
  return *value;
}

nlohmann::json YamlReader::to_json(const YAML::Node& node, const StringHook& on_string) const {
  if (node.IsMap()) {
    nlohmann::json object = nlohmann::json::object();
    for (auto it = node.begin(); it != node.end(); ++it)
      object[string(it->first, "a key")] = to_json(it->second, on_string);
    return object;
  }
  if (node.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : node) array.push_back(to_json(item, on_string));
    return array;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& scalar = node.Scalar();
  if (node.Tag() != "!") {  // plain, not quoted
    if (scalar == "true") return true;
    if (scalar == "false") return false;
    static const std::regex number(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    if (std::regex_match(scalar, number)) {
      nlohmann::json parsed = nlohmann::json::parse(scalar, nullptr, false);
      if (parsed.is_number()) return parsed;
    }
  }
  return on_string ? on_string(node, scalar) : scalar;
}

std::vector<std::string> YamlReader::string_list(const YAML::Node& node, const std::string& what,
                                                 bool allow_scalar) const {
  std::vector<std::string> values;
  if (allow_scalar && node.IsScalar()) {
    values.push_back(node.Scalar());
    return values;
  }
  if (!node.IsSequence()) fail(node, "expected a list for " + what + ", found " + kind_name(node));
  for (const auto& item : node) values.push_back(string(item, "an item of " + what));
  return values;
}

}  // namespace support
