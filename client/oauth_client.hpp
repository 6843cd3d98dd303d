// The Discord OAuth2 client: builds authorize URLs (fresh state, optional
// PKCE), exchanges codes, refreshes and revokes tokens, and reads the user,
// their guilds and the current authorization. Thread-safe: every call opens
// its own connection.
//
// Failures are typed (client/errors.hpp). Retries follow what is safe to
// resend (client/http_transport.hpp):
//  - exchange_code() is sent exactly once. A code is single use: if the answer
//    is lost (reset, timeout, 5xx) the code may already be redeemed, and even
//    a 429 is not waited out because the code expires 100 s after it was
//    issued while the user watches a spinner. The caller gets TransportError,
//    Timeout, ApiError or RateLimited and should ask the user to sign in
//    again, which yields a fresh code.
//  - refresh() is resent only when Discord certainly did not act (429 within
//    the bound, connection never established): each refresh token works once.
//  - revoke() and the GETs are retried on 429 within the bound, on 5xx and on
//    resets, with bounded exponential backoff. Timeouts are not retried.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "client/discord_types.hpp"
#include "client/http_transport.hpp"
#include "client/oauth_config.hpp"

namespace client {

// Where to send the browser, and what to keep server-side until the callback.
struct AuthorizationRequest {
  std::string url;
  std::string state;                         // 256 random bits, base64url
  std::optional<std::string> code_verifier;  // with PKCE
};

class OAuthClient {
 public:
  // Throws support::InputError when the config is incomplete or malformed.
  explicit OAuthClient(OAuthConfig config);

  AuthorizationRequest authorization_request(bool use_pkce) const;

  TokenSet exchange_code(const std::string& code, const std::optional<std::string>& code_verifier = {}) const;
  TokenSet refresh(const std::string& refresh_token) const;
  // Revoking either token of an authorization revokes all of its tokens.
  void revoke(const std::string& token, const std::string& token_type_hint = "access_token") const;

  DiscordUser current_user(const std::string& access_token) const;
  std::vector<Guild> guilds(const std::string& access_token) const;  // needs the guilds scope
  Authorization current_authorization(const std::string& access_token) const;

  const OAuthConfig& config() const { return config_; }

 private:
  TokenSet token_request(const std::string& grant_form, RetryPolicy retry, const std::string& what) const;
  // GET api_base + path with the bearer token; the parsed JSON of a 2xx answer.
  nlohmann::json api_get(const std::string& path, const std::string& access_token, const std::string& what) const;
  std::string client_credentials_form() const;

  OAuthConfig config_;
  HttpTransport transport_;
};

}  // namespace client
