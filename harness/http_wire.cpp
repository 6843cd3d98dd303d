// Request bytes and the incremental response parser (RFC 9112, read as
// leniently as a browser reads it: bare LF line ends are accepted).
#include "harness/http_wire.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "support/text.hpp"

namespace harness {

namespace {

using support::text::trim;

bool has_line_break(const std::string& text) { return text.find_first_of("\r\n") != std::string::npos; }

bool all_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The end of the head (the empty line) in `buffer`: where the head's text
// ends and where the body starts; npos when it has not arrived yet.
std::pair<std::size_t, std::size_t> find_head_end(const std::string& buffer) {
  for (std::size_t newline = buffer.find('\n'); newline != std::string::npos;
       newline = buffer.find('\n', newline + 1)) {
    if (newline + 1 < buffer.size() && buffer[newline + 1] == '\n') return {newline, newline + 2};
    if (newline + 2 < buffer.size() && buffer[newline + 1] == '\r' && buffer[newline + 2] == '\n')
      return {newline, newline + 3};
  }
  return {std::string::npos, std::string::npos};
}

// The line starting at `pos` without its CR LF or LF; npos end when the
// line is not complete.
std::size_t line_end(const std::string& buffer, std::size_t pos, std::string& line) {
  std::size_t newline = buffer.find('\n', pos);
  if (newline == std::string::npos) return std::string::npos;
  line = buffer.substr(pos, newline - pos);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return newline + 1;
}

}  // namespace

std::string escape_url_text(const std::string& text) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unsafe = c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}';
    if (unsafe) {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string serialize_request(const HttpRequest& request, std::string& error) {
  for (const auto& [name, value] : request.headers.entries()) {
    if (name.empty() || has_line_break(name) || has_line_break(value) || name.find(':') != std::string::npos) {
      error = "the header '" + name + "' cannot be sent: its name or value holds a line break or colon";
      return "";
    }
  }
  if (request.method.empty() || request.method.find_first_of(" \r\n") != std::string::npos) {
    error = "'" + request.method + "' is not an HTTP method";
    return "";
  }
  std::string bytes = request.method + " " + escape_url_text(request.url.target()) + " HTTP/1.1\r\n";
  if (!request.headers.has("Host")) bytes += "Host: " + host_header_value(request.url) + "\r\n";
  for (const auto& [name, value] : request.headers.entries()) bytes += name + ": " + value + "\r\n";
  bool method_sends_body = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if ((!request.body.empty() || method_sends_body) && !request.headers.has("Content-Length") &&
      !request.headers.has("Transfer-Encoding"))
    bytes += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  if (!request.headers.has("Connection")) bytes += "Connection: close\r\n";
  bytes += "\r\n";
  bytes += request.body;
  return bytes;
}

ResponseParser::State ResponseParser::fail(std::string code, std::string message) {
  error_code_ = std::move(code);
  error_ = std::move(message);
  return state_ = State::failed;
}

ResponseParser::State ResponseParser::feed(const char* data, std::size_t size) {
  if (state_ != State::incomplete) return state_;
  if (size > 0) received_anything_ = true;
  buffer_.append(data, size);
  return advance();
}

ResponseParser::State ResponseParser::end_of_stream() {
  if (state_ != State::incomplete) return state_;
  if (!received_anything_) return fail("ERR_EMPTY_RESPONSE", "the server closed the connection without sending anything");
  if (!head_done_) return fail("ERR_INVALID_HTTP_RESPONSE", "the server closed the connection in the middle of the headers");
  switch (body_) {
    case Body::length:
      return fail("ERR_CONTENT_LENGTH_MISMATCH", "the server closed the connection after " +
                                                     std::to_string(buffer_.size()) + " of " +
                                                     std::to_string(content_length_) + " body bytes");
    case Body::chunked:
      return fail("ERR_INCOMPLETE_CHUNKED_ENCODING", "the server closed the connection in the middle of a chunked body");
    default:
      return state_ = State::complete;
  }
}

bool ResponseParser::parse_head(std::size_t head_end, std::size_t body_start) {
  std::string head = buffer_.substr(0, head_end);
  buffer_.erase(0, body_start);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= head.size();) {
    std::size_t newline = std::min(head.find('\n', start), head.size());
    std::string line = head.substr(start, newline - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() || !lines.empty()) lines.push_back(line);  // blank lines before the status line are noise
    start = newline + 1;
  }
  response_ = HttpResponse{};
  const std::string status_line = lines.empty() ? "" : lines[0];
  // HTTP/1.1 200 OK
  if (status_line.rfind("HTTP/", 0) != 0 || status_line.size() < 12 || status_line[8] != ' ' ||
      !all_digits(status_line.substr(9, 3)) || (status_line.size() > 12 && status_line[12] != ' ')) {
    fail("ERR_INVALID_HTTP_RESPONSE", "not an HTTP status line: '" + status_line.substr(0, 80) + "'");
    return false;
  }
  response_.status = std::stoi(status_line.substr(9, 3));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::size_t colon = line.find(':');
    std::string name = colon == std::string::npos ? "" : line.substr(0, colon);
    if (name.empty() || name.find_first_of(" \t") != std::string::npos) {
      fail("ERR_INVALID_HTTP_RESPONSE", "a malformed header line: '" + line.substr(0, 80) + "'");
      return false;
    }
    response_.headers.add(name, trim(line.substr(colon + 1)));
  }
  return true;
}

