// Durations as users write them: 250ms, 100s, 10m, 2h, 7d.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace support {

using Duration = std::chrono::milliseconds;

// nullopt when the text is not a duration; a pure function (fuzzable).
std::optional<Duration> parse_duration(const std::string& text);

// The shortest exact spelling: 1500ms, 100s, 7d.
std::string format_duration(Duration duration);

}  // namespace support
