// Serialisation of every answer the mock writes (route answers, canned rule
// answers, parse errors, admin refusals) and Discord's generic JSON error body.
#pragma once

#include <string>
#include <string_view>

#include "mock_discord/discord_errors.hpp"

namespace httplib {
struct Response;
}

namespace mock_discord {

// "Not Found" for 404; "Unknown" for codes without a standard phrase.
std::string reason_phrase(int status);
// Discord's shape for HTTP-level errors: {"message": "404: Not Found", "code": 0}.
std::string status_message_body(int status);
CannedResponse status_message_response(int status);
// A complete HTTP/1.1 answer with Content-Length and, unless `connection` is
// empty, that Connection header; the body is left out for HEAD requests.
std::string serialize_response(const CannedResponse& response, bool head_request = false,
                               std::string_view connection = "close");
// A route's answer. Status -1 (never set) is 200; a status >= 400 without a
// body gets Discord's generic one.
std::string serialize_response(const httplib::Response& response, bool head_request,
                               std::string_view connection);

}  // namespace mock_discord
