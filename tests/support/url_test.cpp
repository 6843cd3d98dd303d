// Percent-encoding, forms and URL parsing.
#include "support/url.hpp"

#include <catch2/catch.hpp>

#include "support/duration.hpp"
#include "support/random.hpp"

using namespace support;

TEST_CASE("percent decoding is strict") {
  CHECK(percent_decode("a%20b+c") == std::optional<std::string>("a b c"));
  CHECK_FALSE(percent_decode("%zz").has_value());
  CHECK_FALSE(percent_decode("abc%2").has_value());
  CHECK_FALSE(percent_decode("%").has_value());
  CHECK(percent_encode("identify email") == "identify%20email");
}

TEST_CASE("forms round-trip") {
  Params params{{"grant_type", "authorization_code"}, {"redirect_uri", "http://x/cb?a=1&b"}};
  auto parsed = parse_form(build_form(params));
  REQUIRE(parsed);
  CHECK(*parsed == params);
  CHECK_FALSE(parse_form("a=%G1").has_value());
}

TEST_CASE("URLs parse and resolve") {
  auto url = parse_url("https://abc.ngrok-free.app/callback?code=x#frag");
  REQUIRE(url);
  CHECK(url->host == "abc.ngrok-free.app");
  CHECK(url->port == 443);
  CHECK(url->path == "/callback");
  CHECK(url->query == "code=x");
  CHECK(url->origin() == "https://abc.ngrok-free.app");
  auto next = resolve_url(*url, "/me");
  REQUIRE(next);
  CHECK(next->str() == "https://abc.ngrok-free.app/me");
  CHECK(resolve_url(*url, "http://127.0.0.1:5000/x")->port == 5000);
  CHECK_FALSE(parse_url("ftp://x/").has_value());
  CHECK_FALSE(parse_url("http://x:99999/").has_value());
}

TEST_CASE("durations") {
  CHECK(parse_duration("250ms") == Duration(250));
  CHECK(parse_duration("+101s") == Duration(101000));
  CHECK(parse_duration("1.5s") == Duration(1500));
  CHECK(parse_duration("7d") == Duration(604800000));
  CHECK_FALSE(parse_duration("10").has_value());
  CHECK_FALSE(parse_duration("s").has_value());
  CHECK(format_duration(Duration(100000)) == "100s");
}

TEST_CASE("PKCE S256 matches RFC 7636's test vector") {
  CHECK(base64url_encode(sha256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")) ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("seeded generator is reproducible") {
  SeededGenerator a(7), b(7), c(8);
  CHECK(a.alphanumeric(30) == b.alphanumeric(30));
  CHECK(a.alphanumeric(30) != c.alphanumeric(30));
  CHECK(secure_alphanumeric(30).size() == 30);
}

TEST_CASE("a relative reference with :// in its query stays relative; dot segments are removed") {
  auto base = parse_url("https://abc.ngrok-free.app/auth/callback?code=x");
  REQUIRE(base);
  auto next = resolve_url(*base, "/me?next=https://evil.test/");
  REQUIRE(next);
  CHECK(next->str() == "https://abc.ngrok-free.app/me?next=https://evil.test/");
  CHECK(resolve_url(*base, "done?from=http://x")->str() == "https://abc.ngrok-free.app/auth/done?from=http://x");
  CHECK(resolve_url(*base, "../a/./b/../c")->path == "/a/c");
  CHECK(resolve_url(*base, "/a/b/..")->path == "/a/");
  CHECK(resolve_url(*base, "../../../x")->path == "/x");
  CHECK(resolve_url(*base, "https://other.test/a/../b")->str() == "https://other.test/b");
}
