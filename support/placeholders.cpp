// Parsing and expanding ${...} placeholders (see placeholders.hpp).
#include "support/placeholders.hpp"

#include "support/text.hpp"

namespace support {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

// Walks `text` once, handing literal runs and placeholders to the callbacks,
// so that finding and expanding share one reading of the grammar.
template <typename Literal, typename Placeholder>
void scan(const std::string& text, Literal&& on_literal, Placeholder&& on_placeholder) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t dollar = text.find('$', i);
    if (dollar == std::string::npos) {
      on_literal(text.substr(i));
      return;
    }
    on_literal(text.substr(i, dollar - i));
    if (text.compare(dollar, 3, "$${") == 0) {  // escaped: a literal ${
      on_literal("${");
      i = dollar + 3;
      continue;
    }
    if (dollar + 1 >= text.size() || text[dollar + 1] != '{') {
      on_literal("$");
      i = dollar + 1;
      continue;
    }
    std::size_t close = text.find('}', dollar + 2);
    if (close == std::string::npos)
      throw PlaceholderError("unterminated placeholder '" + text.substr(dollar) + "' (missing '}')", dollar);
    std::string name = text.substr(dollar + 2, close - dollar - 2);
    if (name.empty()) throw PlaceholderError("empty placeholder '${}'", dollar);
    for (char c : name)
      if (!is_name_char(c))
        throw PlaceholderError("malformed placeholder '${" + name + "}' (names use letters, digits, '_', '.', '-')",
                               dollar);
    on_placeholder(PlaceholderUse{name, dollar, close + 1 - dollar});
    i = close + 1;
  }
}

std::string value_of(const PlaceholderUse& use, const Lookup& lookup) {
  std::optional<std::string> value;
  try {
    value = lookup(use.name);
  } catch (const PlaceholderError& error) {
    throw PlaceholderError(error.what(), use.offset);
  }
  if (!value) throw PlaceholderError("unknown placeholder '${" + use.name + "}'", use.offset);
  return *value;
}

std::string expand_with(const std::string& text, const Lookup& lookup, bool escape_values) {
  std::string result;
  scan(
      text, [&](const std::string& literal) { result += literal; },
      [&](const PlaceholderUse& use) {
        std::string value = value_of(use, lookup);
        result += escape_values ? text::regex_escape(value) : value;
      });
  return result;
}

}  // namespace

std::vector<PlaceholderUse> find_placeholders(const std::string& text) {
  std::vector<PlaceholderUse> uses;
  scan(
      text, [](const std::string&) {}, [&](const PlaceholderUse& use) { uses.push_back(use); });
  return uses;
}

std::string expand(const std::string& text, const Lookup& lookup) { return expand_with(text, lookup, false); }

std::string expand_in_regex(const std::string& pattern, const Lookup& lookup) {
  return expand_with(pattern, lookup, true);
}

}  // namespace support
