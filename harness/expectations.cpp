// The expectation keys, one check each.
#include "harness/expectations.hpp"

#include <cctype>
#include <regex>

#include "harness/json_match.hpp"
#include "mock_discord/consent_form.hpp"
#include "support/url.hpp"
#include "support/text.hpp"

namespace harness {
namespace {

bool looks_like_html(const std::string& text) {
  std::string head = text.substr(0, 256);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head.find("<!doctype html") != std::string::npos || head.find("<html") != std::string::npos;
}

// What a person would read on the page: the text outside tags, <style> and
// <script>, whitespace collapsed.
std::string visible_text(const std::string& html) {
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      for (const char* hidden : {"<style", "<script"}) {
        if (html.compare(i, std::char_traits<char>::length(hidden), hidden) == 0) {
          std::string closing = std::string("</") + (hidden + 1);
          std::size_t end = html.find(closing, i);
          i = end == std::string::npos ? html.size() : end;
        }
      }
      std::size_t close = html.find('>', i);
      i = close == std::string::npos ? html.size() : close + 1;
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    char c = std::isspace(static_cast<unsigned char>(html[i])) ? ' ' : html[i];
    if (!(c == ' ' && (out.empty() || out.back() == ' '))) out += c;
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string excerpt(const std::string& body, std::size_t limit = 300) {
  const bool html = looks_like_html(body);
  const std::string text = html ? visible_text(body) : body;
  std::string flat;
  for (char c : text.substr(0, limit)) flat += (c == '\n' || c == '\r') ? ' ' : c;
  if (text.size() > limit) flat += "...";
  if (html) flat = "page: " + flat;
  if (body.size() > limit) flat += " (" + std::to_string(body.size()) + " bytes)";
  return flat.empty() ? "(empty)" : flat;
}

using support::text::join;

// Enough of a secret to recognise it in a report, never the whole of it.
std::string abbreviated(const std::string& secret) {
  return secret.size() > 8 ? secret.substr(0, 6) + "..." : std::string("...");
}

std::string describe_answer(const StepAnswer& answer) {
  if (answer.status == 0) return "no answer: " + answer.error_code + (answer.error.empty() ? "" : " (" + answer.error + ")");
  return std::to_string(answer.status);
}

class Checker {
 public:
  Checker(const Scenario& scenario, const Step& step, const Expect& expect, ScenarioWorld& world)
      : scenario_(scenario), step_(step), expect_(expect), world_(world) {}

  void fail(const std::string& key, const std::string& expected, const std::string& actual,
            const std::string& message = "") {
    Failure failure;
    failure.step = step_.number;
    failure.step_label = step_.label();
    failure.where = scenario_.file + ":" + std::to_string(expect_.line_of(key));
    failure.expectation = key;
    failure.expected = expected;
    failure.actual = actual;
    failure.message = message.empty() ? "expect." + key + " does not hold" : message;
    failure.advice = expect_.advice;
    failures_.push_back(failure);
  }

  // An expected text that expands to "" would match anything: that is an
  // error in the scenario, never a pass.
  std::optional<std::string> text(const std::string& key, const std::string& raw) {
    std::string value = expand(raw, world_.lookup());
    if (value.empty()) {
      fail(key, "'" + raw + "'", "it expands to an empty string, which would match anything");
      return std::nullopt;
    }
    return value;
  }
  std::string expected_text(const std::string& raw) const { return expand_expected(raw, world_.lookup()); }

  std::vector<Failure> take() { return std::move(failures_); }
  ScenarioWorld& world() { return world_; }

 private:
  const Scenario& scenario_;
  const Step& step_;
  const Expect& expect_;
  ScenarioWorld& world_;
  std::vector<Failure> failures_;
};

// Keys that claim something is absent from the page: with no page at all
// they would hold vacuously, so they fail unless the step expects exactly that.
void check_no_page(const Expect& expect, const StepAnswer& answer, Checker& check) {
  if (answer.status != 0 || (expect.transport_error && *expect.transport_error)) return;
  std::vector<std::string> vacuous;
  if (!expect.body_not_contains.empty()) vacuous.push_back("body_not_contains");
  if (expect.not_signed_in_as) vacuous.push_back("not_signed_in_as");
  if (expect.consent_page && !*expect.consent_page) vacuous.push_back("consent_page");
  for (const auto& header : expect.headers)
    if (!header.value) vacuous.push_back("headers." + header.name);
  for (const auto& key : vacuous)
    check.fail(key, "a page to check", describe_answer(answer),
               "expect." + key + " needs a page, and the step got none (add transport_error: true if that is the point)");
}

void check_answer(const Expect& expect, const StepAnswer& answer, Checker& check) {
  check_no_page(expect, answer, check);
  if (expect.status) {
    bool ok = false;
    std::vector<std::string> allowed;
    for (int status : *expect.status) {
      ok = ok || status == answer.status;
      allowed.push_back(std::to_string(status));
    }
    if (!ok) check.fail("status", join(allowed, " or "), describe_answer(answer));
  }
  if (expect.url) {
    if (auto prefix = check.text("url", *expect.url))
      if (!url_matches_prefix(answer.url, *prefix)) check.fail("url", "starts with " + *prefix, answer.url);
  }
  if (expect.hops) {
    std::vector<std::string> prefixes;
    for (const auto& raw : *expect.hops) prefixes.push_back(check.text("hops", raw).value_or("(empty)"));
    bool ok = prefixes.size() == answer.hop_urls.size();
    for (std::size_t i = 0; ok && i < prefixes.size(); ++i) ok = url_matches_prefix(answer.hop_urls[i], prefixes[i]);
    if (!ok) check.fail("hops", join(prefixes, "\n                    "), join(answer.hop_urls, "\n                    "));
  }
  for (const auto& raw : expect.body_contains) {
    auto needle = check.text("body_contains", raw);
    if (needle && answer.body.find(*needle) == std::string::npos)
      check.fail("body_contains", "a body containing '" + *needle + "'", excerpt(answer.body));
  }
  for (const auto& raw : expect.body_not_contains) {
    auto needle = check.text("body_not_contains", raw);
    if (needle && answer.body.find(*needle) != std::string::npos)
      check.fail("body_not_contains", "a body without '" + *needle + "'", excerpt(answer.body));
  }
  if (expect.json) {
    const nlohmann::json expected = expand_expected_json(*expect.json, check.world().lookup());
    nlohmann::json actual = nlohmann::json::parse(answer.body, nullptr, false);
    if (actual.is_discarded()) {
      check.fail("json", expected.dump(), "not JSON: " + excerpt(answer.body));
    } else if (auto mismatch = match_json_subset(expected, actual)) {
      check.fail(mismatch->path.empty() ? "json" : "json." + mismatch->path, mismatch->expected, mismatch->actual);
    }
  }
  for (const auto& header : expect.headers) {
    // A header may come several times (Set-Cookie): one matching value is enough.
    const std::vector<std::string> values = answer.headers.get_all(header.name);
    if (!header.value) {
      if (!values.empty()) check.fail("headers." + header.name, "absent", join(values, " | "));
      continue;
    }
    const std::string expected = check.expected_text(*header.value);
    bool matched = false;
    for (const auto& value : values) matched = matched || matches_expected_text(expected, value);
    if (!matched) check.fail("headers." + header.name, expected, values.empty() ? "(absent)" : join(values, " | "));
  }
  if (expect.consent_page) {
    bool shown = answer.body.find(mock_discord::consent_form::marker) != std::string::npos;
    if (shown != *expect.consent_page)
      check.fail("consent_page", *expect.consent_page ? "the consent page" : "no consent page",
                 shown ? "the consent page" : describe_answer(answer) + " " + answer.url);
  }
  if (expect.signed_in_as) {
    auto user = check.world().find_user(*expect.signed_in_as);
    const std::string username = user ? user->username : *expect.signed_in_as;
    // Discord's own pages (the consent screen) show the username too: being
    // signed in means the app's page shows it.
    const auto parsed = support::parse_url(answer.url);
    const bool on_discord = parsed && check.world().is_discord_url(*parsed);
    bool ok = answer.status >= 200 && answer.status < 300 && !on_discord &&
              answer.body.find(username) != std::string::npos;
    if (!ok)
      check.fail("signed_in_as", "a 2xx page showing '" + username + "'",
                 describe_answer(answer) + " " + answer.url + ": " + excerpt(answer.body));
  }
  if (expect.not_signed_in_as) {
    auto user = check.world().find_user(*expect.not_signed_in_as);
    std::vector<std::string> marks = {user ? user->username : *expect.not_signed_in_as};
    if (user) marks.push_back(user->id);
    for (const auto& mark : marks)
      if (answer.body.find(mark) != std::string::npos)
        check.fail("not_signed_in_as", "a page without '" + mark + "'", excerpt(answer.body));
  }
  if (expect.tunnel_error) {
    HttpResponse response{answer.status, answer.headers, answer.body};
    auto code = answer.status == 0 ? std::nullopt : tunnel_error_code(response);
    if (!code || *code != *expect.tunnel_error)
      check.fail("tunnel_error", *expect.tunnel_error,
                 code ? *code : "not a tunnel error page: " + describe_answer(answer) + " " + answer.url);
  }
  if (expect.handled && *expect.handled) {
    // 500 is what frameworks send for an uncaught exception; a 502/503/504
    // page that says Discord failed is an answer.
    if (answer.status == 0 || answer.status == 500)
      check.fail("handled", "an answer that is not 500 (an error page, a redirect, a sign-in)",
                 describe_answer(answer) + " " + answer.url + (answer.status == 0 ? "" : ": " + excerpt(answer.body)));
  }
  if (expect.transport_error) {
    bool failed = answer.status == 0;
    if (failed != *expect.transport_error)
      check.fail("transport_error", *expect.transport_error ? "no complete answer" : "a complete answer",
                 describe_answer(answer));
  }
}

void check_world(const Expect& expect, Checker& check) {
  if (expect.discord) {
    const auto counts = check.world().mock().request_counts();
    for (const auto& [endpoint, expected] : expect.discord->requests) {
      int actual = 0;
      if (endpoint == "any") {
        for (const auto& [name, count] : counts) actual += count;
      } else if (auto found = counts.find(endpoint); found != counts.end()) {
        actual = found->second;
      }
      if (!expected.holds(actual))
        check.fail("discord.requests." + endpoint, expected.describe(), std::to_string(actual));
    }
    if (expect.discord->codes_redeemed) {
      int actual = check.world().mock().codes_redeemed();
      if (actual != *expect.discord->codes_redeemed)
        check.fail("discord.codes_redeemed", std::to_string(*expect.discord->codes_redeemed), std::to_string(actual));
    }
    if (expect.discord->active_tokens) {
      int actual = check.world().mock().active_tokens();
      if (actual != *expect.discord->active_tokens)
        check.fail("discord.active_tokens", std::to_string(*expect.discord->active_tokens), std::to_string(actual));
    }
  }
  if (expect.no_leaks && *expect.no_leaks) {
    if (auto leak = check.world().browser().find_leak(check.world().mock().secrets())) {
      const std::string shown = abbreviated(leak->secret);
      check.fail("no_leaks", "no token or client secret in URLs, Location headers, pages or cookies",
                 "a secret (" + shown + ") in a " + leak->place + " at " + leak->url);
    }
  }
  if (expect.no_leaks_in_app_log && *expect.no_leaks_in_app_log && check.world().app()) {
    const std::string output = check.world().app()->output();
    for (const std::string& secret : check.world().mock().secrets()) {
      if (secret.empty() || output.find(secret) == std::string::npos) continue;
      const std::string shown = abbreviated(secret);
      check.fail("no_leaks_in_app_log", "no token or client secret in the app's output",
                 "a secret (" + shown + ") in what the app wrote");
      break;
    }
  }
}

}  // namespace

bool url_matches_prefix(const std::string& url, const std::string& prefix) {
  std::string compared = url;
  if (prefix.find('?') == std::string::npos) compared = compared.substr(0, compared.find('?'));
  if (prefix.find('#') == std::string::npos) compared = compared.substr(0, compared.find('#'));
  return compared.rfind(prefix, 0) == 0;
}

std::vector<Failure> check_expectations(const Scenario& scenario, const Step& step,
                                        const std::optional<StepAnswer>& answer, ScenarioWorld& world) {
  if (!step.expect) return {};
  return check_expect(scenario, step, *step.expect, answer, world);
}

std::vector<Failure> check_expect(const Scenario& scenario, const Step& step, const Expect& expect,
                                  const std::optional<StepAnswer>& answer, ScenarioWorld& world) {
  Checker check(scenario, step, expect, world);
  if (answer) check_answer(expect, *answer, check);
  check_world(expect, check);
  return check.take();
}

}  // namespace harness
