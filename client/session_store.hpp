// Server-side sessions of the reference app: a random id in a cookie, and
// behind it the sign-ins this browser started (state, PKCE verifier) and the
// tokens it obtained. Tokens never leave the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/discord_types.hpp"

namespace client {

// A sign-in this browser started at /login and has not finished.
struct PendingLogin {
  std::string state;
  std::optional<std::string> code_verifier;
  std::chrono::steady_clock::time_point started;
};

struct Session {
  // Held while a request uses or refreshes the tokens, so two tabs never
  // spend the same single-use refresh token.
  std::mutex mutex;
  std::vector<PendingLogin> pending;  // newest last
  std::optional<TokenSet> tokens;

  // Keeps a few sign-ins (several tabs) and drops the oldest beyond that.
  void add_pending(PendingLogin login);
  // Removes and returns the pending sign-in whose state equals `state`
  // (compared in constant time); nullopt when none matches or it is stale.
  std::optional<PendingLogin> take_pending(const std::string& state);

  static constexpr std::size_t max_pending = 5;
  static constexpr std::chrono::minutes pending_lifetime{10};
};

class SessionStore {
 public:
  // Anonymous sessions (a /login that has not come back yet) are bounded on
  // their own, at three quarters of `max_sessions`, and evicted first:
  // anybody can make them, so a flood of them must never sign a user out.
  explicit SessionStore(std::size_t max_sessions = 10000,
                        std::chrono::seconds idle_timeout = std::chrono::hours(24));

  // nullptr when the id is unknown or the session was idle too long.
  std::shared_ptr<Session> find(const std::string& id);
  // A new, empty session and its id.
  std::pair<std::string, std::shared_ptr<Session>> create();
  // Moves the session to a fresh id (after sign-in, against session fixation)
  // and counts it as signed in; returns the new id, or "" when `old_id` is unknown.
  std::string rotate(const std::string& old_id);
  void erase(const std::string& id);
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<Session> session;
    std::chrono::steady_clock::time_point last_seen;
    bool signed_in = false;  // rotated after a sign-in
  };
  void evict_locked(std::chrono::steady_clock::time_point now);

  mutable std::mutex mutex_;
  std::size_t max_sessions_;
  std::size_t max_anonymous_;
  std::size_t anonymous_ = 0;
  std::chrono::seconds idle_timeout_;
  std::map<std::string, Entry> sessions_;
};

// The value of cookie `name` in a Cookie request header.
std::optional<std::string> cookie_value(const std::string& cookie_header, const std::string& name);
// Equal strings, compared in time that does not depend on where they differ.
bool constant_time_equals(const std::string& a, const std::string& b);

}  // namespace client
