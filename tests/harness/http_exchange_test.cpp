// One exchange on the wire: answers exactly as sent, failures as values.
#include "harness/http_exchange.hpp"

#include <catch2/catch.hpp>

#include "harness/app_under_test.hpp"
#include "local_server.hpp"

using namespace harness;
using namespace std::chrono_literals;
using harness_tests::LocalServer;
using harness_tests::RawListener;

namespace {

HttpRequest get(int port, const std::string& path = "/") {
  HttpRequest request;
  request.url = *support::parse_url("http://127.0.0.1:" + std::to_string(port) + path);
  return request;
}

std::string error_code_of(const std::string& raw_reply) {
  RawListener listener(RawListener::Behaviour::reply_and_close, raw_reply);
  HttpResult result = send_to_local_port(get(listener.port()), listener.port());
  return result.ok() ? "answered " + std::to_string(result.response->status) : result.error.code;
}

}  // namespace

TEST_CASE("headers compare names case-insensitively and keep their order") {
  HttpHeaders headers{{"Set-Cookie", "a=1"}, {"Content-Type", "text/html"}, {"set-cookie", "b=2"}};
  CHECK(headers.get("SET-COOKIE") == std::optional<std::string>("a=1"));
  CHECK(headers.get_all("Set-Cookie") == std::vector<std::string>{"a=1", "b=2"});
  headers.set("content-type", "text/plain");
  CHECK(headers.get_all("Content-Type") == std::vector<std::string>{"text/plain"});
  headers.remove("SET-cookie");
  CHECK_FALSE(headers.has("Set-Cookie"));
  CHECK(host_header_value(*support::parse_url("https://abc.ngrok-free.app/x")) == "abc.ngrok-free.app");
  CHECK(host_header_value(*support::parse_url("http://127.0.0.1:5000/x")) == "127.0.0.1:5000");
}

TEST_CASE("a Location header comes back exactly as the server sent it") {
  LocalServer server;
  server.http.Get("/login", [](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_header("Location", "http://d.test/oauth2/authorize?scope=identify%20email&redirect_uri=https%3A%2F%2Fa.test%2Fcb%3Fx%3D1%26y%3D2");
  });
  server.http.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.method + " " + req.get_header_value("Host") + " " + req.get_header_value("Content-Type") +
                        " " + req.body,
                    "text/plain");
  });
  server.start();
  HttpResult redirect = send_to_local_port(get(server.port(), "/login"), server.port());
  REQUIRE(redirect.ok());
  CHECK(redirect.response->status == 302);
  CHECK(redirect.response->headers.get("Location") ==
        std::optional<std::string>("http://d.test/oauth2/authorize?scope=identify%20email&redirect_uri=https%3A%2F%2Fa.test%2Fcb%3Fx%3D1%26y%3D2"));

  HttpRequest post = get(server.port(), "/echo");
  post.method = "POST";
  post.url.host = "virtual.test";  // the port decides where it goes; the URL, what Host says
  post.headers.add("Content-Type", "application/x-www-form-urlencoded");
  post.body = "a=1";
  HttpResult echoed = send_to_local_port(post, server.port());
  REQUIRE(echoed.ok());
  CHECK(echoed.response->body == "POST virtual.test:" + std::to_string(server.port()) +
                                     " application/x-www-form-urlencoded a=1");
}

TEST_CASE("every way of not answering has its own error code") {
  int closed_port = pick_free_port();
  HttpResult refused = send_to_local_port(get(closed_port), closed_port);
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.kind == TransportError::Kind::connection_refused);
  CHECK(refused.error.code == "ERR_CONNECTION_REFUSED");

  CHECK(error_code_of("") == "ERR_EMPTY_RESPONSE");
  CHECK(error_code_of("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial") == "ERR_CONTENT_LENGTH_MISMATCH");
  CHECK(error_code_of("not http at all\r\n\r\n") == "ERR_INVALID_HTTP_RESPONSE");
  CHECK(error_code_of("HTTP/1.1 200 OK\r\n\r\nuntil close") == "answered 200");

  RawListener resetter(RawListener::Behaviour::reset);
  HttpResult reset = send_to_local_port(get(resetter.port()), resetter.port());
  CHECK(reset.error.code == "ERR_CONNECTION_RESET");
  CHECK(reset.error.kind == TransportError::Kind::connection_closed);

  RawListener silent(RawListener::Behaviour::never_answer);
  TransportOptions impatient;
  impatient.read_timeout = 200ms;
  HttpResult hung = send_to_local_port(get(silent.port()), silent.port(), impatient);
  CHECK(hung.error.kind == TransportError::Kind::timed_out);
  CHECK(hung.error.code == "ERR_TIMED_OUT");

  HttpRequest bad = get(closed_port);
  bad.headers.add("X", "a\nb");
  CHECK(send_to_local_port(bad, closed_port).error.code == "ERR_INVALID_ARGUMENT");
}
