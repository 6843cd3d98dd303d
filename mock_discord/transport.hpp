// The mock's HTTP transport: it owns the listening socket and every client
// connection, frames requests (http_request.cpp), hands each one to a
// handler on the loop thread and writes the handler's bytes back. Why the
// mock owns its transport rather than using cpp-httplib's server: see
// docs/architecture.md.
//
// - Readiness-based: `loops` threads, each an epoll loop over its share of
//   the connections; an idle or slow connection costs a few hundred bytes,
//   never a thread.
// - HTTP/1.1 connections persist unless the request says Connection: close;
//   HTTP/1.0 ones only with Connection: keep-alive. Pipelined requests are
//   handled one after the other, in order: the next is not looked at until
//   the previous one has been answered (or its delay has run out).
// - Bounds: at most `max_connections` open (more are answered 503 and
//   closed); a request must arrive whole within `request_timeout` of its
//   first byte (408, then close: slowloris); a connection silent between
//   requests for `idle_timeout` is closed quietly; an answer the client does
//   not read for `send_timeout` ends the connection.
// - stop() wakes every loop; open connections are closed with a FIN, delayed
//   answers are cancelled (their handler is told), hangs end.
// - https (TransportOptions::tls): OpenSSL on memory buffers, driven by the
//   same loops; the handshake must finish within `request_timeout`; faults
//   act on the encrypted connection as on a plain one (a reset is a TCP
//   RST, a close sends TLS close_notify then FIN). Plain http sent to an
//   https port is answered 400 in plain text, then closed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mock_discord/http_request.hpp"

namespace mock_discord {

using TransportDuration = std::chrono::milliseconds;

// The server's side of https: its certificate (then any intermediates) and
// private key, PEM.
struct TransportTls {
  std::string cert_pem;
  std::string key_pem;
};

struct TransportOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  int loops = 2;
  int max_connections = 4096;  // lowered to what RLIMIT_NOFILE allows
  TransportDuration idle_timeout = std::chrono::seconds(60);
  TransportDuration request_timeout = std::chrono::seconds(30);
  TransportDuration send_timeout = std::chrono::seconds(30);
  TransportDuration hang_limit = std::chrono::seconds(30);  // Reply::After::hang
  std::optional<TransportTls> tls;  // set: https only
};

// One request as the transport saw it. `parsed` is complete, or an error
// (error_status 408 when the request did not arrive in time).
struct Exchange {
  const ParseResult& parsed;
  bool loopback = false;    // the peer is 127.0.0.0/8 or ::1
  std::string peer;         // the peer's address, as text
  bool keep_alive = false;  // the client lets the connection persist after this answer
};

struct Reply {
  // keep_alive: read the next request (when Exchange::keep_alive; otherwise close).
  // close: after the bytes, FIN. reset: no bytes, RST. hang: no bytes; the
  // connection stays open, unanswered, until the client closes it, hang_limit
  // passes (then FIN) or the transport stops.
  enum class After { keep_alive, close, reset, hang };
  std::string bytes;
  After after = After::keep_alive;
};

// What to do with a request: a reply now, or (delay > 0) `later` called on
// the loop thread once the delay has passed, with cancelled = true when the
// transport stops or the client goes away first (its reply is then dropped).
struct Verdict {
  Reply reply;
  TransportDuration delay{0};
  std::function<Reply(bool cancelled)> later;
};

using RequestHandler = std::function<Verdict(const Exchange&)>;

class Transport {
 public:
  Transport(TransportOptions options, RequestHandler handler);
  ~Transport();  // stops
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds, listens and starts the loops; returns the port. Throws
  // support::SystemError, or support::InputError for a certificate or key
  // OpenSSL refuses.
  int start();
  // Idempotent; returns once every loop has closed its connections.
  void stop();
  int port() const;
  int open_connections() const;
  int max_connections() const;  // after the RLIMIT_NOFILE cap

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_discord
