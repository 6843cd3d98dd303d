// One HTTP exchange with Discord, made safe: connect and read timeouts on
// every call, TCP_NODELAY, HTTPS verified against the system CA store, and
// bounded retries that never resend what Discord may already have acted on.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace client {

using Milliseconds = std::chrono::milliseconds;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct TransportOptions {
  Milliseconds connect_timeout{5000};
  Milliseconds read_timeout{10000};  // also the write timeout
  int max_attempts = 3;              // per call, the first one included
  Milliseconds backoff_initial{250};  // doubles after each failed attempt...
  Milliseconds backoff_max{2000};     // ...up to this
  // A 429 whose Retry-After is longer than this is not waited out: the caller
  // gets RateLimited at once (a person is waiting behind every call).
  Milliseconds max_retry_after{5000};
  std::string ca_cert_path = "/etc/ssl/certs/ca-certificates.crt";
  std::string user_agent = "discord-oauth-mock-client/1.0";
  // How waits happen; tests replace it to record waits instead of sleeping.
  std::function<void(Milliseconds)> sleep;
};

// What may be sent again after a failed attempt. A timeout is never retried:
// a call takes at most about one connect plus one read timeout.
enum class RetryPolicy {
  // Sent exactly once (an authorization code exchange: the code is single use).
  never,
  // Again only when Discord certainly did not act on it: a 429 within the
  // bound, or a connection that was never established (a refresh: each
  // refresh token works once).
  unprocessed,
  // Also after 5xx answers and resets (GETs, revoke per RFC 7009).
  idempotent,
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL
  std::string body;
  std::string content_type;
  std::string bearer_token;  // sent as Authorization: Bearer when not empty
  RetryPolicy retry = RetryPolicy::idempotent;
  std::string what;  // names the call in error messages: "the token exchange"
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;
  // Case-insensitive; "" when absent.
  std::string header(const std::string& name) const;
};

// What a 429 says: how long to wait, which limit, whether it is global.
struct RateLimitInfo {
  double retry_after = 1.0;  // seconds
  std::string scope;
  bool global = false;
};
// Reads the body's retry_after/global first (more precise), then the
// Retry-After, X-RateLimit-Reset-After, -Scope and -Global headers.
RateLimitInfo parse_rate_limit(const HttpResponse& response);

class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options = {});

  // The final answer (any status but 429). Throws RateLimited for a 429 that
  // is not retried, Timeout or TransportError when no answer came back.
  HttpResponse send(const HttpRequest& request) const;

  const TransportOptions& options() const { return options_; }

 private:
  void wait(Milliseconds duration) const;
  Milliseconds backoff(int failed_attempts) const;

  TransportOptions options_;
};

}  // namespace client
