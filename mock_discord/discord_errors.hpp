// Discord's exact error answers (status, body, headers), in one place: the
// endpoint handlers and the failure rules' `error:` and `rate_limit:`
// shorthands render them from here (see ../shared/reference/discord-oauth2.md).
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

// The names `fail: {error: NAME}` accepts.
const std::vector<std::string>& error_shorthands();
// Discord's answer for that error at that endpoint; nullopt for an unknown name.
std::optional<CannedResponse> error_response(Endpoint endpoint, const std::string& error);
// 429 with Discord's body and X-RateLimit-* / Retry-After headers.
CannedResponse rate_limited_response(double retry_after, const std::string& scope, const std::string& bucket,
                                     std::int64_t now_ms);

}  // namespace mock_discord
