// One HTTP request and its answer as plain values, shared by the browser, the
// tunnel simulator and the runner; and the one place that puts a request on
// the wire (a raw socket to 127.0.0.1:PORT; harness/http_wire.hpp says why
// not cpp-httplib's client). Transport failures come back as values, never
// exceptions, because a reset or a hang is a result a scenario checks, not
// a crash.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/url.hpp"

namespace harness {

class TlsTrust;

// Ordered header list; names compare case-insensitively, as HTTP says.
class HttpHeaders {
 public:
  using Entry = std::pair<std::string, std::string>;

  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<Entry> entries) : entries_(entries) {}

  void add(const std::string& name, const std::string& value) { entries_.emplace_back(name, value); }
  // Replaces every header of that name with one.
  void set(const std::string& name, const std::string& value);
  void remove(const std::string& name);
  bool has(const std::string& name) const;
  // The first value, if any.
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> get_all(const std::string& name) const;

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

bool header_name_equals(const std::string& a, const std::string& b);

struct HttpRequest {
  std::string method = "GET";
  support::Url url;
  HttpHeaders headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// Why no answer came. `code` is the name Chrome shows for the same failure
// (ERR_CONNECTION_REFUSED, ...), so reports read like a browser's.
struct TransportError {
  enum class Kind {
    connection_refused,  // nothing listens on the port
    connection_closed,   // reset, empty, truncated or garbled answer (the code says which)
    timed_out,           // no complete answer within the read timeout
    name_not_resolved,   // the host is in no host table
    tls_error,           // https to a plain-HTTP port, or a certificate that does not verify
    other,
  };
  Kind kind = Kind::other;
  // ERR_CONNECTION_REFUSED, ERR_CONNECTION_RESET, ERR_EMPTY_RESPONSE,
  // ERR_CONTENT_LENGTH_MISMATCH, ERR_INCOMPLETE_CHUNKED_ENCODING,
  // ERR_INVALID_HTTP_RESPONSE, ERR_TIMED_OUT, ERR_CONNECTION_TIMED_OUT,
  // ERR_NAME_NOT_RESOLVED, ERR_SSL_PROTOCOL_ERROR, ERR_CERT_AUTHORITY_INVALID,
  // ERR_CERT_COMMON_NAME_INVALID, ERR_CERT_DATE_INVALID, ERR_INVALID_ARGUMENT
  std::string code;
  std::string message;  // one readable sentence
};

// An answer or the reason there is none.
struct HttpResult {
  std::optional<HttpResponse> response;
  TransportError error;  // meaningful when !response

  bool ok() const { return response.has_value(); }
  static HttpResult answer(HttpResponse response) { return {std::move(response), {}}; }
  static HttpResult failure(TransportError::Kind kind, std::string code, std::string message) {
    return {std::nullopt, {kind, std::move(code), std::move(message)}};
  }
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // Generous by default: a browser waits for an app that waits for Discord.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{5000};
  // The scenario's time limit: no wait goes past it, whatever the timeouts.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Set: the exchange is https (tls_client.hpp), verified against this CA
  // and the URL's host; the handshake has the connect timeout.
  std::shared_ptr<const TlsTrust> tls;
};

// Sends `request` to 127.0.0.1:port over HTTP/1.1 (https when options.tls),
// whatever host the URL names. The Host header is the URL's authority unless the request sets
// one; the target is sent as written (unsafe characters escaped, see
// escape_url_text); headers come back exactly as sent, in order. No
// redirects are followed; no keep-alive (every exchange is its own
// connection, so a fault never poisons the next one); no compression asked
// for. The read timeout is per read: a server that trickles is not cut off.
HttpResult send_to_local_port(const HttpRequest& request, int port, const TransportOptions& options = {});

// host[:port] as a Host header writes it (the port only when not the default).
std::string host_header_value(const support::Url& url);

}  // namespace harness
