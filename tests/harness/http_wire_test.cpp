// HTTP/1.1 bytes: request serialisation and the incremental response parser.
#include "harness/http_wire.hpp"

#include <catch2/catch.hpp>

using namespace harness;
using State = ResponseParser::State;

namespace {

HttpRequest request(const std::string& method, const std::string& url) {
  HttpRequest r;
  r.method = method;
  r.url = *support::parse_url(url);
  return r;
}

// Feeds `bytes` in pieces of `step` bytes, then the end of the stream.
ResponseParser parse(const std::string& bytes, std::size_t step = 1 << 20, bool close = true, bool head = false) {
  ResponseParser parser(head);
  for (std::size_t pos = 0; pos < bytes.size() && parser.state() == State::incomplete; pos += step)
    parser.feed(bytes.data() + pos, std::min(step, bytes.size() - pos));
  if (close) parser.end_of_stream();
  return parser;
}

}  // namespace

TEST_CASE("requests are written with Host, Content-Length and Connection: close") {
  std::string error;
  HttpRequest get = request("GET", "http://app.test:8080/callback?code=a%26b&x=y z");
  get.headers.add("User-Agent", "Mozilla/5.0");
  CHECK(serialize_request(get, error) ==
        "GET /callback?code=a%26b&x=y%20z HTTP/1.1\r\nHost: app.test:8080\r\nUser-Agent: Mozilla/5.0\r\n"
        "Connection: close\r\n\r\n");

  HttpRequest post = request("POST", "http://127.0.0.1:5000/api/oauth2/token");
  post.headers.add("Host", "discord.com");
  post.body = "grant_type=authorization_code";
  CHECK(serialize_request(post, error) ==
        "POST /api/oauth2/token HTTP/1.1\r\nHost: discord.com\r\nContent-Length: 29\r\nConnection: close\r\n\r\n"
        "grant_type=authorization_code");
  CHECK(serialize_request(request("POST", "http://a.test/"), error).find("Content-Length: 0\r\n") != std::string::npos);

  HttpRequest injected = request("GET", "http://a.test/");
  injected.headers.add("X-Evil", "a\r\nSet-Cookie: b");
  CHECK(serialize_request(injected, error).empty());
  CHECK_THAT(error, Catch::Contains("X-Evil"));
}

TEST_CASE("unsafe URL characters are escaped once") {
  CHECK(escape_url_text("/a b\"<>`{}\x7f\xc3\xa9") == "/a%20b%22%3C%3E%60%7B%7D%7F%C3%A9");
  CHECK(escape_url_text("scope=identify%20email&redirect_uri=https%3A%2F%2Fx") ==
        "scope=identify%20email&redirect_uri=https%3A%2F%2Fx");
  CHECK(escape_url_text(escape_url_text("a b")) == "a%20b");
}

TEST_CASE("a response with Content-Length, in one piece or byte by byte") {
  const std::string bytes =
      "HTTP/1.1 302 Found\r\nLocation: http://x/cb?redirect_uri=https%3A%2F%2Fa%3Fb%3D1%26c\r\n"
      "Set-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t step : {std::size_t(1), std::size_t(7), bytes.size()}) {
    ResponseParser parser = parse(bytes, step, false);  // complete without waiting for the close
    REQUIRE(parser.state() == State::complete);
    CHECK(parser.response().status == 302);
    CHECK(parser.response().headers.get("location") == "http://x/cb?redirect_uri=https%3A%2F%2Fa%3Fb%3D1%26c");
    CHECK(parser.response().headers.get_all("Set-Cookie") == std::vector<std::string>{"a=1", "b=2"});
    CHECK(parser.response().body == "hello");
  }
}

TEST_CASE("chunked bodies, bodies until close, and answers without a body") {
  ResponseParser chunked =
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n", 3,
            false);
  REQUIRE(chunked.state() == State::complete);
  CHECK(chunked.response().body == "hello world");

  ResponseParser until_close = parse("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nall of it", 4);
  REQUIRE(until_close.state() == State::complete);  // bare LF line ends are read too
  CHECK(until_close.response().body == "all of it");

  CHECK(parse("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 100, false).state() == State::complete);
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 100, false, true).state() == State::complete);

  ResponseParser interim = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  REQUIRE(interim.state() == State::complete);
  CHECK(interim.response().status == 201);
  CHECK(interim.response().body == "ok");
}

TEST_CASE("broken answers fail with Chrome's error codes") {
  CHECK(parse("").error_code() == "ERR_EMPTY_RESPONSE");
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Len").error_code() == "ERR_INVALID_HTTP_RESPONSE");
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").error_code() == "ERR_CONTENT_LENGTH_MISMATCH");
  CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").error_code() ==
        "ERR_INCOMPLETE_CHUNKED_ENCODING");
  CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").error_code() ==
        "ERR_INVALID_CHUNKED_ENCODING");
  CHECK(parse("{\"id\": 1}garbage\r\n\r\n").error_code() == "ERR_INVALID_HTTP_RESPONSE");
  CHECK(parse("HTTP/1.1 200 OK\r\nbad header\r\n\r\n").error_code() == "ERR_INVALID_HTTP_RESPONSE");
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab").error_code() ==
        "ERR_INVALID_HTTP_RESPONSE");
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").error_code() == "ERR_INVALID_HTTP_RESPONSE");
  CHECK(parse("HTTP/1.1 200 OK\r\nX: " + std::string(ResponseParser::max_head_bytes, 'a')).error_code() ==
        "ERR_RESPONSE_HEADERS_TOO_BIG");
}

TEST_CASE("a chunk size line or trailers without an end are refused, not waited for") {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  auto endless_size = parse(head + "1;" + std::string(1024 * 1024, 'x'), 65536, false);
  CHECK(endless_size.state() == State::failed);
  CHECK(endless_size.error() == "a chunk size line longer than 4096 bytes");
  auto endless_trailer = parse(head + "0\r\nX: " + std::string(1024 * 1024, 'y'), 65536, false);
  CHECK(endless_trailer.state() == State::failed);
  CHECK(endless_trailer.error_code() == "ERR_INVALID_CHUNKED_ENCODING");
}
