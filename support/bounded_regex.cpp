// Bounded regular expressions (see bounded_regex.hpp).
#include "support/bounded_regex.hpp"

#include <stdexcept>

namespace support {

std::regex bounded_regex(const std::string& pattern) {
  if (pattern.size() > max_regex_length)
    throw std::length_error("the pattern is " + std::to_string(pattern.size()) + " characters long (at most " +
                            std::to_string(max_regex_length) + ")");
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": a literal ']' first
    } else if (c == '(' && ++depth > max_regex_nesting) {
      throw std::length_error("the pattern nests groups more than " + std::to_string(max_regex_nesting) + " deep");
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return std::regex(pattern);
}

}  // namespace support
