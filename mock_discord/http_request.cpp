// The front door's request parser (decisions in http_request.hpp).
#include "mock_discord/http_request.hpp"
#include "support/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace mock_discord {
namespace {

using State = ParseResult::State;

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

using support::text::iequals;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

ParseResult failure(int status, std::string error) {
  ParseResult result;
  result.state = State::error;
  result.error_status = status;
  result.error = std::move(error);
  return result;
}

// Splits off one line ending in LF (an optional CR before it is dropped);
// nullopt when the line is not complete yet.
std::optional<std::string_view> next_line(std::string_view bytes, std::size_t& position) {
  std::size_t end = bytes.find('\n', position);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = bytes.substr(position, end - position);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  position = end + 1;
  return line;
}

bool has_bare_cr(std::string_view line) { return line.find('\r') != std::string_view::npos; }

// Garbage shows in the method before the line is complete: no waiting for it.
std::optional<ParseResult> check_partial_method(std::string_view line) {
  for (char c : line) {
    if (c == ' ') return std::nullopt;
    if (!is_tchar(c)) return failure(400, "the request line does not start with a method");
  }
  if (line.size() > 32) return failure(400, "the method is too long");
  return std::nullopt;
}

std::optional<ParseResult> parse_request_line(std::string_view line, HttpRequest& request) {
  if (has_bare_cr(line)) return failure(400, "a bare CR in the request line");
  std::size_t first = line.find(' ');
  std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos)
    return failure(400, "the request line is not METHOD TARGET VERSION");
  request.method = std::string(line.substr(0, first));
  request.target = std::string(line.substr(first + 1, second - first - 1));
  request.version = std::string(line.substr(second + 1));
  if (request.method.empty() || request.method.size() > 32 ||
      !std::all_of(request.method.begin(), request.method.end(), is_tchar))
    return failure(400, "invalid method");
  if (request.target.empty() ||
      !std::all_of(request.target.begin(), request.target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
    return failure(400, "invalid request target");
  if (request.target[0] != '/' && !(request.target == "*" && request.method == "OPTIONS"))
    return failure(400, "the request target is not a path");
  if (request.version == "HTTP/1.1" || request.version == "HTTP/1.0") return std::nullopt;
  // Well formed but unsupported is bad input too: 400, not 505, since no
  // answer to bad input may be a 5xx that no failure rule scripted.
  if (request.version.size() == 8 && request.version.compare(0, 5, "HTTP/") == 0 &&
      std::isdigit(static_cast<unsigned char>(request.version[5])) && request.version[6] == '.' &&
      std::isdigit(static_cast<unsigned char>(request.version[7])))
    return failure(400, "HTTP version " + request.version.substr(5) + " is not supported");
  return failure(400, "invalid HTTP version");
}

std::optional<ParseResult> parse_header_line(std::string_view line, HttpRequest& request) {
  if (has_bare_cr(line)) return failure(400, "a bare CR in a header");
  if (line.front() == ' ' || line.front() == '\t') return failure(400, "obsolete header line folding");
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return failure(400, "a header line without a name");
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_tchar)) return failure(400, "invalid header name");
  std::string_view value = trim(line.substr(colon + 1));
  for (char c : value)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
      return failure(400, "a control character in header " + std::string(name));
  request.headers.emplace_back(std::string(name), std::string(value));
  return std::nullopt;
}

enum class Framing { none, length, chunked };

// How the body is delimited, from the headers; an error for ambiguous framing.
std::optional<ParseResult> body_framing(const HttpRequest& request, const RequestLimits& limits, Framing& framing,
                                        std::size_t& length) {
  framing = Framing::none;
  length = 0;
  bool has_length = false;
  int hosts = 0;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "host")) ++hosts;
    if (iequals(name, "content-length")) {
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return failure(400, "invalid Content-Length");
      if (value.size() > 15) return failure(413, "the body is larger than 1 MiB");
      std::size_t parsed = std::stoull(value);
      if (has_length && parsed != length) return failure(400, "conflicting Content-Length headers");
      has_length = true;
      length = parsed;
    }
    if (iequals(name, "transfer-encoding")) {
      if (!iequals(value, "chunked") || framing == Framing::chunked)
        return failure(400, "unsupported Transfer-Encoding '" + value + "'");
      if (request.version == "HTTP/1.0") return failure(400, "Transfer-Encoding in an HTTP/1.0 request");
      framing = Framing::chunked;
    }
  }
  if (request.version == "HTTP/1.1" && hosts != 1) return failure(400, "HTTP/1.1 needs exactly one Host header");
  if (framing == Framing::chunked && has_length) return failure(400, "both Content-Length and Transfer-Encoding");
  if (has_length) {
    if (length > limits.max_body_bytes) return failure(413, "the body is larger than 1 MiB");
    framing = Framing::length;
  }
  return std::nullopt;
}

