// The transport seen from clients: persistent connections, pipelining,
// Connection: close, HTTP/1.0, idle and slow connections that must not hold
// up anyone else, graceful stop with connections open, the connection limit.
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
