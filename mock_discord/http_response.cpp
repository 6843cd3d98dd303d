// Serialisation of the mock's answers (see http_response.hpp).
#include "mock_discord/http_response.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "mock_discord/responses.hpp"
#include "support/text.hpp"

namespace mock_discord {
namespace {

using support::text::iequals;

}  // namespace

std::string reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

CannedResponse status_message_response(int status) {
  return api_error(status, std::to_string(status) + ": " + reason_phrase(status), 0);
}

std::string status_message_body(int status) { return status_message_response(status).body; }

namespace {

// `headers`: any range of (name, value) pairs; framing headers in it are replaced.
template <typename HeaderRange>
std::string serialize(int status, const std::string& default_type, const HeaderRange& headers,
                      const std::string& body, bool head_request, std::string_view connection) {
  std::string out;
  out.reserve(128 + body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : headers) has_type = has_type || iequals(name, "Content-Type");
  if (!has_type && !default_type.empty()) out.append("Content-Type: ").append(default_type).append("\r\n");
  for (const auto& [name, value] : headers)
    if (!iequals(name, "Content-Length") && !iequals(name, "Connection"))
      out.append(name).append(": ").append(value).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  if (!connection.empty()) out.append("Connection: ").append(connection).append("\r\n");
  out += "\r\n";
  if (!head_request) out += body;
  return out;
}

}  // namespace

std::string serialize_response(const CannedResponse& response, bool head_request, std::string_view connection) {
  return serialize(response.status, response.content_type, response.headers, response.body, head_request, connection);
}

std::string serialize_response(const httplib::Response& response, bool head_request, std::string_view connection) {
  const int status = response.status < 0 ? 200 : response.status;
  if (status >= 400 && response.body.empty()) {
    CannedResponse generic = status_message_response(status);
    for (const auto& [name, value] : response.headers)
      if (!iequals(name, "Content-Type")) generic.headers.emplace_back(name, value);
    return serialize_response(generic, head_request, connection);
  }
  return serialize(status, "", response.headers, response.body, head_request, connection);
}

}  // namespace mock_discord
