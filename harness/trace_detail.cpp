// Redacted, bounded request and answer text for reports (see trace_detail.hpp).
#include "harness/trace_detail.hpp"

#include <nlohmann/json.hpp>

#include "mock_discord/journal.hpp"
#include "support/url.hpp"
#include "support/utf8.hpp"

namespace harness {
namespace {

constexpr std::size_t detail_body_limit = 4096;
constexpr std::size_t detail_header_limit = 512;

const char* const redacted = "[redacted]";

std::string bounded(const std::string& text, std::size_t limit) { return support::bounded_utf8(text, limit); }

// Each secret's value replaced, the rest kept as sent (not re-encoded).
std::string redacted_form(const std::string& text) {
  std::string out;
  for (std::size_t start = 0;;) {
    std::size_t end = text.find('&', start);
    if (end == std::string::npos) end = text.size();
    std::string pair = text.substr(start, end - start);
    std::size_t equals = pair.find('=');
    if (equals != std::string::npos) {
      auto name = support::percent_decode(pair.substr(0, equals));
      if (name && mock_discord::is_secret_name(*name)) pair = pair.substr(0, equals + 1) + redacted;
    }
    out += (start == 0 ? "" : "&") + pair;
    if (end == text.size()) return out;
    start = end + 1;
  }
}

void redact_json(nlohmann::json& value, int depth) {
  if (depth > 16) return;
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      if (mock_discord::is_secret_name(key) && item.is_string())
        item = redacted;
      else
        redact_json(item, depth + 1);
    }
  } else if (value.is_array()) {
    for (auto& item : value) redact_json(item, depth + 1);
  }
}

// Cookie and Set-Cookie: names stay, values go.
std::string redacted_cookies(const std::string& value, bool set_cookie) {
  std::string out;
  std::size_t start = 0;
  bool first = true;
  while (start <= value.size()) {
    std::size_t end = value.find(';', start);
    if (end == std::string::npos) end = value.size();
    std::string part = value.substr(start, end - start);
    std::size_t equals = part.find('=');
    if (!out.empty()) out += ";";
    if (equals != std::string::npos && (first || !set_cookie))
      out += part.substr(0, equals + 1) + redacted;
    else
      out += part;
    first = false;
    start = end + 1;
  }
  return out;
}

std::string header_lines(const HttpHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : headers.entries()) {
    std::string shown = value;
    if (header_name_equals(name, "Authorization") || header_name_equals(name, "Proxy-Authorization")) {
      std::size_t space = value.find(' ');
      shown = (space == std::string::npos ? "" : value.substr(0, space + 1)) + redacted;
    } else if (header_name_equals(name, "Cookie")) {
      shown = redacted_cookies(value, false);
    } else if (header_name_equals(name, "Set-Cookie")) {
      shown = redacted_cookies(value, true);
    } else if (header_name_equals(name, "Location")) {
      shown = redact_url(value);
    }
    out += bounded(name, detail_header_limit) + ": " + bounded(shown, detail_header_limit) + "\n";
  }
  return out;
}

}  // namespace

std::string redact_url(const std::string& url) {
  // A fragment carries tokens in the implicit grant: redacted like a query.
  std::size_t hash = url.find('#');
  std::string fragment = hash == std::string::npos ? "" : "#" + redacted_form(url.substr(hash + 1));
  std::string rest = url.substr(0, hash);
  std::size_t question = rest.find('?');
  if (question == std::string::npos) return rest + fragment;
  return rest.substr(0, question + 1) + redacted_form(rest.substr(question + 1)) + fragment;
}

std::string redact_body(const std::string& body) {
  if (body.empty()) return body;
  // Past this, no parsing: a report shows no more of a body than this anyway.
  if (body.size() > 64 * 1024) return "[" + std::to_string(body.size()) + " bytes, not shown]";
  auto document = nlohmann::json::parse(body, nullptr, false);
  if (!document.is_discarded() && (document.is_object() || document.is_array())) {
    redact_json(document, 0);
    return document.dump(2);
  }
  if (body.find('<') == std::string::npos && body.find('=') != std::string::npos &&
      body.find('\n') == std::string::npos)
    return redacted_form(body);
  return body;
}

std::string request_detail(const std::string& method, const std::string& url, const HttpHeaders& headers,
                           const std::string& body) {
  std::string out = method + " " + bounded(redact_url(url), detail_header_limit) + "\n" + header_lines(headers);
  if (!body.empty()) out += "\n" + bounded(redact_body(body), detail_body_limit);
  return out;
}

std::string answer_detail(int status, const HttpHeaders& headers, const std::string& body) {
  std::string out = std::to_string(status) + "\n" + header_lines(headers);
  if (!body.empty()) out += "\n" + bounded(redact_body(body), detail_body_limit);
  return out;
}

}  // namespace harness
