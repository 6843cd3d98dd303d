// The failure rules in force: which request a `fail:` rule hits, counting
// each rule's `after` and `times`, and the routes a scripted 429 holds for
// its retry_after. The front door asks once per request.
#pragma once

#include <cstdint>
#include <functional>
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

  // The clock holds are measured on: epoch milliseconds. Default: the real
  // clock; the Server's owner sets the world's virtual one (Server::world()).
  void set_clock(std::function<std::int64_t()> clock);

  // Counts the request against every rule it matches and returns the first
  // of them that is past its `after` and still has `times` left. Call it
  // exactly once per request. Rules for `any` never match /_mock/ paths.
  // A rate_limit rule that fired holds what it matches for retry_after, as
  // Discord's buckets do ("seconds to wait before submitting another
  // request"): meanwhile, when no other rule is due, it answers again with
  // the wait that is left, without counting as a new firing.
  std::optional<FailureRule> decide(Endpoint endpoint, const std::string& path);

  // [{rule: describe(), seen, fired, exhausted}], in order.
  nlohmann::json to_json() const;
  std::size_t size() const;

 private:
  struct Active {
    FailureRule rule;
    int seen = 0;   // matching requests, including those let through by `after`
    int fired = 0;  // requests this rule answered
    std::int64_t held_until_ms = 0;  // rate_limit: refused until then
    bool exhausted() const { return rule.times && fired >= *rule.times; }
  };
  static bool matches(const FailureRule& rule, Endpoint endpoint, const std::string& path);

  std::int64_t now_ms() const;

  mutable std::mutex mutex_;
  std::function<std::int64_t()> clock_;
  std::vector<Active> rules_;
};

}  // namespace mock_discord
