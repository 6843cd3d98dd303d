// Located, strict YAML reading (see yaml_reader.hpp).
#include "support/yaml_reader.hpp"

#include <cmath>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "support/errors.hpp"
#include "support/suggest.hpp"
#include "support/utf8.hpp"

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

// 0-based line and column of a byte offset.
YAML::Mark mark_at(const std::string& text, std::size_t offset) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(offset);
  mark.line = 0;
  mark.column = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 0;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

std::string hex_byte(unsigned char byte) {
  static const char digits[] = "0123456789ABCDEF";
  return std::string("0x") + digits[byte >> 4] + digits[byte & 15];
}

// The first tab in the indentation of lines 0..last_line (YAML indents with
// spaces only), or a null mark.
YAML::Mark indentation_tab(const std::string& text, int last_line) {
  int line = 0;
  bool in_indentation = true;
  for (std::size_t i = 0; i < text.size() && line <= last_line; ++i) {
    if (text[i] == '\n') {
      ++line;
      in_indentation = true;
    } else if (text[i] == '\t' && in_indentation) {
      return mark_at(text, i);
    } else if (text[i] != ' ' && text[i] != '-') {
      in_indentation = false;
    }
  }
  return YAML::Mark::null_mark();
}

// Where a second document starts: a '---' (or a '...' end marker) at the
// start of a line, after content and followed by more content. Found in the
// text, before parsing, so that invalid YAML after it is reported as what it
// is (a second document) and not as a syntax error of a document nobody meant.
std::optional<std::size_t> second_document(const std::string& text) {
  bool content_before = false;
  std::optional<std::size_t> marker;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const bool is_marker = (line.rfind("---", 0) == 0 || line.rfind("...", 0) == 0) &&
                           (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    std::size_t first = line.find_first_not_of(" \t\r");
    const bool blank = first == std::string::npos || line[first] == '#';
    if (is_marker) {
      if (content_before && !marker) marker = start;
      // "--- value" carries content on the marker's own line.
      std::size_t rest = line.find_first_not_of(" \t\r", 3);
      if (marker && rest != std::string::npos && line[rest] != '#') return marker;
    } else if (!blank) {
      if (marker) return marker;
      content_before = true;
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Where the first node after the first document starts, if any. yaml-cpp's
// Load() stops after one document and ignores the rest ("{a: 1}, b" loads
// as {a: 1}), and its LoadAll() loops forever on that rest (found by
// fuzz_mock_config), so the parser is asked for exactly one more document.
class FirstContent : public YAML::EventHandler {
 public:
  YAML::Mark start = YAML::Mark::null_mark();
  std::optional<YAML::Mark> mark;  // of the first node that is not an empty document's null
  void OnDocumentStart(const YAML::Mark& at) override { start = at; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& at, YAML::anchor_t) override { note(at); }
  void OnScalar(const YAML::Mark& at, const std::string&, YAML::anchor_t, const std::string&) override { note(at); }
  void OnSequenceStart(const YAML::Mark& at, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(at);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& at, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(at);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& at) {
    if (!mark) mark = at;
  }
};

std::optional<YAML::Mark> content_after_first_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstContent first, second;
  if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second)) return std::nullopt;
  if (second.mark) return second.mark;
  // An empty document ("---" and comments) adds nothing; stray text does.
  std::istringstream rest(second.start.pos >= 0 ? text.substr(std::min<std::size_t>(text.size(), second.start.pos)) : "");
  for (std::string line; std::getline(rest, line);) {
    std::size_t first_char = line.find_first_not_of(" \t\r");
    if (first_char == std::string::npos || line[first_char] == '#') continue;
    const std::string marker = line.substr(first_char, 3);
    const std::size_t after = line.find_first_not_of(" \t\r", first_char + 3);
    if ((marker == "---" || marker == "...") && (after == std::string::npos || line[after] == '#')) continue;
    return second.start;
  }
  return std::nullopt;
}

// yaml-cpp's messages in plain words, with what usually causes them.
std::string plain_yaml_message(const std::string& message) {
  auto starts = [&](const char* prefix) { return message.rfind(prefix, 0) == 0; };
  if (starts(YAML::ErrorMsg::MAP_VALUE))
    return "unexpected ':' here: check this line's indentation (the keys of one map line up "
           "under each other), or quote a value that holds ': '";
  if (starts(YAML::ErrorMsg::BLOCK_ENTRY))
    return "unexpected '- ' list item here: check this line's indentation (the items of one list line up)";
  if (starts(YAML::ErrorMsg::MAP_KEY)) return "unexpected key here: check this line's indentation";
  if (starts(YAML::ErrorMsg::END_OF_MAP) || starts(YAML::ErrorMsg::END_OF_SEQ))
    return "the indentation does not match any open map or list: check this line's indentation";
  if (starts(YAML::ErrorMsg::END_OF_MAP_FLOW)) return "a '{' map is not closed with '}'";
  if (starts(YAML::ErrorMsg::END_OF_SEQ_FLOW)) return "a '[' list is not closed with ']'";
  if (starts(YAML::ErrorMsg::INVALID_ESCAPE))
    return "unknown escape sequence in a double-quoted string: write \\\\ for a backslash, "
           "or use single quotes";
  if (starts(YAML::ErrorMsg::EOF_IN_SCALAR)) return "a quoted string is not closed before the end of the file";
  if (starts(YAML::ErrorMsg::UNKNOWN_TOKEN)) return "a character YAML does not expect here";
  return message;
}

}  // namespace

