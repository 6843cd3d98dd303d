// The trace of one scenario run: every hop the browser made, every raw
// request, every request the mock answered, as structured events (who, to
// whom, what, status, time). Reports are renderings of the trace, never a
// second source of truth.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness {

// Participants, as reports name them.
namespace party {
constexpr const char* browser = "browser";
constexpr const char* harness = "harness";
constexpr const char* tunnel = "tunnel";
constexpr const char* app = "app";
constexpr const char* discord = "discord";
}  // namespace party

struct TraceEvent {
  double at_ms = 0;     // since the scenario started
  int step = 0;         // 1-based; 0 = set-up
  std::string from;     // a party
  std::string to;       // a party
  std::string method;
  std::string url;      // as sent (the mock's journal entries are redacted)
  int status = 0;       // 0: no answer (see note)
  std::string note;     // "ERR_CONNECTION_RESET", "rule: token status 500 x1", ...
  std::string request;  // what was sent, redacted and bounded (harness/trace_detail.hpp)
  std::string answer;   // what came back, likewise; "" when nothing did

  nlohmann::json to_json() const;
  // "browser -> app  GET https://x.ngrok-free.app/login  302"
  std::string to_line() const;
};

using Trace = std::vector<TraceEvent>;

}  // namespace harness
