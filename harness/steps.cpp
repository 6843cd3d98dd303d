// The actions of scenario steps (docs/scenario-format.md, steps:).
#include "harness/steps.hpp"

#include <thread>

#include "harness/html_form.hpp"
#include "harness/trace_detail.hpp"
#include "mock_discord/consent_form.hpp"
#include "support/encoding.hpp"
#include "support/overloaded.hpp"
#include "support/random.hpp"

namespace harness {
namespace {

StepAnswer answer_of(const Navigation& navigation, int step_number, ScenarioWorld& world, Trace& trace) {
  StepAnswer answer;
  for (const Hop& hop : navigation.hops) {
    answer.hop_urls.push_back(hop.url.str());
    std::string line = (hop.status == 0 ? hop.error_code : std::to_string(hop.status)) + " " + hop.method + " " +
                       hop.url.str();
    if (!hop.location.empty()) line += " -> " + hop.location;
    answer.hop_lines.push_back(line);
    TraceEvent event;
    event.at_ms = world.since_start_ms(hop.started);
    event.step = step_number;
    event.from = party::browser;
    event.to = world.party_of(hop.url);
    event.method = hop.method;
    event.url = hop.url.str();
    event.status = hop.status;
    event.note = hop.error_code;
    event.request = request_detail(hop.method, hop.url.str(), {}, "");
    if (hop.status != 0) {
      HttpHeaders shown;
      if (!hop.location.empty()) shown.add("Location", hop.location);
      for (const auto& cookie : hop.set_cookies) shown.add("Set-Cookie", cookie);
      // The browser keeps only the last page's body.
      const bool last = &hop == &navigation.hops.back();
      event.answer = answer_detail(hop.status, shown, last ? navigation.response.body : "");
      for (const auto& refused : hop.refused_cookies) event.answer += "\n(cookie refused: " + refused + ")";
    } else {
      event.answer = hop.error_code + ": " + hop.error;
    }
    trace.push_back(event);
  }
  answer.url = navigation.url.str();
  answer.status = navigation.failed() ? 0 : navigation.response.status;
  answer.headers = navigation.response.headers;
  answer.body = navigation.response.body;
  answer.error_code = navigation.error_code;
  answer.error = navigation.error;
  return answer;
}

std::string with_query(const std::string& url, const support::Params& params) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + support::build_form(params);
}

StepAnswer run_request(const action::Request& request, int step_number, ScenarioWorld& world, Trace& trace) {
  const Lookup& lookup = world.lookup();
  const std::string url_text = expand(request.url, lookup);
  auto url = support::parse_url(url_text);
  if (!url) throw StepError("request: '" + url_text + "' is not an absolute http(s) URL");
  HttpRequest http;
  http.method = request.method;
  http.url = *url;
  for (const auto& [name, value] : request.headers) http.headers.add(name, expand(value, lookup));
  auto set_default = [&http](const std::string& name, const std::string& value) {
    if (!http.headers.has(name)) http.headers.add(name, value);
  };
  if (request.form) {
    support::Params form;
    for (const auto& [name, value] : *request.form) form.emplace_back(name, expand(value, lookup));
    http.body = support::build_form(form);
    set_default("Content-Type", "application/x-www-form-urlencoded");
  } else if (request.json) {
    http.body = expand_json(*request.json, lookup).dump();
    set_default("Content-Type", "application/json");
  } else if (request.body) {
    http.body = expand(*request.body, lookup);
  }
  if (request.basic)
    set_default("Authorization", "Basic " + support::base64_encode(expand(request.basic->first, lookup) + ":" +
                                                                   expand(request.basic->second, lookup)));
  if (request.bearer) set_default("Authorization", "Bearer " + expand(*request.bearer, lookup));
  set_default("User-Agent", "DiscordBot (mock-discord-harness, 1.0)");

  TransportOptions transport;
  transport.connect_timeout = request.timeout;
  transport.read_timeout = request.timeout;
  transport.deadline = world.deadline();
  const double started = world.elapsed_ms();
  HttpResult result = world.browser().hosts().send(http, transport);

  StepAnswer answer;
  answer.url = url->str();
  answer.hop_urls.push_back(answer.url);
  TraceEvent event{started, step_number, party::harness, world.party_of(*url), http.method, answer.url, 0, "", "", ""};
  event.request = request_detail(http.method, answer.url, http.headers, http.body);
  if (result.ok()) {
    answer.status = result.response->status;
    answer.headers = result.response->headers;
    answer.body = result.response->body;
    event.status = answer.status;
    event.answer = answer_detail(answer.status, answer.headers, answer.body);
  } else {
    answer.error_code = result.error.code;
    answer.error = result.error.message;
    event.note = result.error.code;
    event.answer = result.error.code + ": " + result.error.message;
  }
  answer.hop_lines.push_back((answer.status == 0 ? answer.error_code : std::to_string(answer.status)) + " " +
                             http.method + " " + answer.url);
  trace.push_back(event);
  return answer;
}

const Navigation& current_page_or_fail(ScenarioWorld& world, const std::string& action_name) {
  const Navigation* page = world.browser().current_page();
  if (!page) throw StepError(action_name + ": the browser shows no page yet");
  return *page;
}

// The form a submit: step means: by id, by where it posts, or the only one.
HtmlForm choose_form(const Navigation& page, const action::Submit& submit, const Lookup& lookup) {
  std::vector<HtmlForm> forms = find_forms(page.response.body);
  const std::string action_prefix = submit.action.empty() ? "" : expand(submit.action, lookup);
  std::vector<HtmlForm> chosen;
  for (const HtmlForm& form : forms) {
    if (!submit.form.empty() && form.id != expand(submit.form, lookup)) continue;
    if (!action_prefix.empty()) {
      auto target = support::resolve_url(page.url, form.action);
      if (!target || target->str().rfind(action_prefix, 0) != 0) continue;
    }
    chosen.push_back(form);
  }
  const std::string shown = page.url.str();
  if (chosen.empty())
    throw StepError("submit: the page " + shown + " has no form" +
                    (submit.form.empty() ? "" : " with id '" + submit.form + "'") +
                    (action_prefix.empty() ? "" : " posting to " + action_prefix) + " (it has " +
                    std::to_string(forms.size()) + ")");
  if (chosen.size() > 1)
    throw StepError("submit: the page " + shown + " has " + std::to_string(chosen.size()) +
                    " such forms; name one with 'form:' (an id) or 'action:' (where it posts)");
  return chosen.front();
}

}  // namespace

