// The SVG sequence diagram of the HTML report (see report_diagram.hpp).
#include "harness/report_diagram.hpp"

#include <algorithm>
#include <sstream>

#include "harness/trace_detail.hpp"
#include "support/html.hpp"
#include "support/utf8.hpp"

namespace harness {
namespace {

using support::html_escape;

constexpr int lane_gap = 190, lane_left = 150, row_height = 30, marker_height = 26, diagram_top = 44;

std::string shortened(const std::string& text, std::size_t limit) {
  return text.size() <= limit ? text : support::utf8_prefix(text, limit) + "…";
}

// The path and query only: the diagram has no room for origins.
std::string diagram_target(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t path = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  std::string target = path == std::string::npos ? "/" : url.substr(path);
  std::size_t query = target.find('?');
  if (query != std::string::npos) target = target.substr(0, query) + "?…";
  return shortened(target, 40);
}

bool is_back_channel(const TraceEvent& event) { return event.from == party::app && event.to == party::discord; }

std::string step_verdict(const ScenarioResult& result, int step) {
  for (const auto& item : result.steps)
    if (item.number == step) return item.verdict;
  return "";
}

std::string step_label(const ScenarioResult& result, int step) {
  if (step == 0) return "set-up";
  for (const auto& item : result.steps)
    if (item.number == step) return item.label;
  return "step " + std::to_string(step);
}

class Drawing {
 public:
  Drawing(const ScenarioResult& result, std::string scenario_id)
      : result_(result), id_(std::move(scenario_id)), lanes_(diagram_lanes(result.trace)) {}

  std::string render() {
    const Failure* failure = result_.failures.empty() ? nullptr : &result_.failures.front();
    int failing_step = failure ? failure->step : -1;
    int y = diagram_top;
    int current_step = -1;
    bool failure_drawn = false;
    for (std::size_t i = 0; i < result_.trace.size(); ++i) {
      const TraceEvent& event = result_.trace[i];
      if (event.step != current_step) {
        if (current_step == failing_step && failure && !failure_drawn) {
          y = failure_mark(*failure, y);
          failure_drawn = true;
        }
        current_step = event.step;
        y = step_marker(current_step, y);
      }
      y = arrow(event, i, y);
    }
    if (failure && !failure_drawn) {
      if (current_step != failing_step) y = step_marker(failing_step, y);
      y = failure_mark(*failure, y);
    }
    const int height = y + 10;
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" width=\"" << width() << "\" height=\""
        << height << "\" viewBox=\"0 0 " << width() << " " << height << "\" role=\"img\" aria-label=\"sequence of "
        << result_.trace.size() << " requests between " << lanes_.size() << " parties\">\n"
        << "<defs><marker id=\"" << id_ << "-head\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
        << "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#666\"/></marker></defs>\n";
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
      int x = lane_x(lanes_[i]);
      svg << "<g class=\"lane\" data-party=\"" << html_escape(lanes_[i]) << "\"><text x=\"" << x
          << "\" y=\"18\" text-anchor=\"middle\" class=\"lane-name\">" << html_escape(lanes_[i]) << "</text><line x1=\""
          << x << "\" y1=\"26\" x2=\"" << x << "\" y2=\"" << height - 6 << "\" class=\"lifeline\"/></g>\n";
    }
    svg << body_.str() << "</svg>";
    return svg.str();
  }

 private:
  int lane_x(const std::string& name) const {
    auto it = std::find(lanes_.begin(), lanes_.end(), name);
    return lane_left + static_cast<int>(it - lanes_.begin()) * lane_gap;
  }
  int width() const { return lane_left + static_cast<int>(std::max<std::size_t>(lanes_.size(), 1) - 1) * lane_gap + 230; }

  int step_marker(int step, int y) {
    const std::string verdict = step == 0 ? "set-up" : step_verdict(result_, step);
    body_ << "<g class=\"step-marker\" data-step=\"" << step << "\" data-verdict=\"" << html_escape(verdict)
          << "\"><line x1=\"4\" y1=\"" << y + 4 << "\" x2=\"" << width() - 4 << "\" y2=\"" << y + 4
          << "\"/><text x=\"6\" y=\"" << y + 18 << "\">" << html_escape(shortened(step_label(result_, step), 60))
          << (verdict.empty() || verdict == "set-up" ? "" : " · " + html_escape(verdict)) << "</text></g>\n";
    return y + marker_height;
  }

