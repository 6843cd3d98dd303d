// World::State: everything the Discord handlers share, behind one mutex.
// Handlers lock `mutex`, read or change what they need, copy out what they
// render, and unlock before writing the answer. Members ending in _locked
// expect the mutex to be held.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mock_discord/clock.hpp"
#include "mock_discord/config.hpp"
#include "mock_discord/rate_limits.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "support/random.hpp"

namespace mock_discord {

// What a user is asked to approve: one authorize request, waiting on the
// consent page (keyed by its form token) or turned into a code.
struct AuthorizationRequest {
  std::string application_id;
  std::string user_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  std::optional<std::string> state;
  std::string code_challenge;  // S256; empty without PKCE
  bool implicit = false;       // response_type=token
  // Bot flows (scope bot): as asked, given back with the code.
  std::optional<std::string> guild_id;
  std::optional<std::string> permissions;
};

struct PendingConsent {
  AuthorizationRequest request;
  std::int64_t expires_ms = 0;
};

struct AuthorizationCode {
  AuthorizationRequest request;
  std::int64_t expires_ms = 0;
};

// Tokens of one authorization (a redeemed code and every refresh after it)
// share `authorization`, so revoking one revokes them all.
struct AccessToken {
  std::string application_id;
  std::string user_id;
  std::vector<std::string> scopes;
  std::int64_t expires_ms = 0;
  std::uint64_t authorization = 0;
};

struct RefreshToken {
  std::string application_id;
  std::string user_id;
  std::vector<std::string> scopes;
  std::uint64_t authorization = 0;
};

struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;  // empty when none was issued
  std::int64_t expires_in_s = 0;
  std::vector<std::string> scopes;
};

struct World::State {
  explicit State(Config initial);

  mutable std::mutex mutex;
  Clock clock;  // thread-safe on its own
  Config config;
  support::SeededGenerator generator;
  std::map<std::string, PendingConsent> consent_pages;  // by consent form token
  std::map<std::string, AuthorizationCode> codes;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> grants;  // (user id, app id) -> scopes
  std::map<std::string, AccessToken> access_tokens;
  std::map<std::string, RefreshToken> refresh_tokens;
  std::map<std::string, RateBucket> rate_buckets;  // by route and caller
  std::uint64_t next_authorization = 1;
  IssuedValues last;
  std::vector<std::string> issued_secrets;  // every access and refresh token
  int codes_redeemed = 0;

  // Forgets codes, tokens, grants and buckets; the clock keeps running.
  void clear_locked(Config fresh);

  const User* user_locked(const std::string& name_or_id) const;
  const User* signed_in_user_locked() const;
  const Application* application_locked(const std::string& id) const;  // "" = the first

  std::string create_consent_page_locked(const AuthorizationRequest& request);
  std::optional<AuthorizationRequest> take_consent_page_locked(const std::string& token);
  std::string issue_code_locked(const AuthorizationRequest& request);
  // Records the user's approval so that prompt=none can skip the page next time.
  void record_grant_locked(const AuthorizationRequest& request);
  IssuedTokens issue_tokens_locked(const std::string& application_id, const std::string& user_id,
                                   const std::vector<std::string>& scopes, std::uint64_t authorization,
                                   bool with_refresh_token);
  std::uint64_t new_authorization_locked() { return next_authorization++; }
  void revoke_authorization_locked(std::uint64_t authorization);
  // The token when it exists and has not expired.
  const AccessToken* access_token_locked(const std::string& token);

 private:
  void prune_expired_locked();
  int issued_since_prune_ = 0;
};

// How long a consent page's form token stays valid.
constexpr std::int64_t kConsentPageTtlMs = 10 * 60 * 1000;

}  // namespace mock_discord
