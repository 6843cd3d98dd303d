// The front door: the mock's public socket. It owns every client connection
// so that failure rules can do what a cpp-httplib handler cannot (reset,
// close, hang, cut an answer short), answers scripted errors itself, guards
// the admin API, journals every request and forwards the rest to the
// internal cpp-httplib server on 127.0.0.1.
//
// One request per connection: every answer carries Connection: close, and
// requests go upstream with Connection: close too. Simple, and on loopback
// a connection costs less than keeping one correct across faults.
//
// Faults, exactly (after the whole request has been read):
//   reset          no answer; the socket is closed with SO_LINGER 0, so the
//                  client gets a TCP RST (ECONNRESET).
//   close          no answer; the socket is closed normally (FIN): the client
//                  reads end-of-file where the status line should be.
//   empty          200 OK, Content-Type: application/json, Content-Length: 0.
//   malformed_json 200 OK, Content-Type: application/json, a body that stops
//                  in the middle of a JSON object.
//   truncated      the request IS processed (a code is redeemed, a token is
//                  issued); the real status line and headers arrive, then
//                  half the body, then FIN: fewer bytes than Content-Length.
//   hang           no answer; the connection stays open until the client
//                  closes it, 30 s pass (then FIN), or the server stops.
// `delay:` waits before any of these (or before forwarding); stop() cuts it
// short and the connection is closed unanswered. The journal records status
// 0 for every fault.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mock_discord/config.hpp"

namespace mock_discord {

class FailureEngine;
class Journal;

struct FrontDoorOptions {
  std::string host = "127.0.0.1";
  int port = 0;              // 0: any free port
  int upstream_port = 0;     // the internal server, on 127.0.0.1
  std::string admin_token;   // empty: /_mock/ answers loopback peers only
  int workers = 32;          // connections served at once; more wait in the backlog
  Duration idle_timeout = std::chrono::seconds(10);      // silence while a request is read
  Duration request_timeout = std::chrono::seconds(30);   // the whole request
  Duration hang_limit = std::chrono::seconds(30);        // fault: hang
  Duration upstream_timeout = std::chrono::seconds(60);  // the internal server's answer
  // X-RateLimit-Limit of a rate_limit rule's 429: the Server gives the
  // route's limit from the config; unset, the nominal 50.
  std::function<int(Endpoint)> route_limit;
};

class FrontDoor {
 public:
  // `clock` gives the virtual time (epoch ms) for the journal and 429 headers.
  FrontDoor(FrontDoorOptions options, FailureEngine& failures, Journal& journal,
            std::function<std::int64_t()> clock);
  ~FrontDoor();  // stops
  FrontDoor(const FrontDoor&) = delete;
  FrontDoor& operator=(const FrontDoor&) = delete;

  // Binds, listens and starts serving; returns the port. Throws support::SystemError.
  int start();
  // Idempotent. Waits for the connections in progress; hangs and delays end at once.
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_discord
