// std::regex compiles by recursion: 20,000 nested groups overflow the stack
// and kill the process with every result in it. Patterns from outside are
// bounded in length and nesting before they reach it.
#pragma once

#include <regex>
#include <string>

namespace support {

constexpr std::size_t max_regex_length = 1024;
constexpr int max_regex_nesting = 32;

// Throws std::regex_error for a pattern std::regex rejects, and
// std::length_error (saying which bound) for one that is too long or too deep.
std::regex bounded_regex(const std::string& pattern);

}  // namespace support
