// Writing answers. Discord's API serialises JSON like Python's json.dumps,
// so bodies here use its separators to match the documented bytes.
#include "mock_discord/responses.hpp"

#include <httplib.h>

namespace mock_discord {
namespace {

void render(const nlohmann::ordered_json& value, std::string& out) {
  constexpr auto replace = nlohmann::ordered_json::error_handler_t::replace;
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& item : value.items()) {
      if (!first) out += ", ";
      first = false;
      out += nlohmann::ordered_json(item.key()).dump(-1, ' ', false, replace);
      out += ": ";
      render(item.value(), out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& element : value) {
      if (!first) out += ", ";
      first = false;
      render(element, out);
    }
    out += ']';
  } else {
    out += value.dump(-1, ' ', false, replace);
  }
}

}  // namespace

std::string discord_json(const nlohmann::ordered_json& value) {
  std::string out;
  render(value, out);
  return out;
}

CannedResponse json_response(int status, const nlohmann::ordered_json& body) {
  CannedResponse canned;
  canned.status = status;
  canned.body = discord_json(body);
  return canned;
}

CannedResponse oauth_error(int status, const std::string& error, const std::string& description) {
  nlohmann::ordered_json body;
  body["error"] = error;
  if (!description.empty()) body["error_description"] = description;
  return json_response(status, body);
}

CannedResponse api_error(int status, const std::string& message, int code) {
  nlohmann::ordered_json body;
  body["message"] = message;
  body["code"] = code;
  return json_response(status, body);
}

void send(httplib::Response& response, const CannedResponse& canned) {
  response.status = canned.status;
  for (const auto& [name, value] : canned.headers) response.set_header(name, value);
  response.set_content(canned.body, canned.content_type.c_str());
}

void send_json(httplib::Response& response, int status, const nlohmann::ordered_json& body) {
  send(response, json_response(status, body));
}

// The mock's pages are Discord's consent and error pages: like Discord's,
// never framed (clickjacking the Authorize button) and never cached.
void send_html(httplib::Response& response, int status, const std::string& html) {
  response.status = status;
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Content-Security-Policy", "frame-ancestors 'none'");
  response.set_header("Cache-Control", "no-store");
  response.set_content(html, "text/html; charset=utf-8");
}

void send_redirect(httplib::Response& response, const std::string& location) {
  response.status = 302;
  response.set_header("Location", location);
}

std::string form_encode(const support::Params& params) {
  auto encode = [](const std::string& text) {
    std::string encoded = support::percent_encode(text);
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      if (encoded.compare(i, 3, "%20") == 0) {
        out += '+';
        i += 2;
      } else {
        out += encoded[i];
      }
    }
    return out;
  };
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += encode(name) + '=' + encode(value);
  }
  return out;
}

std::string with_query(const std::string& uri, const support::Params& params) {
  if (params.empty()) return uri;
  std::size_t question = uri.find('?');
  if (question == std::string::npos) return uri + "?" + form_encode(params);
  char last = uri.back();
  return uri + (last == '?' || last == '&' ? "" : "&") + form_encode(params);
}

std::string with_fragment(const std::string& uri, const support::Params& params) {
  return uri + "#" + form_encode(params);
}

}  // namespace mock_discord
