// HTTP/1.1 as bytes, for the harness's own client: writing a request and
// reading a response incrementally. Pure (no sockets), so tests and fuzzers
// can feed it anything.
//
// Why not cpp-httplib's client: it percent-decodes Location headers as it
// reads them (a redirect to ...?redirect_uri=https%3A%2F%2Fx%2Fcb%3Fa%3D1%26b
// comes back with the %26 turned into a real '&'), which would make the
// browser visit URLs no server sent; and it reports a reset, an empty answer
// and a truncated body all as one "Read" error. A browser must see the bytes.
#pragma once

#include <cstddef>
#include <string>

#include "harness/http_exchange.hpp"

namespace harness {

// Percent-encodes what Chrome escapes when it parses a URL: bytes below
// 0x21 or above 0x7e, and " < > ` { }. '%' and everything else stay, so the
// result is the same when applied twice.
std::string escape_url_text(const std::string& text);

// The request's bytes: request line, Host (from the URL unless set),
// the headers, Content-Length when there is a body (or the method sends
// one), Connection: close. Empty when a header name or value holds CR or LF
// (`error` says which).
std::string serialize_request(const HttpRequest& request, std::string& error);

class ResponseParser {
 public:
  enum class State { incomplete, complete, failed };

  // A response to HEAD has no body whatever its headers say.
  explicit ResponseParser(bool head_request = false) : head_request_(head_request) {}

  State feed(const char* data, std::size_t size);
  // The peer closed the connection.
  State end_of_stream();

  State state() const { return state_; }
  bool received_anything() const { return received_anything_; }
  HttpResponse& response() { return response_; }
  // Chrome's name for what went wrong (ERR_EMPTY_RESPONSE,
  // ERR_INVALID_HTTP_RESPONSE, ERR_CONTENT_LENGTH_MISMATCH,
  // ERR_INCOMPLETE_CHUNKED_ENCODING, ...) and a sentence.
  const std::string& error_code() const { return error_code_; }
  const std::string& error() const { return error_; }

  static constexpr std::size_t max_head_bytes = 64 * 1024;
  static constexpr std::size_t max_body_bytes = 64 * 1024 * 1024;
  static constexpr std::size_t max_chunk_line_bytes = 4096;
  static constexpr std::size_t max_trailer_bytes = 64 * 1024;

 private:
  enum class Body { none, length, chunked, until_close };

  State advance();
  bool parse_head(std::size_t head_end, std::size_t body_start);
  State advance_chunked();
  State fail(std::string code, std::string message);

  bool head_request_;
  bool received_anything_ = false;
  State state_ = State::incomplete;
  Body body_ = Body::none;
  bool head_done_ = false;
  std::size_t content_length_ = 0;
  std::string buffer_;     // bytes not yet consumed
  HttpResponse response_;
  std::string error_code_;
  std::string error_;
};

}  // namespace harness