std::optional<StepAnswer> run_action(const Step& step, ScenarioWorld& world, Trace& trace) {
  const Lookup& lookup = world.lookup();
  const int number = step.number;
  return std::visit(
      support::Overloaded{
          [&](const action::Open& open) -> std::optional<StepAnswer> {
            return answer_of(world.browser().open(expand(open.url, lookup), step.follow_redirects), number, world, trace);
          },
          [&](const action::Consent& consent) -> std::optional<StepAnswer> {
            const Navigation& page = current_page_or_fail(world, "consent");
            if (page.response.body.find(mock_discord::consent_form::marker) == std::string::npos)
              throw StepError("consent: the browser shows no consent page (it shows " +
                              std::to_string(page.response.status) + " " + page.url.str() + ")");
            namespace form = mock_discord::consent_form;
            Navigation navigation = world.browser().submit_form(form::form_id, form::decision_field,
                                                                consent.approve ? form::approve : form::deny,
                                                                step.follow_redirects);
            if (navigation.hops.empty() && navigation.failed())
              throw StepError("consent: " + navigation.error_code + ": " + navigation.error);
            return answer_of(navigation, number, world, trace);
          },
          [&](const action::Replay&) -> std::optional<StepAnswer> {
            auto callback = world.browser().last_callback_url();
            if (!callback) throw StepError("replay: the browser has not visited the callback (" +
                                           world.redirect_uri() + ") yet");
            return answer_of(world.browser().open(*callback), number, world, trace);
          },
          [&](const action::ForgeCallback& forge) -> std::optional<StepAnswer> {
            const mock_discord::Application application = world.application();
            const std::string redirect = world.redirect_uri();
            std::string state;
            if (forge.state_mode == action::ForgeCallback::StateMode::random) state = support::secure_alphanumeric(32);
            if (forge.state_mode == action::ForgeCallback::StateMode::literal) state = expand(forge.state, lookup);
            // The attacker signs in to this app with their own account and keeps the code.
            const std::string code =
                world.mock().issue_code(forge.as, application.id, redirect, world.app_spec().scopes, state);
            support::Params query{{"code", code}};
            if (forge.state_mode != action::ForgeCallback::StateMode::none) query.emplace_back("state", state);
            return answer_of(world.browser().open(with_query(redirect, query)), number, world, trace);
          },
          [&](const action::Request& request) -> std::optional<StepAnswer> {
            return run_request(request, number, world, trace);
          },
          [&](const action::Clock& clock) -> std::optional<StepAnswer> {
            world.advance_clock(clock.by);
            return std::nullopt;
          },
          [&](const action::Tunnel& tunnel) -> std::optional<StepAnswer> {
            world.change_tunnel(tunnel);
            return std::nullopt;
          },
          [&](const action::App& app) -> std::optional<StepAnswer> {
            switch (app.action) {
              case action::App::Action::restart: world.restart_app(); break;
              case action::App::Action::stop: world.stop_app(); break;
              case action::App::Action::start: world.start_app(); break;
            }
            return std::nullopt;
          },
          [&](const action::Fail& fail) -> std::optional<StepAnswer> {
            world.mock().add_failure(expand_failure_rule(fail.rule, lookup));
            return std::nullopt;
          },
          [&](const action::Discord& change) -> std::optional<StepAnswer> {
            if (change.revoke_tokens_of) world.mock().revoke_tokens_of(*change.revoke_tokens_of);
            if (change.signed_in) world.mock().set_signed_in(*change.signed_in);
            if (change.redirect_uris) {
              std::vector<std::string> uris;
              for (const auto& uri : *change.redirect_uris) uris.push_back(expand(uri, lookup));
              world.mock().set_redirect_uris(change.application, uris);
            }
            return std::nullopt;
          },
          [&](const action::Wait& wait) -> std::optional<StepAnswer> {
            // Cut at the scenario's time limit; the runner then fails the scenario.
            std::this_thread::sleep_until(std::min(std::chrono::steady_clock::now() + wait.duration, world.deadline()));
            return std::nullopt;
          },
          [&](const action::Submit& submit) -> std::optional<StepAnswer> {
            const Navigation& page = current_page_or_fail(world, "submit");
            const HtmlForm form = choose_form(page, submit, lookup);
            support::Params fields;
            for (const auto& [name, value] : submit.fields) fields.emplace_back(name, expand(value, lookup));
            Navigation navigation = world.browser().submit(form, fields, step.follow_redirects);
            if (navigation.hops.empty() && navigation.failed())
              throw StepError("submit: " + navigation.error_code + ": " + navigation.error);
            return answer_of(navigation, number, world, trace);
          },
          [&](const action::Follow&) -> std::optional<StepAnswer> {
            Navigation navigation = world.browser().follow_redirect();
            if (navigation.hops.empty() && navigation.failed())
              throw StepError("follow: " + navigation.error_code + ": " + navigation.error);
            return answer_of(navigation, number, world, trace);
          },
      },
      step.action);
}

}  // namespace harness
