// Readable forms of cookies: what a framework signs without encrypting.
#include "harness/cookie_decoding.hpp"

#include <catch2/catch.hpp>

#include "support/encoding.hpp"

using harness::decode_cookie;

namespace {

// Whether some readable form of the Set-Cookie line contains `text`.
bool reveals(const std::string& set_cookie, const std::string& text) {
  for (const auto& form : decode_cookie(set_cookie))
    if (form.text.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("Flask's compressed session cookie is inflated") {
  // itsdangerous output of {'access_token': 'AT' * 20, 'refresh_token': 'RT' * 20}, key 'k'.
  const std::string cookie =
      "session=.eJyrVkpMTk4tLo4vyc9OzVOyUnIMIQ4q6SgVpaYVpRZnwLUGhRAHlWoBwLwlpg.axA2qg.6WyylQgdMCwMYwxs043-pW7_c_M; "
      "HttpOnly; Path=/";
  CHECK(reveals(cookie, "ATATATATATATATATATATATATATATATATATATATAT"));
  CHECK(reveals(cookie, "RTRTRTRTRTRTRTRTRTRTRTRTRTRTRTRTRTRTRTRT"));
  CHECK_FALSE(reveals(cookie, "not-in-it"));
}

TEST_CASE("Flask's plain session cookie, a JWT and express's s: values are base64 decoded") {
  CHECK(reveals("session=eyJ0IjoiYWJjZGVmZ2hpamtsbW5vcDEyMzQifQ.axA2qg.M7iIkeKhsKtyncs30GNZ1uRxlTw; Path=/",
                "abcdefghijklmnop1234"));
  const std::string payload = support::base64url_encode(R"({"sub":"1","access_token":"secret-token-value"})");
  CHECK(reveals("jwt=eyJhbGciOiJIUzI1NiJ9." + payload + ".c2lnbmF0dXJl", "secret-token-value"));
  CHECK(reveals("sess=s%3A" + support::base64_encode(R"({"token":"abc123def456"})") + ".signature", "abc123def456"));
}

TEST_CASE("a cookie value is checked as sent and percent-decoded; the name says where") {
  auto forms = decode_cookie("t=abc%2Fdef; Path=/");
  REQUIRE(forms.size() >= 2);
  CHECK(forms[0].text == "abc%2Fdef");
  CHECK(forms[0].how == "cookie 't'");
  CHECK(forms[1].text == "abc/def");
}

TEST_CASE("inflating is bounded and refuses what is not zlib") {
  CHECK(harness::inflate_bounded("not zlib at all", 1024).empty());
}
