// Failure-rule matching and counting (see failures.hpp).
#include "mock_discord/failures.hpp"

#include <chrono>
#include <cmath>

namespace mock_discord {

FailureEngine::FailureEngine(std::vector<FailureRule> rules) { replace(std::move(rules)); }

void FailureEngine::add(FailureRule rule) {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_.push_back(Active{std::move(rule)});
}

void FailureEngine::replace(std::vector<FailureRule> rules) {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_.clear();
  for (auto& rule : rules) rules_.push_back(Active{std::move(rule)});
}

void FailureEngine::clear() { replace({}); }

void FailureEngine::set_clock(std::function<std::int64_t()> clock) {
  std::lock_guard<std::mutex> lock(mutex_);
  clock_ = std::move(clock);
}

std::int64_t FailureEngine::now_ms() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

bool FailureEngine::matches(const FailureRule& rule, Endpoint endpoint, const std::string& path) {
  if (!rule.path.empty()) return rule.path == path;
  if (rule.endpoint == Endpoint::any) return path.compare(0, 7, "/_mock/") != 0;
  return rule.endpoint == endpoint;
}

std::optional<FailureRule> FailureEngine::decide(Endpoint endpoint, const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::int64_t now = now_ms();
  Active* winner = nullptr;
  for (auto& active : rules_) {
    if (active.exhausted() || !matches(active.rule, endpoint, path)) continue;
    ++active.seen;
    if (!winner && active.seen > active.rule.after) winner = &active;
  }
  if (!winner) {
    // No rule is due: a route a 429 holds stays refused until its longest wait ends.
    const Active* longest = nullptr;
    for (const auto& active : rules_)
      if (active.held_until_ms > now && matches(active.rule, endpoint, path) &&
          (!longest || active.held_until_ms > longest->held_until_ms))
        longest = &active;
    if (!longest) return std::nullopt;
    FailureRule held = longest->rule;
    held.retry_after = (longest->held_until_ms - now) / 1000.0;
    held.delay = Duration{0};
    return held;
  }
  ++winner->fired;
  if (winner->rule.kind == FailureRule::Kind::rate_limit && winner->rule.retry_after > 0)
    winner->held_until_ms = now + static_cast<std::int64_t>(std::llround(winner->rule.retry_after * 1000.0));
  return winner->rule;
}

nlohmann::json FailureEngine::to_json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& active : rules_)
    list.push_back({{"rule", active.rule.describe()},
                    {"seen", active.seen},
                    {"fired", active.fired},
                    {"exhausted", active.exhausted()}});
  return list;
}

std::size_t FailureEngine::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rules_.size();
}

}  // namespace mock_discord