// Decodes a chunked body from `position`; incomplete until the last chunk
// and the trailers have arrived.
ParseResult decode_chunked(std::string_view bytes, std::size_t position, const RequestLimits& limits,
                           ParseResult result) {
  std::string& body = result.request.body;
  while (true) {
    auto size_line = next_line(bytes, position);
    if (!size_line) {
      if (bytes.size() - position > 1024) return failure(400, "invalid chunk size");
      return result;
    }
    std::string_view digits = size_line->substr(0, size_line->find(';'));
    digits = trim(digits);
    if (digits.empty() || digits.size() > 8 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
      return failure(400, "invalid chunk size");
    std::size_t size = std::stoul(std::string(digits), nullptr, 16);
    if (body.size() + size > limits.max_body_bytes) return failure(413, "the body is larger than 1 MiB");
    if (size == 0) {
      while (true) {  // trailers, up to the blank line
        auto trailer = next_line(bytes, position);
        if (!trailer) {
          if (bytes.size() - position > limits.max_head_bytes) return failure(431, "the trailers are too large");
          return result;
        }
        if (trailer->empty()) break;
      }
      result.state = State::complete;
      result.consumed = position;
      return result;
    }
    if (bytes.size() - position < size + 1) return result;
    body.append(bytes.substr(position, size));
    position += size;
    if (bytes[position] == '\r') {
      if (bytes.size() - position < 2) return result;
      ++position;
    }
    if (bytes[position] != '\n') return failure(400, "a chunk is longer than its size");
    ++position;
  }
}

}  // namespace

std::string HttpRequest::path() const { return target.substr(0, target.find('?')); }

std::string HttpRequest::query() const {
  std::size_t mark = target.find('?');
  return mark == std::string::npos ? "" : target.substr(mark + 1);
}

std::optional<std::string> HttpRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

bool HttpRequest::expects_continue() const {
  auto expect = header("Expect");
  return expect && iequals(*expect, "100-continue");
}

ParseResult parse_request(std::string_view bytes, const RequestLimits& limits) {
  ParseResult result;
  std::size_t position = 0;
  // RFC 9112 2.2: ignore empty lines before the request line.
  while (position < bytes.size() && (bytes[position] == '\r' || bytes[position] == '\n')) ++position;
  const std::size_t head_begin = position;

  auto request_line = next_line(bytes, position);
  if (!request_line) {
    std::string_view partial = bytes.substr(head_begin);
    if (auto error = check_partial_method(partial)) return *error;
    if (partial.size() > limits.max_head_bytes) return failure(414, "the request line is too long");
    return result;
  }
  if (auto error = parse_request_line(*request_line, result.request)) return *error;
  // Later errors keep the request line, so the journal can name the path.
  auto located = [&](ParseResult error) {
    error.request.method = result.request.method;
    error.request.target = result.request.target;
    error.request.version = result.request.version;
    return error;
  };

  while (true) {
    auto line = next_line(bytes, position);
    if (!line) {
      if (bytes.size() - head_begin > limits.max_head_bytes)
        return located(failure(431, "the request head is too large"));
      return result;
    }
    if (position - head_begin > limits.max_head_bytes) return located(failure(431, "the request head is too large"));
    if (line->empty()) break;
    if (auto error = parse_header_line(*line, result.request)) return located(*error);
    if (result.request.headers.size() > limits.max_headers) return located(failure(431, "too many header fields"));
  }

  Framing framing;
  std::size_t length;
  if (auto error = body_framing(result.request, limits, framing, length)) return located(*error);
  result.head_complete = true;
  if (framing == Framing::chunked) {
    ParseResult decoded = decode_chunked(bytes, position, limits, result);
    return decoded.state == State::error ? located(decoded) : decoded;
  }
  if (bytes.size() - position < length) return result;
  result.request.body = std::string(bytes.substr(position, length));
  result.state = State::complete;
  result.consumed = position + length;
  return result;
}

}  // namespace mock_discord
