// The request journal: every request the mock answered (or faulted), with
// secrets redacted, bounded in entries and in bytes (a value is cut at
// 2 KiB; invalid UTF-8 is replaced by U+FFFD so that the journal always
// serialises), with per-endpoint counts since the last reset. Written by the front door, read by tests, the harness and the admin API.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_discord/config.hpp"
#include "support/url.hpp"

namespace mock_discord {

struct JournalEntry {
  std::uint64_t sequence = 0;
  std::string method;
  std::string path;
  support::Params query;  // redacted
  support::Params form;   // redacted
  std::string endpoint;   // endpoint_name(classify_path(path))
  int status = 0;         // 0 when a fault answered nothing valid
  double latency_ms = 0;
  std::string rule;        // FailureRule::describe() of the rule that fired, or ""
  std::int64_t virtual_time_ms = 0;  // the mock's clock when it answered
  // The real time it arrived, to the microsecond: the harness draws an app's
  // calls to Discord in order with the browser's visits, often within one ms.
  std::chrono::system_clock::time_point arrived;

  nlohmann::json to_json() const;
  std::string to_line() const;  // "POST /api/oauth2/token 400 (token) code=[redacted]"
};

// Replaces values of secret parameters (client_secret, code, code_verifier,
// token, refresh_token, access_token) with "[redacted]".
support::Params redact(const support::Params& params);
// Whether a parameter (or JSON field) of that name is one redact() hides.
bool is_secret_name(const std::string& name);

class Journal {
 public:
  explicit Journal(std::size_t capacity = 10000, std::size_t byte_capacity = 16 * 1024 * 1024)
      : capacity_(capacity), byte_capacity_(byte_capacity) {}
  // A request is counted when it arrives (open), so a request the mock is
  // still delaying or hanging already counts; close() adds its outcome.
  std::uint64_t open(JournalEntry entry);
  void close(std::uint64_t sequence, int status, double latency_ms, std::int64_t virtual_time_ms);
  // open() and close() at once, for a request answered on arrival.
  void record(JournalEntry entry);
  std::vector<JournalEntry> entries() const;
  std::vector<JournalEntry> last(std::size_t count) const;
  std::map<std::string, int> counts() const;  // all requests since clear(), by endpoint
  void clear();

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::size_t byte_capacity_;
  std::size_t bytes_ = 0;  // of the entries kept
  std::uint64_t next_sequence_ = 1;
  std::deque<JournalEntry> entries_;
  std::map<std::string, int> counts_;
};

}  // namespace mock_discord
