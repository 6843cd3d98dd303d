// The transport seen from clients: persistent connections, pipelining,
// Connection: close, HTTP/1.0, idle and slow connections that must not hold
// up anyone else, graceful stop with connections open, the connection limit;
// and the same over https.
// No test measures time: bounds are generous, never asserted as speed.
#include "mock_discord/transport.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "mock_discord/failures.hpp"
#include "mock_fixture.hpp"
#include "raw_client.hpp"
#include "support/tls_identity.hpp"
#include "tls_test_client.hpp"

using namespace mock_tests;

namespace {

constexpr const char* kUnauthorizedLine = "HTTP/1.1 401 Unauthorized";

std::string raw_request(const std::string& target, const std::string& version = "HTTP/1.1",
                        const std::string& extra_headers = "") {
  return "GET " + target + " " + version + "\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

// Runs `action` on a thread; false when it has not returned within a
// generous bound (a hang is a failure, not a stuck test run).
template <typename Action>
bool finishes(Action action, std::chrono::seconds bound = std::chrono::seconds(60)) {
  auto done = std::async(std::launch::async, action);
  bool finished = done.wait_for(bound) == std::future_status::ready;
  if (!finished) done.wait();  // never leave a thread behind; the CHECK has already failed
  return finished;
}

}  // namespace

TEST_CASE("HTTP/1.1 connections are kept alive and reused") {
  MockFixture mock;
  RawConnection connection(mock.port);
  for (int i = 0; i < 5; ++i) {
    INFO("request " << i);
    REQUIRE(connection.send(raw_request("/api/users/@me")));
    auto answer = connection.read_answer();
    CHECK(answer.status_line() == kUnauthorizedLine);
    CHECK_FALSE(answer.has_header("Connection: close"));
  }
  CHECK(mock.server.journal().size() == 5);
}

TEST_CASE("an HTTP client's pooled connection serves many requests") {
  MockFixture mock;
  mock.http.set_keep_alive(true);
  for (int i = 0; i < 20; ++i) CHECK(status_of(mock.get("/api/users/@me")) == 401);
  CHECK(mock.server.request_counts()["users_me"] == 20);
}

TEST_CASE("pipelined requests are answered in order") {
  MockFixture mock;
  RawConnection connection(mock.port);
  const std::string form = "grant_type=client_credentials&scope=identify";
  const std::string auth = basic_auth(kClientId, kClientSecret).begin()->second;
  REQUIRE(connection.send(raw_request("/api/users/@me") + raw_request("/api/v10/nothing-here") +
                          "POST /api/oauth2/token HTTP/1.1\r\nHost: a\r\nAuthorization: " + auth +
                          "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                          std::to_string(form.size()) + "\r\n\r\n" + form + raw_request("/_mock/health")));
  CHECK(connection.read_answer().status_line() == kUnauthorizedLine);
  CHECK(connection.read_answer().status_line() == "HTTP/1.1 404 Not Found");
  auto token = connection.read_answer();
  CHECK(token.status_line() == "HTTP/1.1 200 OK");
  CHECK(token.body().find("access_token") != std::string::npos);
  CHECK(connection.read_answer().status_line() == "HTTP/1.1 200 OK");
  auto entries = mock.server.journal();
  REQUIRE(entries.size() == 3);  // the admin request is not journaled
  CHECK(entries[0].endpoint == "users_me");
  CHECK(entries[1].status == 404);
  CHECK(entries[2].endpoint == "token");
}

TEST_CASE("pipelined requests behind a delayed one wait for it, in order") {
  MockFixture mock;
  mock_discord::FailureRule delay;
  delay.endpoint = mock_discord::Endpoint::users_me;
  delay.kind = mock_discord::FailureRule::Kind::delay_only;
  delay.delay = std::chrono::milliseconds(50);
  mock.server.add_failure(delay);
  RawConnection connection(mock.port);
  REQUIRE(connection.send(raw_request("/api/users/@me") + raw_request("/api/v10/nothing-here")));
  CHECK(connection.read_answer().status_line() == kUnauthorizedLine);
  CHECK(connection.read_answer().status_line() == "HTTP/1.1 404 Not Found");
}

TEST_CASE("Connection: close is honoured: the answer says so, then the connection ends") {
  MockFixture mock;
  RawConnection connection(mock.port);
  REQUIRE(connection.send(raw_request("/api/users/@me", "HTTP/1.1", "Connection: close\r\n") +
                          raw_request("/api/users/@me")));
  auto answer = connection.read_answer();
  CHECK(answer.status_line() == kUnauthorizedLine);
  CHECK(answer.has_header("Connection: close"));
  CHECK(connection.closed_by_peer());
  CHECK(mock.server.journal().size() == 1);  // the request after it was never read
}

// The harness forks its apps' supervisors from a process whose mock is
// serving: for a moment the child holds a copy of every socket. A connection
// closed in that moment must still leave the epoll set, or its events keep
// arriving for a Connection already freed (the harness's rare "malloc():
// unaligned tcache chunk detected" aborts; ASan names the use after free).
TEST_CASE("a connection closed while a forked child holds its socket leaves no stale event behind") {
  MockFixture mock;
  RawConnection connection(mock.port);
  REQUIRE(connection.send(raw_request("/api/users/@me", "HTTP/1.1", "Connection: close\r\n")));
  CHECK(connection.read_answer().status_line() == kUnauthorizedLine);
  int release[2];
  REQUIRE(::pipe(release) == 0);
  pid_t holder = ::fork();
  REQUIRE(holder >= 0);
  if (holder == 0) {  // holds every descriptor until told to go
    ::close(release[1]);
    char byte;
    ssize_t ignored = ::read(release[0], &byte, 1);
    (void)ignored;
    ::_exit(0);
  }
  ::close(release[0]);
  // The child holds the client's end too: only a shutdown reaches the mock.
  connection.shutdown_sending();  // the mock closes its end: its socket lives on in the child
  CHECK(connection.closed_by_peer());
  for (int i = 0; i < 50; ++i) {  // the loops keep working while the end of input stays readable
    RawConnection next(mock.port);
    REQUIRE(next.send(raw_request("/api/users/@me")));
    CHECK(next.read_answer().status_line() == kUnauthorizedLine);
  }
  ::close(release[1]);
  int status = 0;
  ::waitpid(holder, &status, 0);
  CHECK(mock.server.journal().size() == 51);
}

TEST_CASE("HTTP/1.0: one request per connection unless it asks for keep-alive") {
  MockFixture mock;
  SECTION("plain 1.0 closes") {
    RawConnection connection(mock.port);
    REQUIRE(connection.send("GET /api/users/@me HTTP/1.0\r\n\r\n"));
    auto answer = connection.read_answer();
    CHECK(answer.status_line() == kUnauthorizedLine);  // answers are HTTP/1.1, as RFC 9110 allows
    CHECK(answer.has_header("Connection: close"));
    CHECK(connection.closed_by_peer());
  }
  SECTION("1.0 with Connection: keep-alive persists") {
    RawConnection connection(mock.port);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(connection.send("GET /api/users/@me HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      auto answer = connection.read_answer();
      CHECK(answer.status_line() == kUnauthorizedLine);
      CHECK(answer.has_header("Connection: keep-alive"));
    }
  }
}

TEST_CASE("a half-closed client still gets the answers to what it sent") {
  MockFixture mock;
  RawConnection connection(mock.port);
  REQUIRE(connection.send(raw_request("/api/users/@me") + raw_request("/_mock/health")));
  connection.shutdown_sending();
  auto all = connection.read();  // to end of file
  CHECK(all.status_line() == kUnauthorizedLine);
  CHECK(all.bytes.find("HTTP/1.1 200 OK") != std::string::npos);
}

TEST_CASE("idle and slow connections do not hold up a new request") {
  MockFixture mock;
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<RawConnection>(mock.port));
  // Slowloris: heads that never end.
  for (int i = 0; i < 50; ++i) {
    idle.push_back(std::make_unique<RawConnection>(mock.port));
    idle.back()->send("GET /api/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  }
  // A kept-alive connection that went quiet after its request.
  idle.push_back(std::make_unique<RawConnection>(mock.port));
  idle.back()->send(raw_request("/api/users/@me"));
  CHECK(idle.back()->read_answer().status_line() == kUnauthorizedLine);
  for (auto& connection : idle) CHECK(connection->connected());
  // The bound is the raw client's 20 s timeout, far above any answer time:
  // the old one-worker-per-connection door failed this by timing out.
  auto answer = raw_exchange(mock.port, raw_request("/api/users/@me"));
  CHECK(answer.status_line() == kUnauthorizedLine);
  CHECK_FALSE(answer.timed_out);
}

TEST_CASE("stop() returns with connections open, and each of them sees the end") {
  auto mock = std::make_unique<MockFixture>();
  mock_discord::FailureRule delay;
  delay.endpoint = mock_discord::Endpoint::users_me;
  delay.kind = mock_discord::FailureRule::Kind::delay_only;
  delay.delay = std::chrono::minutes(10);
  delay.path = "/api/v9/users/@me";
  mock->server.add_failure(delay);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 5; ++i) {  // kept alive after an answer
    open.push_back(std::make_unique<RawConnection>(mock->port));
    open.back()->send(raw_request("/api/users/@me"));
    CHECK(open.back()->read_answer().status_line() == kUnauthorizedLine);
  }
  open.push_back(std::make_unique<RawConnection>(mock->port));  // mid-request
  open.back()->send("GET /api/users/@me HTTP/1.1\r\n");
  open.push_back(std::make_unique<RawConnection>(mock->port));  // never sent anything
  open.push_back(std::make_unique<RawConnection>(mock->port));  // delayed for minutes
  open.back()->send(raw_request("/api/v9/users/@me"));
  while (mock->server.failures().to_json()[0]["fired"] != 1) std::this_thread::yield();
  CHECK(finishes([&] { mock->server.stop(); }));
  for (auto& connection : open) CHECK(connection->closed_by_peer());
  auto entries = mock->server.journal();
  REQUIRE(entries.size() == 6);
  CHECK(entries.back().status == 0);  // the delayed request, cancelled
  CHECK(finishes([&] { mock.reset(); }));
}

TEST_CASE("connections over the limit are refused with a clear 503") {
  mock_discord::ServerOptions options;
  options.max_connections = 3;
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<RawConnection>(port));
    open.back()->send(raw_request("/api/users/@me"));
    CHECK(open.back()->read_answer().status_line() == kUnauthorizedLine);
  }
  auto refused = raw_exchange(port, raw_request("/api/users/@me"));
  CHECK(refused.status_line() == "HTTP/1.1 503 Service Unavailable");
  CHECK(refused.body().find("3 connections open") != std::string::npos);
  CHECK(refused.has_header("Connection: close"));
  // Once one closes, new connections are served again (as soon as the server has seen the close).
  open.pop_back();
  RawAnswer served;
  for (int attempt = 0; attempt < 10000 && served.status_line() != kUnauthorizedLine; ++attempt) {
    served = raw_exchange(port, raw_request("/api/users/@me"));
    if (served.status_line() != kUnauthorizedLine) std::this_thread::yield();
  }
  CHECK(served.status_line() == kUnauthorizedLine);
}

TEST_CASE("a transport stopped before it started, and twice, is quiet") {
  mock_discord::Transport transport({}, [](const mock_discord::Exchange&) { return mock_discord::Verdict{}; });
  transport.stop();
  transport.stop();
  CHECK_THROWS(transport.start());
}

namespace {

// The mock over https, with a certificate for 127.0.0.1 from a CA of its own.
struct HttpsMock {
  explicit HttpsMock(mock_discord::ServerOptions options = {})
      : server(test_config(), with_tls(options)), port(server.start()) {}
  static mock_discord::ServerOptions with_tls(mock_discord::ServerOptions options) {
    options.tls = support::make_tls_identity({"127.0.0.1", "localhost"});
    return options;
  }
  std::unique_ptr<httplib::SSLClient> client() { return test_tls::client_trusting(server.ca_pem(), port); }

  mock_discord::Server server;
  int port;
};

}  // namespace

TEST_CASE("https: a client that trusts the run's CA gets the same answers as over http") {
  MockFixture plain;
  HttpsMock secure;
  CHECK(secure.server.url() == "https://127.0.0.1:" + std::to_string(secure.port));
  auto client = secure.client();
  client->set_keep_alive(true);
  for (const char* target : {"/api/users/@me", "/api/v10/nothing-here", "/oauth2/authorize?client_id=1"}) {
    INFO(target);
    auto over_http = plain.get(target);
    auto over_https = client->Get(target);
    REQUIRE(over_http);
    REQUIRE(over_https);
    CHECK(over_https->status == over_http->status);
    CHECK(over_https->body == over_http->body);
  }
  auto token = client->Post("/api/oauth2/token", "grant_type=authorization_code&code=nope",
                            "application/x-www-form-urlencoded");
  REQUIRE(token);
  CHECK(token->status == 401);  // no client credentials
  CHECK(secure.server.journal().size() == 4);
}

TEST_CASE("https: a client that does not trust the run's CA refuses the mock's certificate") {
  HttpsMock secure;
  auto stranger = test_tls::client_trusting(support::make_tls_identity({"127.0.0.1"}).ca_pem, secure.port);
  auto answer = stranger->Get("/api/users/@me");
  CHECK_FALSE(answer);
  CHECK(answer.error() == httplib::Error::SSLServerVerification);
  CHECK(secure.server.journal().empty());
}

TEST_CASE("https: plain http sent to the https port is answered 400 in plain text, then closed") {
  HttpsMock secure;
  RawConnection connection(secure.port);
  REQUIRE(connection.send(raw_request("/api/users/@me")));
  auto answer = connection.read();
  CHECK(answer.status_line() == "HTTP/1.1 400 Bad Request");
  CHECK(answer.body().find("this port speaks https") != std::string::npos);
  CHECK(answer.has_header("Connection: close"));
  CHECK_FALSE(answer.timed_out);  // read() ended because the mock closed
  auto still = secure.client()->Get("/api/users/@me");
  REQUIRE(still);
  CHECK(still->status == 401);
}

TEST_CASE("https: a handshake that stalls is closed after the request timeout") {
  mock_discord::TransportOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  auto identity = support::make_tls_identity({"127.0.0.1"});
  options.tls = mock_discord::TransportTls{identity.cert_pem, identity.key_pem};
  mock_discord::Transport transport(options, [](const mock_discord::Exchange&) {
    mock_discord::Verdict verdict;
    verdict.reply.bytes = "HTTP/1.1 204 No Content\r\n\r\n";
    return verdict;
  });
  int port = transport.start();
  RawConnection silent(port);
  RawConnection partial(port);
  REQUIRE(partial.send(std::string("\x16\x03\x01\x02\x00", 5)));  // the start of a ClientHello, never finished
  CHECK(silent.closed_by_peer());
  CHECK(partial.closed_by_peer());
  // The 20 s bound of closed_by_peer is far above the 200 ms timeout: a
  // failure here means the handshake was never cut off.
  auto client = test_tls::client_trusting(identity.ca_pem, port);
  auto answer = client->Get("/");
  REQUIRE(answer);
  CHECK(answer->status == 204);
}

TEST_CASE("https: faults act on the encrypted connection as on a plain one") {
  HttpsMock secure;
  mock_discord::FailureRule rule;
  rule.endpoint = mock_discord::Endpoint::users_me;
  rule.kind = mock_discord::FailureRule::Kind::fault;
  SECTION("reset: no answer") {
    rule.fault = mock_discord::Fault::reset;
    secure.server.add_failure(rule);
    auto answer = secure.client()->Get("/api/users/@me");
    CHECK_FALSE(answer);
    CHECK(answer.error() == httplib::Error::Read);
  }
  SECTION("empty: a well-framed empty 200") {
    rule.fault = mock_discord::Fault::empty;
    secure.server.add_failure(rule);
    auto answer = secure.client()->Get("/api/users/@me");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body.empty());
  }
  SECTION("a delayed answer arrives over the same encrypted connection") {
    rule.kind = mock_discord::FailureRule::Kind::delay_only;
    rule.delay = std::chrono::milliseconds(50);
    secure.server.add_failure(rule);
    auto answer = secure.client()->Get("/api/users/@me");
    REQUIRE(answer);
    CHECK(answer->status == 401);
  }
  auto next = secure.client()->Get("/api/users/@me");  // the rule fired once
  REQUIRE(next);
  CHECK(next->status == 401);
  CHECK(secure.server.journal().size() == 2);
}

TEST_CASE("https: connections over the limit get the 503 after the handshake") {
  mock_discord::ServerOptions options;
  options.max_connections = 1;
  HttpsMock secure(options);
  auto holder = secure.client();  // holds the one connection allowed, kept alive after its answer
  holder->set_keep_alive(true);
  auto served = holder->Get("/api/users/@me");
  REQUIRE(served);
  CHECK(served->status == 401);
  auto refused = secure.client()->Get("/api/users/@me");
  REQUIRE(refused);
  CHECK(refused->status == 503);
}

TEST_CASE("https: mocks with the same certificate serve on their own, and stopping one leaves the other serving") {
  mock_discord::ServerOptions options;
  options.tls = support::make_tls_identity({"127.0.0.1"});
  auto first = std::make_unique<mock_discord::Server>(test_config(), options);
  mock_discord::Server second(test_config(), options);
  int first_port = first->start();
  int second_port = second.start();
  REQUIRE(test_tls::client_trusting(options.tls->ca_pem, first_port)->Get("/api/users/@me"));
  first.reset();  // stopped and gone: the context the two shared must outlive it
  auto answer = test_tls::client_trusting(options.tls->ca_pem, second_port)->Get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 401);
}

TEST_CASE("https: bytes that only start like TLS end that connection, never the mock") {
  HttpsMock secure;
  for (const std::string& garbage : {std::string("\x16\x03\x01\x00\x05hello", 10),
                                     std::string("\x16\x03\x03\xff\xff") + std::string(70000, 'x'),
                                     std::string("\x16") + std::string(100, '\0')}) {
    RawConnection connection(secure.port);
    connection.send(garbage);
    auto answer = connection.read();  // a TLS alert at most, then the end
    CHECK_FALSE(answer.timed_out);
    CHECK(answer.bytes.find("HTTP/") == std::string::npos);
  }
  auto still = secure.client()->Get("/api/users/@me");
  REQUIRE(still);
  CHECK(still->status == 401);
}
