// mock_discord::Server: the embeddable fake Discord. Construct it from a
// Config, start it on a port (0 picks a free one), drive it from tests
// (virtual clock, failure rules, world changes) and inspect it (journal,
// counts, issued values). The standalone program (main.cpp) is a thin shell
// around this class.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mock_discord/config.hpp"
#include "mock_discord/journal.hpp"
#include "support/tls_identity.hpp"

namespace mock_discord {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;             // 0: any free port
  std::string admin_token;  // empty: the admin API answers loopback callers only
  int threads = 2;          // event loops serving the connections
  int max_connections = 4096;  // open at once; more are refused with 503 (capped by RLIMIT_NOFILE)
  // Set: https only, with this certificate (support::make_tls_identity makes
  // one for the mock's names); clients trust its ca_pem.
  std::optional<support::TlsIdentity> tls;
};

// The last values the mock handed out, for ${last.*} placeholders.
struct IssuedValues {
  std::string code;
  std::string state;
  std::string access_token;
  std::string refresh_token;
};

class World;
class FailureEngine;
class FrontDoor;

class Server {
 public:
  explicit Server(Config config, ServerOptions options = {});
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves; returns the port. Throws support::SystemError.
  int start();
  // Idempotent; waits for in-flight requests (a hanging fault is cut short).
  void stop();
  int port() const;
  std::string url() const;  // http://127.0.0.1:PORT, https:// with tls
  bool tls() const;
  // The CA that signed the mock's certificate, PEM ("" without tls).
  std::string ca_pem() const;

  // --- driving ---
  void advance_clock(Duration by);
  void add_failure(const FailureRule& rule);
  void revoke_tokens_of(const std::string& user);  // username or id
  void set_signed_in(const std::string& user);     // username or id; "" signs out
  // Replaces the redirect URIs of an application ("" = the first one). Throws
  // support::InputError for an unknown application or URIs a config could not
  // register (more than 10, not scheme:..., a #fragment).
  void set_redirect_uris(const std::string& application_id, const std::vector<std::string>& uris);
  // A fresh world: no codes, tokens, grants, rules or journal entries. With a
  // config, that config from now on; without, the last one given (to the
  // constructor or to reset).
  void reset(Config config);
  void reset();
  // A valid authorization code, as if `user` had approved `scopes` for the
  // application at `redirect_uri` (forge_callback's attacker code).
  std::string issue_code(const std::string& user, const std::string& application_id,
                         const std::string& redirect_uri, const std::vector<std::string>& scopes,
                         const std::string& state = "");

  // --- inspecting ---
  std::vector<JournalEntry> journal() const;
  std::map<std::string, int> request_counts() const;  // endpoint name -> requests
  int codes_redeemed() const;
  int active_tokens() const;
  IssuedValues last_issued() const;
  // Every access and refresh token ever issued and every client secret:
  // what must never leak into URLs or pages.
  std::vector<std::string> secrets() const;
  Config config() const;

  World& world();
  Journal& journal_store();
  FailureEngine& failures();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_discord
