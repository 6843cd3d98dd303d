// What reports show of requests and answers: secrets redacted, sizes bounded.
#include "harness/trace_detail.hpp"

#include <catch2/catch.hpp>

using namespace harness;

TEST_CASE("request details redact codes, tokens, client secrets, Authorization and cookie values") {
  HttpHeaders headers{{"Authorization", "Basic c2VjcmV0"}, {"Cookie", "session=abc; theme=dark"},
                      {"Content-Type", "application/x-www-form-urlencoded"}};
  const std::string text = request_detail("POST", "http://a/cb?code=XYZ&state=s1", headers,
                                          "grant_type=authorization_code&code=XYZ&client_secret=SHH");
  CHECK(text.find("XYZ") == std::string::npos);
  CHECK(text.find("SHH") == std::string::npos);
  CHECK(text.find("c2VjcmV0") == std::string::npos);
  CHECK(text.find("abc") == std::string::npos);
  CHECK(text.find("POST http://a/cb?code=[redacted]&state=s1\n") == 0);
  CHECK(text.find("Authorization: Basic [redacted]") != std::string::npos);
  CHECK(text.find("Cookie: session=[redacted]; theme=[redacted]") != std::string::npos);
  CHECK(text.find("grant_type=authorization_code") != std::string::npos);
}

TEST_CASE("answer details redact JSON tokens and Set-Cookie values, keep cookie attributes, bound bodies") {
  HttpHeaders headers{{"Set-Cookie", "sid=s3cr3t; Path=/; HttpOnly"}, {"Location", "/done#access_token=T0K"}};
  const std::string text = answer_detail(200, headers, R"({"access_token":"T0K","token_type":"Bearer"})");
  CHECK(text.find("T0K") == std::string::npos);
  CHECK(text.find("sid=[redacted]; Path=/; HttpOnly") != std::string::npos);
  CHECK(text.find("\"token_type\": \"Bearer\"") != std::string::npos);
  CHECK(text.find("Location: /done#access_token=[redacted]") != std::string::npos);
  const std::string huge = answer_detail(200, {}, std::string(100000, 'x'));
  CHECK(huge.size() < 200);
  const std::string long_page = answer_detail(200, {}, std::string(20000, 'y'));
  CHECK(long_page.size() < 4200);
  CHECK(long_page.find("...[20000 bytes]") != std::string::npos);
}
