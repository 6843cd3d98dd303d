// UTF-8 validity: what the mock accepts in parameters, what a located error
// names when a file is not text, and what reports replace so that JUnit XML
// and JSON stay well-formed whatever an app or a request sent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace support {

// The offset of the first byte that does not begin a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
std::optional<std::size_t> first_invalid_utf8(const std::string& text);
inline bool valid_utf8(const std::string& text) { return !first_invalid_utf8(text); }
// `text` with each invalid byte replaced by U+FFFD.
std::string to_valid_utf8(const std::string& text);
// to_valid_utf8 of at most `limit` bytes of `text`, cut at a character
// boundary; a cut ends in "...[N bytes]" saying how much there was.
std::string bounded_utf8(const std::string& text, std::size_t limit);
// The longest prefix of `text` of at most `limit` bytes that does not split
// a character (of valid UTF-8).
std::string utf8_prefix(const std::string& text, std::size_t limit);

}  // namespace support
