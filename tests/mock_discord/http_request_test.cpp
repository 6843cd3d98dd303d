// The front door's pure request parser: framing, limits and garbage.
#include "mock_discord/http_request.hpp"

#include <catch2/catch.hpp>

using mock_discord::parse_request;
using mock_discord::ParseResult;
using State = ParseResult::State;

namespace {

ParseResult parse(const std::string& bytes) { return parse_request(bytes); }

int error_status(const std::string& bytes) {
  ParseResult result = parse(bytes);
  INFO(bytes);
  REQUIRE(result.state == State::error);
  return result.error_status;
}

}  // namespace

TEST_CASE("a GET request parses into method, target, version and headers") {
  auto result = parse("GET /api/users/@me?x=1 HTTP/1.1\r\nHost: a\r\nAuthorization:  Bearer t \r\n\r\n");
  REQUIRE(result.state == State::complete);
  CHECK(result.request.method == "GET");
  CHECK(result.request.target == "/api/users/@me?x=1");
  CHECK(result.request.path() == "/api/users/@me");
  CHECK(result.request.query() == "x=1");
  CHECK(result.request.version == "HTTP/1.1");
  CHECK(result.request.header("authorization") == "Bearer t");
  CHECK_FALSE(result.request.header("Cookie"));
  CHECK(result.request.body.empty());
}

TEST_CASE("a request is incomplete until its head and body have arrived") {
  const std::string full = "POST /t HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    auto result = parse(full.substr(0, cut));
    INFO(cut);
    CHECK(result.state == State::incomplete);
  }
  auto result = parse(full + "extra");
  REQUIRE(result.state == State::complete);
  CHECK(result.request.body == "hello");
  CHECK(result.consumed == full.size());
}

TEST_CASE("the head is reported complete before the body, for Expect: 100-continue") {
  auto result = parse("POST /t HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\nhe");
  CHECK(result.state == State::incomplete);
  CHECK(result.head_complete);
  CHECK(result.request.expects_continue());
}

TEST_CASE("bare LF line endings and leading blank lines are accepted") {
  auto result = parse("\r\n\nGET / HTTP/1.0\nX: y\n\n");
  REQUIRE(result.state == State::complete);
  CHECK(result.request.header("x") == "y");
}

TEST_CASE("chunked bodies are decoded, with extensions and trailers ignored") {
  auto result = parse(
      "POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n");
  REQUIRE(result.state == State::complete);
  CHECK(result.request.body == "hello world");
  CHECK(parse("POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel").state == State::incomplete);
  CHECK(error_status("POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
  CHECK(error_status("POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n") == 400);
}

TEST_CASE("garbage request lines are 400 as soon as they show") {
  CHECK(error_status("GARBAGE\x01") == 400);
  CHECK(error_status(std::string("\x16\x03\x01\x02\x00", 5)) == 400);  // a TLS ClientHello
  CHECK(error_status("GET\r\n\r\n") == 400);
  CHECK(error_status("GET /  HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(error_status("GET nopath HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(error_status("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(error_status("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(error_status("GET / HTTP/1.1x\r\nHost: a\r\n\r\n") == 400);
  CHECK(error_status("GET / FTP/1.1\r\n\r\n") == 400);
  // Unsupported versions are bad input too: 400, never a 5xx nobody scripted.
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"}) {
    auto result = parse(std::string("GET / ") + version + "\r\n\r\n");
    CHECK(result.state == State::error);
    CHECK(result.error_status == 400);
    CHECK(result.error == std::string("HTTP version ") + (version + 5) + " is not supported");
  }
  CHECK(error_status(std::string(40, 'A') + " / HTTP/1.1\r\n") == 400);
}

TEST_CASE("malformed headers are 400") {
  CHECK(error_status("GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n") == 400);
  CHECK(error_status("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n") == 400);
  CHECK(error_status("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n") == 400);
  CHECK(error_status("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n") == 400);
  CHECK(error_status("GET / HTTP/1.1\r\n\r\n") == 400);                       // no Host
  CHECK(error_status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);  // two
}

TEST_CASE("ambiguous body framing is 400") {
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n") == 400);
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") == 400);
  CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx").state == State::complete);
}

TEST_CASE("bodies over 1 MiB are 413 from Content-Length alone") {
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n") == 413);
  CHECK(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n") == 413);
  auto exactly = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n" + std::string(1048576, 'x'));
  CHECK(exactly.state == State::complete);
  std::string chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n" +
                        std::string(0x100000, 'x') + "\r\n1\r\n";
  CHECK(error_status(chunked) == 413);
}

TEST_CASE("head limits: 431 for large heads and many fields, 414 for long request lines") {
  CHECK(error_status("GET /" + std::string(70 * 1024, 'a')) == 414);
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(70 * 1024, 'a') + "\r\n\r\n";
  CHECK(error_status(big) == 431);
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  CHECK(error_status(many + "\r\n") == 431);
}

TEST_CASE("errors found after the request line keep it, so the journal can name the path") {
  auto result = parse("POST /api/oauth2/token HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n");
  REQUIRE(result.state == State::error);
  CHECK(result.request.method == "POST");
  CHECK(result.request.path() == "/api/oauth2/token");
}
