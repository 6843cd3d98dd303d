// Discord's error answers. The OAuth2 bodies come from the reference's table
// (docs/discord-facts.md); the API bodies are Discord's
// {"message", "code"} shape.
#include "mock_discord/discord_errors.hpp"

#include <cmath>

#include "mock_discord/http_response.hpp"
#include "mock_discord/rate_limits.hpp"
#include "mock_discord/responses.hpp"

namespace mock_discord {

CannedResponse invalid_grant(const std::string& grant_type) {
  if (grant_type == "refresh_token") return oauth_error(400, "invalid_grant", "Invalid \"refresh_token\" in request");
  return oauth_error(400, "invalid_grant", "Invalid \"code\" in request.");
}

CannedResponse invalid_client() { return oauth_error(401, "invalid_client"); }

CannedResponse invalid_redirect_uri() {
  return oauth_error(400, "invalid_request", "Invalid \"redirect_uri\" in request.");
}

CannedResponse unsupported_grant_type(const std::string& grant_type) {
  return oauth_error(400, "unsupported_grant_type", "Grant type " + grant_type + " is not supported");
}

const std::vector<std::string>& error_shorthands() {
  static const std::vector<std::string> names = {"invalid_grant",          "invalid_client", "invalid_request",
                                                 "unsupported_grant_type", "unauthorized",   "server_error"};
  return names;
}

// Discord answers each of these with the same body whichever endpoint it
// comes from, so `endpoint` does not change the bytes today.
std::optional<CannedResponse> error_response(Endpoint /*endpoint*/, const std::string& error,
                                             const std::string& grant_type) {
  if (error == "invalid_grant") return invalid_grant(grant_type);
  if (error == "invalid_client") return invalid_client();
  if (error == "invalid_request") return invalid_redirect_uri();
  if (error == "unsupported_grant_type") return unsupported_grant_type("None");
  if (error == "unauthorized") return status_message_response(401);
  if (error == "server_error") return status_message_response(500);
  return std::nullopt;
}

CannedResponse rate_limited_response(double retry_after, const std::string& scope, const std::string& bucket,
                                     std::int64_t now_ms, int limit) {
  retry_after = std::round(std::max(retry_after, 0.0) * 1000) / 1000;
  bool global = scope == "global";
  nlohmann::ordered_json body;
  body["message"] = scope == "shared" ? "The resource is being rate limited." : "You are being rate limited.";
  body["retry_after"] = retry_after;
  body["global"] = global;
  CannedResponse canned = json_response(429, body);
  canned.headers.emplace_back("Retry-After", std::to_string(static_cast<long long>(std::ceil(retry_after))));
  if (global) {
    canned.headers.emplace_back("X-RateLimit-Global", "true");
  } else {
    canned.headers.emplace_back("X-RateLimit-Limit", std::to_string(limit));
    canned.headers.emplace_back("X-RateLimit-Remaining", "0");
    canned.headers.emplace_back("X-RateLimit-Reset", format_seconds(now_ms / 1000.0 + retry_after));
    canned.headers.emplace_back("X-RateLimit-Reset-After", format_seconds(retry_after));
    if (!bucket.empty()) canned.headers.emplace_back("X-RateLimit-Bucket", bucket);
  }
  canned.headers.emplace_back("X-RateLimit-Scope", scope);
  return canned;
}

}  // namespace mock_discord
