// Set-Cookie parsing and the cookie jar: scope, expiry, Secure, SameSite.
#include "harness/cookies.hpp"

#include <catch2/catch.hpp>

using namespace harness;
using namespace std::chrono_literals;

namespace {

support::Url url(const std::string& text) {
  auto parsed = support::parse_url(text);
  REQUIRE(parsed);
  return *parsed;
}

TimePoint at(std::int64_t seconds) { return TimePoint{} + std::chrono::seconds(seconds); }

const TimePoint kNow = at(1700000000);

Cookie parse_ok(const std::string& header, const std::string& request_url = "http://app.test/login") {
  ParsedCookie parsed = parse_set_cookie(header, url(request_url), kNow);
  INFO(parsed.error);
  REQUIRE(parsed.cookie);
  return *parsed.cookie;
}

std::string refusal(const std::string& header, const std::string& request_url = "http://app.test/login") {
  ParsedCookie parsed = parse_set_cookie(header, url(request_url), kNow);
  CHECK_FALSE(parsed.cookie);
  return parsed.error;
}

}  // namespace

TEST_CASE("a Set-Cookie gives name, value and host-only scope by default") {
  Cookie cookie = parse_ok(" sid = abc123 ; HttpOnly", "http://app.test/auth/callback?code=x");
  CHECK(cookie.name == "sid");
  CHECK(cookie.value == "abc123");
  CHECK(cookie.domain == "app.test");
  CHECK(cookie.host_only);
  CHECK(cookie.path == "/auth");  // the default path: up to the last slash
  CHECK(cookie.http_only);
  CHECK_FALSE(cookie.secure);
  CHECK_FALSE(cookie.expires);  // a session cookie
  CHECK(cookie.same_site == SameSite::unspecified);
  CHECK(parse_ok("a=1", "http://app.test/login").path == "/");
  CHECK(parse_ok("a=\"quoted\"").value == "\"quoted\"");
  CHECK(parse_ok("a=").value.empty());
}

TEST_CASE("malformed Set-Cookie headers are refused with a reason") {
  CHECK(refusal("novalue") == "no '=' in the name=value pair");
  CHECK(refusal("=value") == "empty cookie name");
  CHECK(refusal(std::string("a=b\x01c")).find("control character") != std::string::npos);
}

TEST_CASE("Path and Domain attributes") {
  CHECK(parse_ok("a=1; Path=/api").path == "/api");
  CHECK(parse_ok("a=1; Path=relative").path == "/");  // not starting with '/': the default
  Cookie wide = parse_ok("a=1; Domain=.Example.test", "http://www.example.test/");
  CHECK(wide.domain == "example.test");
  CHECK_FALSE(wide.host_only);
  Cookie same_host = parse_ok("a=1; Domain=app.test");
  CHECK(same_host.host_only);
  CHECK(refusal("a=1; Domain=other.test").find("does not cover") != std::string::npos);
  CHECK(refusal("a=1; Domain=ngrok-free.app", "https://abc.ngrok-free.app/").find("public suffix") !=
        std::string::npos);
  CHECK(refusal("a=1; Domain=test").find("public suffix") != std::string::npos);
}

