// The mock's virtual clock: real elapsed time plus every advance, so that
// tests can expire codes and tokens without waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "support/duration.hpp"

namespace mock_discord {

class Clock {
 public:
  Clock();
  // Epoch milliseconds as the mock sees them.
  std::int64_t now_ms() const;
  // Moves the clock forward; a negative duration throws support::InputError.
  void advance(support::Duration by);

 private:
  std::chrono::steady_clock::time_point started_;
  std::int64_t epoch_at_start_ms_;
  std::atomic<std::int64_t> advanced_ms_{0};
};

}  // namespace mock_discord