ResponseParser::State ResponseParser::advance() {
  while (!head_done_) {
    auto [head_end, body_start] = find_head_end(buffer_);
    if (head_end == std::string::npos) {
      if (buffer_.size() > max_head_bytes) return fail("ERR_RESPONSE_HEADERS_TOO_BIG", "the response headers exceed 64 KiB");
      return state_;
    }
    if (!parse_head(head_end, body_start)) return state_;
    int status = response_.status;
    if (status >= 100 && status < 200 && status != 101) continue;  // an interim answer: the real one follows
    head_done_ = true;
    std::vector<std::string> lengths = response_.headers.get_all("Content-Length");
    std::string coding = response_.headers.get("Transfer-Encoding").value_or("");
    std::transform(coding.begin(), coding.end(), coding.begin(), [](unsigned char c) { return std::tolower(c); });
    if (head_request_ || status < 200 || status == 204 || status == 304) {
      body_ = Body::none;
    } else if (!coding.empty()) {
      body_ = coding.size() >= 7 && coding.compare(coding.size() - 7, 7, "chunked") == 0 ? Body::chunked
                                                                                        : Body::until_close;
    } else if (!lengths.empty()) {
      for (const std::string& length : lengths)
        if (trim(length) != trim(lengths[0]) || !all_digits(trim(length)) || trim(length).size() > 15)
          return fail("ERR_INVALID_HTTP_RESPONSE", "an invalid or contradictory Content-Length");
      content_length_ = std::stoull(trim(lengths[0]));
      if (content_length_ > max_body_bytes) return fail("ERR_RESPONSE_TOO_LARGE", "the body exceeds 64 MiB");
      body_ = Body::length;
    } else {
      body_ = Body::until_close;
    }
  }
  switch (body_) {
    case Body::none:
      return state_ = State::complete;
    case Body::length:
      if (buffer_.size() < content_length_) return state_;
      response_.body = buffer_.substr(0, content_length_);
      buffer_.clear();
      return state_ = State::complete;
    case Body::chunked:
      return advance_chunked();
    case Body::until_close:
      response_.body += buffer_;
      buffer_.clear();
      if (response_.body.size() > max_body_bytes) return fail("ERR_RESPONSE_TOO_LARGE", "the body exceeds 64 MiB");
      return state_;
  }
  return state_;
}

ResponseParser::State ResponseParser::advance_chunked() {
  for (;;) {
    std::string size_line;
    std::size_t data_start = line_end(buffer_, 0, size_line);
    // A size line is a few hex digits and maybe an extension: one without
    // an end in sight is not waited for (it was 300 MB and 166 s).
    if (data_start == std::string::npos) {
      if (buffer_.size() > max_chunk_line_bytes)
        return fail("ERR_INVALID_CHUNKED_ENCODING", "a chunk size line longer than " +
                                                        std::to_string(max_chunk_line_bytes) + " bytes");
      return state_;
    }
    std::string size_text = trim(size_line.substr(0, size_line.find(';')));
    if (size_text.empty() || size_text.size() > 15 ||
        !std::all_of(size_text.begin(), size_text.end(), [](unsigned char c) { return std::isxdigit(c); }))
      return fail("ERR_INVALID_CHUNKED_ENCODING", "a malformed chunk size: '" + size_line.substr(0, 40) + "'");
    std::size_t size = std::stoull(size_text, nullptr, 16);
    if (size == 0) {
      // Trailers until an empty line; they are not kept.
      std::string trailer;
      for (std::size_t pos = data_start;;) {
        std::size_t next = line_end(buffer_, pos, trailer);
        if (next == std::string::npos) {
          if (buffer_.size() - data_start > max_trailer_bytes)
            return fail("ERR_INVALID_CHUNKED_ENCODING", "trailers longer than " + std::to_string(max_trailer_bytes) + " bytes");
          return state_;
        }
        if (trailer.empty()) {
          buffer_.clear();
          return state_ = State::complete;
        }
        pos = next;
      }
    }
    if (response_.body.size() + size > max_body_bytes) return fail("ERR_RESPONSE_TOO_LARGE", "the body exceeds 64 MiB");
    std::size_t data_end = data_start + size;
    std::string after;
    std::size_t next = data_end <= buffer_.size() ? line_end(buffer_, data_end, after) : std::string::npos;
    if (next == std::string::npos) return state_;
    if (!after.empty()) return fail("ERR_INVALID_CHUNKED_ENCODING", "a chunk is longer than its size says");
    response_.body.append(buffer_, data_start, size);
    buffer_.erase(0, next);
  }
}

}  // namespace harness
