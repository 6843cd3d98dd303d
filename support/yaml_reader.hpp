// Strict reading of YAML files for the mock's config and the harness's
// scenarios: every error names file, line and column and shows the line;
// unknown keys suggest the closest valid one; duplicate keys are errors
// (yaml-cpp would silently keep the first).
//
// Sharing parts of a file: keys that start with `x-` are the user's own
// (a place for anchors) and every check_map ignores them; YAML merge keys
// (`<<: *anchor`, `<<: [*a, *b]`) are resolved when the file is read, as
// YAML 1.1 says: the map's own keys win, then the merged maps in order.
// Merged values keep their marks, so errors point where they are written.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/diagnostic.hpp"
#include "support/duration.hpp"

namespace support {

// `x-...`: a key every check_map ignores.
bool is_extension_key(const std::string& key);

class YamlReader {
 public:
  // Parses `source`; throws InputError on syntax errors and duplicate keys.
  explicit YamlReader(std::shared_ptr<const SourceText> source);
  static YamlReader from_file(const std::string& path);
  static YamlReader from_string(const std::string& name, const std::string& text);

  const YAML::Node& root() const { return root_; }
  const SourceText& source() const { return *source_; }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;
  [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& message) const;

  // `node` must be a map whose keys are all in `allowed`.
  // `where` completes messages: "unknown key 'expct' in step 3".
  void check_map(const YAML::Node& node, const std::vector<std::string>& allowed,
                 const std::string& where) const;
  // The value of `key` in `map`; an error at the map when absent.
  YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& where) const;
  // The node of the key itself (for errors that point at a key).
  YAML::Node key_node(const YAML::Node& map, const std::string& key) const;

  // Typed scalars; `what` names the value in errors ("'code_ttl'").
  std::string string(const YAML::Node& node, const std::string& what) const;
  long long integer(const YAML::Node& node, const std::string& what, long long min, long long max) const;
  double number(const YAML::Node& node, const std::string& what) const;
  bool boolean(const YAML::Node& node, const std::string& what) const;
  Duration duration(const YAML::Node& node, const std::string& what) const;
  // YAML to JSON: plain scalars take YAML's types (42, true, null), quoted
  // ones stay strings, so "80351110224678912" is a string and 604800 a number.
  // `on_string` sees every string scalar with its node (for located errors)
  // and returns the value to keep.
  using StringHook = std::function<std::string(const YAML::Node& node, const std::string& text)>;
  nlohmann::json to_json(const YAML::Node& node, const StringHook& on_string = {}) const;

  // A sequence of strings; a single scalar counts as a list of one when `allow_scalar`.
  std::vector<std::string> string_list(const YAML::Node& node, const std::string& what,
                                       bool allow_scalar = false) const;

 private:
  void check_expansion(const YAML::Node& node, std::size_t& nodes, int depth) const;
  void check_duplicates(const YAML::Node& node) const;
  void resolve_merge_keys(YAML::Node node, int depth) const;

  std::shared_ptr<const SourceText> source_;
  YAML::Node root_;
};

}  // namespace support
