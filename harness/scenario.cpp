// Small helpers of the scenario model (see scenario.hpp).
#include "harness/scenario.hpp"

#include <limits>

namespace harness {
namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::string action_name(const Action& step_action) {
  return std::visit(Overloaded{
                        [](const action::Open&) { return "open"; },
                        [](const action::Consent&) { return "consent"; },
                        [](const action::Replay&) { return "replay"; },
                        [](const action::ForgeCallback&) { return "forge_callback"; },
                        [](const action::Request&) { return "request"; },
                        [](const action::Clock&) { return "clock"; },
                        [](const action::Tunnel&) { return "tunnel"; },
                        [](const action::App&) { return "app"; },
                        [](const action::Fail&) { return "fail"; },
                        [](const action::Discord&) { return "discord"; },
                        [](const action::Wait&) { return "wait"; },
                        [](const action::Submit&) { return "submit"; },
                        [](const action::Follow&) { return "follow"; },
                    },
                    step_action);
}

bool produces_answer(const Action& step_action) {
  return std::holds_alternative<action::Open>(step_action) || std::holds_alternative<action::Consent>(step_action) ||
         std::holds_alternative<action::Replay>(step_action) ||
         std::holds_alternative<action::ForgeCallback>(step_action) ||
         std::holds_alternative<action::Request>(step_action) || std::holds_alternative<action::Submit>(step_action) ||
         std::holds_alternative<action::Follow>(step_action);
}

std::string CountRange::describe() const {
  if (exact()) return std::to_string(min);
  if (max == std::numeric_limits<int>::max()) return "at least " + std::to_string(min);
  if (min == 0) return "at most " + std::to_string(max);
  return std::to_string(min) + " to " + std::to_string(max);
}

int Expect::line_of(const std::string& key) const {
  // "headers.Location" and "json.user.id" live on the line of their top-level key.
  for (const std::string& candidate : {key, key.substr(0, key.find('.'))}) {
    auto found = lines.find(candidate);
    if (found != lines.end()) return found->second;
  }
  return line;
}

std::string Step::label() const {
  std::string label = "step " + std::to_string(number);
  if (!name.empty()) label += " (" + name + ")";
  return label;
}

mock_discord::Config Scenario::discord_config(const mock_discord::Resolver& resolve, const std::string& default_app_url,
                                              const std::string& redirect_path) const {
  const bool has_section = discord.IsDefined() && !discord.IsNull();
  mock_discord::Config config = has_section ? mock_discord::parse_config(*reader, discord, resolve, default_app_url)
                                            : mock_discord::Config::defaults(default_app_url);
  // The registration follows the app's callback path unless the file lists one.
  bool listed = false;
  if (has_section && discord["applications"] && discord["applications"].IsSequence() &&
      discord["applications"].size() > 0)
    listed = discord["applications"][0].IsMap() && discord["applications"][0]["redirect_uris"].IsDefined();
  if (!listed && !config.applications.empty()) config.applications.front().redirect_uris = {default_app_url + redirect_path};
  return config;
}

std::string Scenario::where(const Step& step) const { return file + ":" + std::to_string(step.line); }

mock_discord::FailureRule expand_failure_rule(const mock_discord::FailureRule& rule, const Lookup& lookup) {
  mock_discord::FailureRule expanded = rule;
  expanded.path = expand(rule.path, lookup);
  if (rule.body) expanded.body = expand(*rule.body, lookup);
  for (auto& header : expanded.headers) header.second = expand(header.second, lookup);
  return expanded;
}

}  // namespace harness
