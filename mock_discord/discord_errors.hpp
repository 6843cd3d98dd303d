// Discord's exact error answers (status, body, headers), in one place: the
// endpoint handlers and the failure rules' `error:` and `rate_limit:`
// shorthands render them from here (see docs/discord-facts.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mock_discord/config.hpp"

namespace mock_discord {

struct CannedResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;
};

// The token endpoint's refusals, exactly as the reference's table gives them.
// invalid_grant: the code's text, or the refresh token's for grant_type refresh_token.
CannedResponse invalid_grant(const std::string& grant_type);
CannedResponse invalid_client();
CannedResponse invalid_redirect_uri();
// `grant_type` as sent; Discord writes a missing one as None.
CannedResponse unsupported_grant_type(const std::string& grant_type);

// The names `fail: {error: NAME}` accepts.
const std::vector<std::string>& error_shorthands();
// Discord's answer for that error at that endpoint; nullopt for an unknown
// name. `grant_type` is the token request's when known: an invalid_grant
// for a refresh_token request names the refresh token, as Discord's would.
std::optional<CannedResponse> error_response(Endpoint endpoint, const std::string& error,
                                             const std::string& grant_type = "");
// 429 with Discord's body and Retry-After / X-RateLimit-* headers;
// `limit` is the route's bucket size (X-RateLimit-Limit, absent for global).
CannedResponse rate_limited_response(double retry_after, const std::string& scope, const std::string& bucket,
                                     std::int64_t now_ms, int limit);

}  // namespace mock_discord
