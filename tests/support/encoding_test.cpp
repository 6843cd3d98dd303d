// Base64 in both alphabets, and strict decoding.
#include "support/encoding.hpp"

#include <catch2/catch.hpp>

using namespace support;

TEST_CASE("base64 encodes RFC 4648 test vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
}

TEST_CASE("base64 decodes strictly") {
  CHECK(base64_decode("Zm9vYmFy") == std::optional<std::string>("foobar"));
  CHECK(base64_decode("Zg==") == std::optional<std::string>("f"));
  CHECK(base64_decode("MTU3NzMwNTkwNDkyMTk2ODY0Om1vY2stc2VjcmV0") ==
        std::optional<std::string>("157730590492196864:mock-secret"));
  CHECK_FALSE(base64_decode("Zg=").has_value());
  CHECK_FALSE(base64_decode("Z===").has_value());
  CHECK_FALSE(base64_decode("Zm9v!mFy").has_value());
  CHECK_FALSE(base64_decode("Zg==Zg==").has_value());
}
