// The mock's state: applications, users, who is signed in, pending consent
// pages, authorization codes, grants and tokens, rate-limit buckets and the
// virtual clock. One mutex guards it; no I/O happens while it is held.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_discord/config.hpp"

namespace mock_discord {

struct IssuedValues;

class World {
 public:
  explicit World(Config config);
  ~World();

  void reset(Config config);
  Config config() const;

  // The virtual clock: real elapsed time plus every advance. Epoch milliseconds.
  std::int64_t now_ms() const;
  void advance_clock(Duration by);

  void revoke_tokens_of(const std::string& user);
  void set_signed_in(const std::string& user);
  // Throws support::InputError for URIs a config could not register either.
  void set_redirect_uris(const std::string& application_id, const std::vector<std::string>& uris);
  std::string issue_code(const std::string& user, const std::string& application_id,
                         const std::string& redirect_uri, const std::vector<std::string>& scopes,
                         const std::string& state);

  int codes_redeemed() const;
  int active_tokens() const;
  IssuedValues last_issued() const;
  std::vector<std::string> secrets() const;
  // Codes, tokens and grants with secrets redacted, for GET /_mock/state.
  nlohmann::json state_json() const;

  // The implementation (state.cpp) is shared with the endpoint handlers.
  struct State;
  State& state();

 private:
  std::unique_ptr<State> state_;
};

}  // namespace mock_discord
