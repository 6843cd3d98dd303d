// How the Discord handlers write answers: JSON in the spacing Discord's
// Python backend uses ({"error": "x"}), HTML pages, canned responses and
// redirects whose query is joined to the redirect URI correctly.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mock_discord/discord_errors.hpp"
#include "support/url.hpp"

namespace httplib {
struct Response;
}

namespace mock_discord {

// {"a": 1, "b": [1, 2]}: ", " and ": " separators, keys in insertion order.
// Invalid UTF-8 is replaced rather than thrown on.
std::string discord_json(const nlohmann::ordered_json& value);

CannedResponse json_response(int status, const nlohmann::ordered_json& body);
// {"error": ERROR, "error_description": DESCRIPTION}: OAuth2 endpoints' shape
// (no description when it is empty).
CannedResponse oauth_error(int status, const std::string& error, const std::string& description = "");
// {"message": MESSAGE, "code": CODE}, the Discord API's error shape.
CannedResponse api_error(int status, const std::string& message, int code);

void send(httplib::Response& response, const CannedResponse& canned);
void send_json(httplib::Response& response, int status, const nlohmann::ordered_json& body);
void send_html(httplib::Response& response, int status, const std::string& html);
void send_redirect(httplib::Response& response, const std::string& location);

// a=1&b=x+y: form encoding with '+' for spaces, as Discord's redirects use.
std::string form_encode(const support::Params& params);
// `uri` with `params` added to its query (after '?' or '&' as it needs).
std::string with_query(const std::string& uri, const support::Params& params);
// `uri#params`, for the implicit grant.
std::string with_fragment(const std::string& uri, const support::Params& params);

}  // namespace mock_discord
