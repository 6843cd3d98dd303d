// The virtual clock. A steady clock measures real elapsed time so that
// wall-clock jumps on the host never move the mock's time backwards.
#include "mock_discord/clock.hpp"

#include "support/errors.hpp"

namespace mock_discord {

Clock::Clock()
    : started_(std::chrono::steady_clock::now()),
      epoch_at_start_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()) {}

std::int64_t Clock::now_ms() const {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  return epoch_at_start_ms_ + elapsed.count() + advanced_ms_.load();
}

void Clock::advance(support::Duration by) {
  if (by.count() < 0) throw support::InputError("the clock cannot go backwards (advance by " +
                                                std::to_string(by.count()) + " ms)");
  advanced_ms_ += by.count();
}

}  // namespace mock_discord
