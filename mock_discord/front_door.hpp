// The front door: what happens to each request the transport hands over,
// once, in one place. It decodes the path (the one form every check and the
// routing use), guards the admin API, refuses compressed bodies, journals the
// request on arrival, consults the failure rules, dispatches in-process to
// the Discord routes or the admin API and serialises the answer.
//
// Faults, exactly (after the whole request has been read; they work on any
// request of a kept-alive connection):
//   reset          no answer; the socket is closed with SO_LINGER 0, so the
//                  client gets a TCP RST (ECONNRESET).
//   close          no answer; the socket is closed normally (FIN): the client
//                  reads end-of-file where the status line should be.
//   empty          200 OK, Content-Type: application/json, Content-Length: 0.
//   malformed_json 200 OK, Content-Type: application/json, a body that stops
//                  in the middle of a JSON object.
//   (empty and malformed_json are well-framed: the connection stays usable.)
//   truncated      the request IS processed (a code is redeemed, a token is
//                  issued); the real status line and headers arrive, then
//                  half the body, then FIN: fewer bytes than Content-Length.
//   hang           no answer; the connection stays open until the client
//                  closes it, hang_limit passes (then FIN), or the server stops.
// `delay:` waits before any of these (or before the routes run), without
// holding a thread; stop() cuts it short and the connection is closed
// unanswered. The journal records status 0 for every fault.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mock_discord/config.hpp"
#include "mock_discord/transport.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace mock_discord {

class FailureEngine;
class Journal;

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

struct FrontDoorOptions {
  TransportOptions transport;
  std::string admin_token;  // empty: /_mock/ answers loopback peers only
  // X-RateLimit-Limit of a rate_limit rule's 429: the Server gives the
  // route's limit from the config; unset, the nominal 50.
  std::function<int(Endpoint)> route_limit;
  RouteHandler discord;  // everything outside /_mock/
  RouteHandler admin;    // /_mock/...
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
  // Idempotent. Open connections are closed; hangs and delays end at once.
  void stop();
  int port() const;
  const Transport& transport() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mock_discord
