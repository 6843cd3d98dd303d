// UTF-8 validation and repair.
#include "support/utf8.hpp"

namespace support {
namespace {

// The length of the valid sequence starting at `i`, 0 when there is none.
std::size_t sequence_length(const std::string& text, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  std::size_t extra = 0;
  unsigned minimum = 0, code = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    extra = 1, minimum = 0x80, code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2, minimum = 0x800, code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3, minimum = 0x10000, code = c & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= text.size()) return 0;
  for (std::size_t k = 1; k <= extra; ++k) {
    unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return extra + 1;
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

std::string to_valid_utf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

std::string bounded_utf8(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return to_valid_utf8(text);
  return to_valid_utf8(utf8_prefix(text, limit)) + "...[" + std::to_string(text.size()) + " bytes]";
}

std::string utf8_prefix(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  // Back to the lead byte of the character the limit cuts, and drop it.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace support
