// What a Set-Cookie really carries: frameworks sign their session cookies
// but do not encrypt them, so a token inside is readable by anyone who has
// the cookie. decode_cookie() lists the readable forms of one cookie's
// value: as sent, percent-decoded, and each base64 / base64url segment
// decoded (Flask's `.`-prefixed zlib payload inflated), which covers Flask's
// session (itsdangerous), cookie-session / express-session's `s:` values
// and JWTs. Every decoding is bounded.
#pragma once

#include <string>
#include <vector>

namespace harness {

struct DecodedCookie {
  std::string text;  // a readable form of the value
  std::string how;   // "cookie 'session'", "cookie 'session' (base64 decoded)", ...
};

// The forms of the value of one Set-Cookie header line.
std::vector<DecodedCookie> decode_cookie(const std::string& set_cookie);

// zlib inflate of at most `limit` output bytes (cut there); "" when the data is not zlib.
std::string inflate_bounded(const std::string& compressed, std::size_t limit);

}  // namespace harness