TEST_CASE("cookie dates parse the RFC 6265 way") {
  CHECK(parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT") == at(1445412480));
  CHECK(parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT") == at(784111777));
  CHECK(parse_cookie_date("Sun Nov  6 08:49:37 1994") == at(784111777));
  CHECK_FALSE(parse_cookie_date("not a date"));
  CHECK_FALSE(parse_cookie_date("Wed, 31 Feb 2015 07:28:00 GMT"));
  CHECK_FALSE(parse_cookie_date("Wed, 21 Oct 2015 25:28:00 GMT"));
  CHECK_FALSE(parse_cookie_date("Wed, 21 Oct 1500 07:28:00 GMT"));
}

TEST_CASE("Max-Age wins over Expires, in either order") {
  const std::string future = "Expires=Wed, 21 Oct 2037 07:28:00 GMT";
  CHECK(parse_ok("a=1; Max-Age=60; " + future).expires == kNow + 60s);
  CHECK(parse_ok("a=1; " + future + "; Max-Age=60").expires == kNow + 60s);
  CHECK(*parse_ok("a=1; Max-Age=0").expires <= kNow);
  CHECK(*parse_ok("a=1; Max-Age=-5").expires <= kNow);
  CHECK_FALSE(parse_ok("a=1; Max-Age=soon").expires);  // ignored, not an error
  CHECK(parse_ok("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT").expires == at(1445412480));
  // Chrome caps lifetimes at 400 days.
  CHECK(parse_ok("a=1; Max-Age=999999999999999").expires == kNow + std::chrono::hours(24 * 400));
}

TEST_CASE("Secure, SameSite and name prefixes follow Chrome") {
  CHECK(parse_ok("a=1; Secure", "https://abc.ngrok-free.app/").secure);
  CHECK(parse_ok("a=1; Secure", "http://127.0.0.1:5000/").secure);  // localhost counts as secure
  CHECK(refusal("a=1; Secure", "http://app.test/").find("insecure origin") != std::string::npos);
  CHECK(parse_ok("a=1; SameSite=Strict").same_site == SameSite::strict);
  CHECK(parse_ok("a=1; samesite=lax").same_site == SameSite::lax);
  CHECK(parse_ok("a=1; SameSite=None; Secure", "https://x.test/").same_site == SameSite::none);
  CHECK(refusal("a=1; SameSite=None") == "SameSite=None requires Secure");
  CHECK(refusal("__Secure-a=1") == "a __Secure- cookie must be Secure");
  CHECK(parse_ok("__Host-a=1; Secure; Path=/", "https://x.test/").name == "__Host-a");
  CHECK_FALSE(refusal("__Host-a=1; Secure; Path=/api", "https://x.test/").empty());
}

TEST_CASE("the jar scopes cookies to their host and path") {
  CookieJar jar;
  REQUIRE(jar.store("sid=app", url("http://app.test/login"), kNow).empty());
  REQUIRE(jar.store("api=1; Path=/api", url("http://app.test/"), kNow).empty());
  REQUIRE(jar.store("wide=1; Domain=example.test", url("http://www.example.test/"), kNow).empty());

  CHECK(jar.cookie_header(url("http://app.test/"), kNow) == "sid=app");
  CHECK(jar.cookie_header(url("http://app.test/api/users"), kNow) == "api=1; sid=app");  // longer path first
  CHECK(jar.cookie_header(url("http://app.test/apis"), kNow) == "sid=app");  // not a path boundary
  CHECK(jar.cookie_header(url("http://other.test/"), kNow).empty());
  CHECK(jar.cookie_header(url("http://sub.app.test/"), kNow).empty());  // host-only
  CHECK(jar.cookie_header(url("http://deep.example.test/"), kNow) == "wide=1");
  // Ports do not separate cookies, in any browser.
  CHECK(jar.cookie_header(url("http://app.test:8080/"), kNow) == "sid=app");
  CHECK(jar.cookies(kNow).size() == 3);
}

TEST_CASE("the jar expires cookies against the caller's clock") {
  CookieJar jar;
  REQUIRE(jar.store("short=1; Max-Age=60", url("http://app.test/"), kNow).empty());
  REQUIRE(jar.store("session=1", url("http://app.test/"), kNow).empty());
  CHECK(jar.cookie_header(url("http://app.test/"), kNow + 59s) == "short=1; session=1");
  CHECK(jar.cookie_header(url("http://app.test/"), kNow + 60s) == "session=1");

  // Replacing keeps the original creation order; an expired Set-Cookie deletes.
  REQUIRE(jar.store("short=2; Max-Age=60", url("http://app.test/"), kNow + 10s).empty());
  CHECK(jar.cookie_header(url("http://app.test/"), kNow + 10s) == "short=2; session=1");
  REQUIRE(jar.store("session=gone; Max-Age=0", url("http://app.test/"), kNow + 10s).empty());
  CHECK(jar.cookie_header(url("http://app.test/"), kNow + 10s) == "short=2");
  // Only the same name, domain and path replaces.
  REQUIRE(jar.store("short=3; Path=/x", url("http://app.test/"), kNow + 10s).empty());
  CHECK(jar.cookie_header(url("http://app.test/x"), kNow + 10s) == "short=3; short=2");
}

TEST_CASE("Secure cookies go to secure origins only") {
  CookieJar jar;
  REQUIRE(jar.store("s=1; Secure", url("https://abc.ngrok-free.app/"), kNow).empty());
  CHECK(jar.cookie_header(url("https://abc.ngrok-free.app/"), kNow) == "s=1");
  CHECK(jar.cookie_header(url("http://abc.ngrok-free.app/"), kNow).empty());
  CHECK_FALSE(jar.store("t=1; Secure", url("http://app.test/"), kNow).empty());
  CHECK(jar.cookies(kNow).size() == 1);
}

TEST_CASE("SameSite decides what a cross-site navigation carries") {
  CookieJar jar;
  support::Url app = url("https://abc.ngrok-free.app/callback");
  REQUIRE(jar.store("strict=1; SameSite=Strict", app, kNow).empty());
  REQUIRE(jar.store("lax=1; SameSite=Lax", app, kNow).empty());
  REQUIRE(jar.store("plain=1", app, kNow).empty());
  REQUIRE(jar.store("none=1; SameSite=None; Secure", app, kNow).empty());

  CHECK(jar.cookie_header(app, kNow, {true, true}) == "strict=1; lax=1; plain=1; none=1");
  CHECK(jar.cookie_header(app, kNow, {false, true}) == "lax=1; plain=1; none=1");  // redirect from Discord
  CHECK(jar.cookie_header(app, kNow, {false, false}) == "none=1");  // cross-site POST
}

TEST_CASE("sites are scheme and registrable domain") {
  CHECK(site_of(url("https://abc.ngrok-free.app/x")) == "https://abc.ngrok-free.app");
  CHECK(site_of(url("https://www.discord.com/")) == "https://discord.com");
  CHECK(site_of(url("http://127.0.0.1:5000/")) == "http://127.0.0.1");
  CHECK(site_of(url("http://localhost:5000/")) == "http://localhost");
  CHECK(site_of(url("https://abc.ngrok-free.app/")) != site_of(url("https://def.ngrok-free.app/")));
  CHECK(is_secure_origin(url("http://localhost:1/")));
  CHECK_FALSE(is_secure_origin(url("http://app.test/")));
}

TEST_CASE("far-future cookies live 400 days instead of overflowing into the past") {
  const TimePoint cap = kNow + std::chrono::hours(24 * 400);
  CHECK(parse_ok("a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT").expires == cap);
  CHECK(parse_ok("a=1; Expires=1 Dec 9999 3:9:5").expires == cap);
  CHECK(parse_ok("a=1; Max-Age=9300000000").expires == cap);
  CHECK(parse_cookie_date("Fri, 31 Dec 9999 23:59:59 GMT") == TimePoint::max());
}

TEST_CASE("far-past cookies are expired instead of overflowing the clock") {
  // Found by fuzz_browser_parsers (UBSan: signed overflow in chrono): the
  // clock's nanoseconds begin in 1678, and RFC 6265 dates go back to 1601.
  CHECK(parse_cookie_date("Fri, 31 Dec 1615 23:59:59 GMT") == TimePoint::min());
  CHECK(parse_cookie_date("Sat, 1 Jan 1601 00:00:00 GMT") == TimePoint::min());
  CHECK(parse_ok("a=1; Expires=Fri, 31 Dec 1615 23:59:59 GMT").expires == TimePoint::min());
  CHECK(parse_cookie_date("Thu, 1 Jan 1970 00:00:00 GMT") == std::chrono::system_clock::from_time_t(0));
}
