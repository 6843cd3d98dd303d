// Failure-rule matching and counting (see failures.hpp).
#include "mock_discord/failures.hpp"

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

bool FailureEngine::matches(const FailureRule& rule, Endpoint endpoint, const std::string& path) {
  if (!rule.path.empty()) return rule.path == path;
  if (rule.endpoint == Endpoint::any) return path.compare(0, 7, "/_mock/") != 0;
  return rule.endpoint == endpoint;
}

std::optional<FailureRule> FailureEngine::decide(Endpoint endpoint, const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  Active* winner = nullptr;
  for (auto& active : rules_) {
    if (active.exhausted() || !matches(active.rule, endpoint, path)) continue;
    ++active.seen;
    if (!winner && active.seen > active.rule.after) winner = &active;
  }
  if (!winner) return std::nullopt;
  ++winner->fired;
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
