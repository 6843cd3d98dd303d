// Serialising trace events for reports.
#include "harness/trace.hpp"

namespace harness {

nlohmann::json TraceEvent::to_json() const {
  nlohmann::json out = {{"at_ms", at_ms},   {"step", step}, {"from", from},     {"to", to},
                        {"method", method}, {"url", url},   {"status", status}, {"note", note}};
  if (!request.empty()) out["request"] = request;
  if (!answer.empty()) out["answer"] = answer;
  return out;
}

std::string TraceEvent::to_line() const {
  std::string line = from + " -> " + to + "  " + method + " " + url + "  ";
  line += status == 0 ? std::string("no answer") : std::to_string(status);
  if (!note.empty()) line += "  (" + note + ")";
  return line;
}

}  // namespace harness
