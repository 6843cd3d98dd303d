// Answers the front door writes itself (canned rule answers, parse errors,
// admin refusals): serialisation and Discord's generic JSON error body.
#pragma once

#include <string>

#include "mock_discord/discord_errors.hpp"

namespace mock_discord {

// "Not Found" for 404; "Unknown" for codes without a standard phrase.
std::string reason_phrase(int status);
// Discord's shape for HTTP-level errors: {"message": "404: Not Found", "code": 0}.
std::string status_message_body(int status);
CannedResponse status_message_response(int status);
// A complete HTTP/1.1 answer with Content-Length and Connection: close; the
// body is left out for HEAD requests.
std::string serialize_response(const CannedResponse& response, bool head_request = false);

}  // namespace mock_discord
