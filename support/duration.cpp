// Parsing and printing of durations.
#include "support/duration.hpp"

#include <cctype>
#include <limits>

namespace support {

std::optional<Duration> parse_duration(const std::string& text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '+') ++i;  // "clock: +101s" reads naturally
  std::size_t digits_begin = i;
  long long value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > std::numeric_limits<long long>::max() / 10 / 86'400'000LL) return std::nullopt;
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == digits_begin) return std::nullopt;
  // Fractions like 1.5s: kept to millisecond precision.
  long long fraction_ms = 0;
  bool has_fraction = false;
  std::string fraction_digits;
  if (i < text.size() && text[i] == '.') {
    has_fraction = true;
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) fraction_digits += text[i++];
    if (fraction_digits.empty()) return std::nullopt;
  }
  const std::string unit = text.substr(i);
  long long unit_ms;
  if (unit == "ms") unit_ms = 1;
  else if (unit == "s") unit_ms = 1000;
  else if (unit == "m") unit_ms = 60'000;
  else if (unit == "h") unit_ms = 3'600'000;
  else if (unit == "d") unit_ms = 86'400'000;
  else return std::nullopt;
  if (has_fraction) {
    long long scale = unit_ms;
    for (char digit : fraction_digits) {
      scale /= 10;
      fraction_ms += (digit - '0') * scale;
      if (scale == 0) break;
    }
  }
  return Duration(value * unit_ms + fraction_ms);
}

std::string format_duration(Duration duration) {
  long long ms = duration.count();
  if (ms != 0 && ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace support
