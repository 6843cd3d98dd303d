// Readable forms of cookie values (see cookie_decoding.hpp).
#include "harness/cookie_decoding.hpp"

#include <zlib.h>

#include "support/encoding.hpp"
#include "support/url.hpp"

namespace harness {
namespace {

constexpr std::size_t max_value = 64 * 1024;     // longer values are checked as sent only
constexpr std::size_t max_inflated = 256 * 1024;  // a zip bomb stops here

// Standard or URL-safe base64, with or without padding; "" when it is neither.
std::string base64_any(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  return support::base64_decode(text).value_or("");
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1)
    parts.push_back(text.substr(start, at - start));
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

std::string inflate_bounded(const std::string& compressed, std::size_t limit) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return "";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[16384];
  int status = Z_OK;
  while (status == Z_OK && out.size() < limit) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END && out.size() < limit) return "";
  return out.size() > limit ? out.substr(0, limit) : out;
}

std::vector<DecodedCookie> decode_cookie(const std::string& set_cookie) {
  const std::string pair = set_cookie.substr(0, set_cookie.find(';'));
  const std::size_t equals = pair.find('=');
  const std::string name = equals == std::string::npos ? std::string() : pair.substr(0, equals);
  std::string value = equals == std::string::npos ? pair : pair.substr(equals + 1);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  const std::string label = "cookie '" + name + "'";
  std::vector<DecodedCookie> forms{{value, label}};
  if (value.size() > max_value) return forms;
  std::string decoded = support::percent_decode(value).value_or(value);
  if (decoded != value) forms.push_back({decoded, label + " (percent-decoded)"});
  // express: "s:" + value + "." + signature
  if (decoded.rfind("s:", 0) == 0) decoded = decoded.substr(2);
  // Flask/itsdangerous: a leading "." means the payload is zlib-compressed.
  const bool compressed = !decoded.empty() && decoded.front() == '.';
  if (compressed) decoded = decoded.substr(1);
  for (const std::string& segment : split(decoded, '.')) {
    if (segment.size() < 4) continue;
    std::string bytes = base64_any(segment);
    if (bytes.empty()) continue;
    forms.push_back({bytes, label + " (base64 decoded)"});
    if (compressed) {
      std::string inflated = inflate_bounded(bytes, max_inflated);
      if (!inflated.empty()) forms.push_back({inflated, label + " (decoded and inflated, as Flask stores it)"});
    }
  }
  return forms;
}

}  // namespace harness