  int arrow(const TraceEvent& event, std::size_t index, int y) {
    int x1 = lane_x(event.from), x2 = lane_x(event.to);
    const bool bad = event.status == 0 || event.status >= 400;
    std::string kind = is_back_channel(event) ? "back-channel" : "front";
    std::string label = event.method + " " + diagram_target(event.url) + "  " +
                        (event.status == 0 ? (event.note.empty() ? std::string("no answer") : event.note)
                                           : std::to_string(event.status));
    TraceEvent shown = event;
    shown.url = redact_url(event.url);
    const std::string title = shown.to_line();
    body_ << "<a href=\"#" << exchange_id(id_, index) << "\" class=\"arrow " << kind << (bad ? " bad" : "")
          << "\" data-step=\"" << event.step << "\" data-from=\"" << html_escape(event.from) << "\" data-to=\""
          << html_escape(event.to) << "\"><title>" << html_escape(title) << "</title>";
    const int line_y = y + 20;
    if (x1 == x2) {
      body_ << "<path d=\"M" << x1 << "," << line_y - 8 << " h30 v10 h-30\" fill=\"none\" marker-end=\"url(#" << id_
            << "-head)\"/><text x=\"" << x1 + 36 << "\" y=\"" << line_y - 2 << "\">" << html_escape(label) << "</text>";
    } else {
      body_ << "<line x1=\"" << x1 << "\" y1=\"" << line_y << "\" x2=\"" << x2 << "\" y2=\"" << line_y
            << "\" marker-end=\"url(#" << id_ << "-head)\"/><text x=\"" << (x1 + x2) / 2 << "\" y=\"" << line_y - 5
            << "\" text-anchor=\"middle\">" << html_escape(label) << "</text>";
    }
    body_ << "</a>\n";
    last_party_ = event.to;
    return y + row_height;
  }

  // Where the step failed: on the lane of the party whose answer was checked.
  int failure_mark(const Failure& failure, int y) {
    int x = lanes_.empty() ? lane_left : lane_x(last_party_.empty() ? lanes_.front() : last_party_);
    std::string what = failure.expectation.empty() ? failure.message
                                                   : failure.expectation + ": expected " + failure.expected +
                                                         ", got " + failure.actual;
    what = shortened(what, 90);
    int box_width = std::min(width() - 8, static_cast<int>(what.size()) * 7 + 34);
    int left = std::max(4, std::min(x - 12, width() - box_width - 4));
    body_ << "<g class=\"failure-mark\" data-step=\"" << failure.step << "\"><title>" << html_escape(failure.message)
          << "</title><rect x=\"" << left << "\" y=\"" << y + 4 << "\" width=\"" << box_width
          << "\" height=\"22\" rx=\"4\"/><text x=\"" << left + 8 << "\" y=\"" << y + 19 << "\">✗ "
          << html_escape(what) << "</text></g>\n";
    return y + 32;
  }

  const ScenarioResult& result_;
  std::string id_;
  std::vector<std::string> lanes_;
  std::ostringstream body_;
  std::string last_party_;
};

}  // namespace

std::vector<std::string> diagram_lanes(const Trace& trace) {
  static const std::vector<std::string> order = {party::browser, party::harness, party::tunnel, party::app,
                                                 party::discord};
  std::vector<std::string> lanes;
  for (const auto& name : order)
    for (const auto& event : trace)
      if (event.from == name || event.to == name) {
        lanes.push_back(name);
        break;
      }
  for (const auto& event : trace)
    for (const auto* name : {&event.from, &event.to})
      if (std::find(lanes.begin(), lanes.end(), *name) == lanes.end()) lanes.push_back(*name);
  return lanes;
}

std::string exchange_id(const std::string& scenario_id, std::size_t index) {
  return scenario_id + "-e" + std::to_string(index);
}

std::string sequence_diagram(const ScenarioResult& result, const std::string& scenario_id) {
  if (result.trace.empty() && result.failures.empty()) return "";
  if (result.trace.empty() && result.failures.front().step == 0) return "";
  return Drawing(result, scenario_id).render();
}

}  // namespace harness
