// The browser's cookies, as RFC 6265 and Chrome handle them: Set-Cookie
// parsing (a pure function, fuzzable), and a jar that scopes cookies to their
// host (host-only unless Domain= says otherwise) and path, expires them
// against the caller's clock, sends Secure cookies only to secure origins and
// holds SameSite=Strict cookies back from cross-site navigations.
//
// Chrome's choices followed here: http://localhost and 127.0.0.1 count as
// secure origins (so an app that always sets Secure still works on its local
// URL); SameSite=None requires Secure; a cookie without SameSite is treated as
// Lax; a Domain= that is a public suffix (ngrok-free.app, a bare TLD) is
// refused; the __Secure- and __Host- name prefixes are enforced.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/url.hpp"

namespace harness {

using TimePoint = std::chrono::system_clock::time_point;

enum class SameSite { unspecified, none, lax, strict };

struct Cookie {
  std::string name;
  std::string value;
  std::string domain;      // lower case, no leading dot
  bool host_only = true;   // no Domain attribute: this exact host only
  std::string path = "/";
  std::optional<TimePoint> expires;  // nullopt: a session cookie
  bool secure = false;
  bool http_only = false;
  SameSite same_site = SameSite::unspecified;
  TimePoint created{};
};

struct ParsedCookie {
  std::optional<Cookie> cookie;
  std::string error;  // why the browser ignores this Set-Cookie, when !cookie
};

// One Set-Cookie header value received in answer to `request_url` at `now`.
// Max-Age wins over Expires; an expiry in the past yields a cookie that
// deletes its namesake.
ParsedCookie parse_set_cookie(const std::string& header_value, const support::Url& request_url, TimePoint now);

// An RFC 6265 cookie-date ("Wed, 21 Oct 2015 07:28:00 GMT" and the lenient
// variants browsers accept); nullopt when it is not one.
std::optional<TimePoint> parse_cookie_date(const std::string& text);

// https, or a loopback host over http (as Chrome treats localhost).
bool is_secure_origin(const support::Url& url);
// Scheme and registrable domain: the unit SameSite compares.
std::string site_of(const support::Url& url);

// How the request that carries the cookies came about.
struct CookieContext {
  bool same_site = true;         // the navigation started on the target's site (or in the address bar)
  bool top_level_get = true;     // a top-level navigation with a safe method
};

class CookieJar {
 public:
  // Stores the cookie of one Set-Cookie header; "" or why it was refused.
  std::string store(const std::string& set_cookie, const support::Url& request_url, TimePoint now);
  // The Cookie header for a request to `url` ("" when none applies):
  // longer paths first, then older cookies first.
  std::string cookie_header(const support::Url& url, TimePoint now, const CookieContext& context = {}) const;
  // The live cookies, for reports and tests.
  std::vector<Cookie> cookies(TimePoint now) const;
  void clear() { cookies_.clear(); }

 private:
  std::vector<Cookie> cookies_;
};

}  // namespace harness
