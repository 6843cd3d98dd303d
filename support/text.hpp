// Tiny text helpers shared by the parsers (HTTP heads, cookies, forms, ini).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace support::text {

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Without leading and trailing `blanks` (default: HTTP's optional whitespace).
inline std::string trim(const std::string& text, const char* blanks = " \t") {
  std::size_t begin = text.find_first_not_of(blanks);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(blanks) - begin + 1);
}

inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

inline bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

inline std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// `text` with every regular-expression operator escaped, to match literally.
inline std::string regex_escape(const std::string& text) {
  static const std::string special = "\\^$.|?*+()[]{}";
  std::string result;
  for (char c : text) {
    if (special.find(c) != std::string::npos) result += '\\';
    result += c;
  }
  return result;
}

// An RFC 9110 token: what a header name may be.
inline bool is_http_token(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("!#$%&'*+-.^_`|~").find(c) == std::string::npos)
      return false;
  return true;
}

}  // namespace support::text