YamlReader::YamlReader(std::shared_ptr<const SourceText> source) : source_(std::move(source)) {
  const std::string& text = source_->text();
  // A binary file or another encoding: name the byte and where it is, before
  // yaml-cpp turns it into "unknown escape character".
  if (auto offset = first_invalid_utf8(text))
    fail_at(mark_at(text, *offset), "not UTF-8 text: byte " + hex_byte(static_cast<unsigned char>(text[*offset])) +
                                        " (is this a binary file, or saved in another encoding?)");
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F)
      fail_at(mark_at(text, i), "control character " + hex_byte(c) + " in the file (is this a binary file?)");
  }
  // One file, one document: what follows a second '---' would otherwise be
  // ignored without a word.
  const char* const second_document_message =
      "a second YAML document (after '---'): a file holds exactly one; put each in a file of its own";
  if (auto marker = second_document(text)) fail_at(mark_at(text, *marker), second_document_message);
  std::optional<YAML::Mark> rest;
  try {
    root_ = YAML::Load(text);
    rest = content_after_first_document(text);
  } catch (const YAML::ParserException& error) {
    YAML::Mark tab = indentation_tab(text, error.mark.line);
    if (!tab.is_null())
      fail_at(tab, "a tab character in the indentation: YAML indents with spaces only");
    fail_at(error.mark, "invalid YAML: " + plain_yaml_message(error.msg));
  }
  if (rest) fail_at(*rest, "unexpected content after the end of the document (a file holds exactly one YAML document)");
  std::size_t nodes = 0;
  check_expansion(root_, nodes, 0);
  check_duplicates(root_);
  resolve_merge_keys(root_, 0);
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

// Aliases share nodes, so a small file can stand for a huge tree ("billion
// laughs"); everything that walks the tree walks it expanded.
constexpr std::size_t most_expanded_nodes = 1000000;
constexpr int deepest_nesting = 200;

void YamlReader::check_expansion(const YAML::Node& node, std::size_t& nodes, int depth) const {
  if (++nodes > most_expanded_nodes)
    fail(node, "aliases expand this file past " + std::to_string(most_expanded_nodes) + " values");
  if (depth > deepest_nesting) fail(node, "the YAML nests too deeply (more than " + std::to_string(deepest_nesting) + " levels)");
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      check_expansion(it->first, nodes, depth + 1);
      check_expansion(it->second, nodes, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (const auto& child : node) check_expansion(child, nodes, depth + 1);
  }
}

bool is_extension_key(const std::string& key) { return key.rfind("x-", 0) == 0; }

void YamlReader::resolve_merge_keys(YAML::Node node, int depth) const {
  // check_expansion bounded the tree; merged maps add keys, not depth.
  if (depth > deepest_nesting) fail(node, "the YAML nests too deeply (more than " + std::to_string(deepest_nesting) + " levels)");
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) resolve_merge_keys(node[i], depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::vector<YAML::Node> sources;
  YAML::Node merge_key;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "<<" && it->first.Tag() != "!") {
      merge_key = it->first;
      const YAML::Node value = it->second;  // a copy: the iterator's pair is a temporary
      if (value.IsMap()) {
        sources.push_back(value);
      } else if (value.IsSequence()) {
        for (const auto& item : value) {
          if (!item.IsMap())
            fail(item, "'<<' merges maps: each item of its list is a map (an alias like *defaults), found " +
                           kind_name(item));
          sources.push_back(item);
        }
      } else {
        fail(value.IsNull() ? it->first : value,
             "'<<' merges a map or a list of maps (an alias like *defaults), found " + kind_name(value));
      }
    } else {
      resolve_merge_keys(it->second, depth + 1);
    }
  }
  if (!merge_key.IsDefined()) return;
  for (auto& source : sources) resolve_merge_keys(source, depth + 1);
  node.remove("<<");
  std::set<std::string> present;
  for (auto it = node.begin(); it != node.end(); ++it)
    if (it->first.IsScalar()) present.insert(it->first.Scalar());
  for (const auto& source : sources)
    for (auto it = source.begin(); it != source.end(); ++it)
      if (it->first.IsScalar() && present.insert(it->first.Scalar()).second) node.force_insert(it->first, it->second);
}

void YamlReader::check_map(const YAML::Node& node, const std::vector<std::string>& allowed,
                           const std::string& where) const {
  if (!node.IsMap()) fail(node, "expected a map for " + where + ", found " + kind_name(node));
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) fail(it->first, "expected a plain key in " + where);
    const std::string& key = it->first.Scalar();
    if (is_extension_key(key)) continue;
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
  // An escape such as "\udc00" (a lone surrogate) decodes to invalid UTF-8.
  if (!valid_utf8(node.Scalar())) fail(node, what + " is not valid UTF-8 once its escapes are decoded");
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
  const std::string& scalar = string(node, "this value");
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
