// A pure HTTP/1.x request parser for the front door: bytes in, a request or
// an error status out, no I/O, so tests and fuzzers can call it directly.
//
// Decisions (Discord's edge answers the same ways):
// - CRLF and bare LF both end lines; blank lines before the request line are skipped.
// - Request line: METHOD SP target SP HTTP/1.0|HTTP/1.1. Any other version,
//   and anything else malformed, is 400 (bad input never gets a 5xx),
//   reported as soon as the first bytes show it (a TLS handshake or binary
//   junk does not wait for a timeout).
// - HTTP/1.1 needs exactly one Host header. Obsolete line folding is 400.
// - Bodies: Content-Length (digits only; repeats must agree) or
//   Transfer-Encoding: chunked (decoded here; extensions and trailers are
//   ignored). Both at once, or another transfer coding, is 400. Neither: no body.
// - Limits: the head at most 64 KiB (431; a request line that long is 414),
//   100 header fields (431), the body at most 1 MiB (413, known from
//   Content-Length before the body is read).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mock_discord {

struct HttpRequest {
  std::string method;
  std::string target;   // as sent: /path?query
  std::string version;  // HTTP/1.0 or HTTP/1.1
  std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
  std::string body;     // decoded when chunked

  std::string path() const;   // the target up to '?'
  std::string query() const;  // after '?', without it
  // The first header of that name, case-insensitive.
  std::optional<std::string> header(const std::string& name) const;
  bool expects_continue() const;  // Expect: 100-continue
};

struct RequestLimits {
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t max_headers = 100;
  std::size_t max_body_bytes = 1024 * 1024;
};

struct ParseResult {
  enum class State { incomplete, complete, error };
  State state = State::incomplete;
  // complete: the whole request; incomplete with head_complete: the head;
  // error: the request line when it was read, so the journal can name the path.
  HttpRequest request;
  bool head_complete = false;
  std::size_t consumed = 0;  // complete: the bytes this request used
  int error_status = 0;      // error: 400, 413, 414 or 431
  std::string error;         // error: what is wrong, in words
};

// Parses the bytes received so far on a connection.
ParseResult parse_request(std::string_view bytes, const RequestLimits& limits = {});

}  // namespace mock_discord
