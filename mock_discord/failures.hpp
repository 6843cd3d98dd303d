// The failure rules in force: which request a `fail:` rule hits, counting
// each rule's `after` and `times`. The front door asks once per request.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_discord/config.hpp"

namespace mock_discord {

class FailureEngine {
 public:
  explicit FailureEngine(std::vector<FailureRule> rules = {});

  void add(FailureRule rule);
  // Replaces every rule (and its counters), as a reset does.
  void replace(std::vector<FailureRule> rules);
  void clear();

  // Counts the request against every rule it matches and returns the first
  // of them that is past its `after` and still has `times` left. Call it
  // exactly once per request. Rules for `any` never match /_mock/ paths.
  std::optional<FailureRule> decide(Endpoint endpoint, const std::string& path);

  // [{rule: describe(), seen, fired, exhausted}], in order.
  nlohmann::json to_json() const;
  std::size_t size() const;

 private:
  struct Active {
    FailureRule rule;
    int seen = 0;   // matching requests, including those let through by `after`
    int fired = 0;  // requests this rule answered
    bool exhausted() const { return rule.times && fired >= *rule.times; }
  };
  static bool matches(const FailureRule& rule, Endpoint endpoint, const std::string& path);

  mutable std::mutex mutex_;
  std::vector<Active> rules_;
};

}  // namespace mock_discord
