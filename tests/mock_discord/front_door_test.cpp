// The front door seen from clients: each fault as a client observes it,
// rule answers, delays, bad requests, limits, admin access and the journal.
#include "mock_discord/front_door.hpp"

#include <ifaddrs.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "mock_discord/failures.hpp"
#include "mock_discord/journal.hpp"
#include "mock_discord/world.hpp"
#include "mock_fixture.hpp"
#include "raw_client.hpp"

using namespace mock_tests;
using mock_discord::Endpoint;
using mock_discord::Fault;
using mock_discord::FailureRule;

namespace {

FailureRule fault_rule(Fault fault, Endpoint endpoint = Endpoint::users_me) {
  FailureRule rule;
  rule.endpoint = endpoint;
  rule.kind = FailureRule::Kind::fault;
  rule.fault = fault;
  return rule;
}

// A users/@me request waits `delay`, then is answered normally.
FailureRule delay_rule(mock_discord::Duration delay) {
  FailureRule rule;
  rule.endpoint = Endpoint::users_me;
  rule.kind = FailureRule::Kind::delay_only;
  rule.delay = delay;
  return rule;
}

mock_discord::JournalEntry last_entry(MockFixture& mock) {
  auto entries = mock.server.journal();
  REQUIRE_FALSE(entries.empty());
  return entries.back();
}

// Spins (no sleeping) until the rule at `index` has fired once: the request
// has reached the front door and is being delayed or hung.
void wait_until_fired(MockFixture& mock, std::size_t index = 0) {
  while (mock.server.failures().to_json()[index]["fired"] != 1) std::this_thread::yield();
}

// The request after a spent rule reaches the routes again: 401 without a token.
void check_answered_normally(MockFixture& mock) {
  auto answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 401);
}

int content_length(const RawAnswer& answer) {
  const std::string name = "\r\nContent-Length: ";
  std::size_t at = answer.bytes.find(name);
  REQUIRE(at != std::string::npos);
  return std::stoi(answer.bytes.substr(at + name.size()));
}

// A second address of this machine, from which a caller is not loopback; "" when there is none.
std::string non_loopback_address() {
  std::string address;
  ifaddrs* interfaces = nullptr;
  if (getifaddrs(&interfaces) != 0) return address;
  for (ifaddrs* it = interfaces; it && address.empty(); it = it->ifa_next) {
    if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr, text, sizeof text);
    if (std::string(text).rfind("127.", 0) != 0) address = text;
  }
  freeifaddrs(interfaces);
  return address;
}

// A front door whose routes answer 204 to everything.
mock_discord::FrontDoorOptions bare_door() {
  mock_discord::FrontDoorOptions options;
  options.discord = [](const httplib::Request&, httplib::Response& response) { response.status = 204; };
  options.admin = options.discord;
  return options;
}

}  // namespace

TEST_CASE("requests go through the front door to the Discord routes and are journaled") {
  MockFixture mock;
  auto answer = mock.get("/api/users/@me?x=1&access_token=leak");
  REQUIRE(answer);
  CHECK(answer->status == 401);
  CHECK(answer->body == R"({"message": "401: Unauthorized", "code": 0})");
  auto entry = last_entry(mock);
  CHECK(entry.method == "GET");
  CHECK(entry.path == "/api/users/@me");
  CHECK(entry.endpoint == "users_me");
  CHECK(entry.status == 401);
  CHECK(entry.rule.empty());
  CHECK(entry.query == support::Params{{"x", "1"}, {"access_token", "[redacted]"}});
  CHECK(entry.virtual_time_ms == Approx(mock.server.world().now_ms()).margin(60000));
}

TEST_CASE("the journal redacts form secrets and follows the virtual clock") {
  MockFixture mock;
  auto first = mock.exchange("not-a-code", {{"code_verifier", "v"}});
  REQUIRE(first);
  auto before = last_entry(mock);
  CHECK(before.endpoint == "token");
  CHECK(support::find_param(before.form, "code") == "[redacted]");
  CHECK(support::find_param(before.form, "code_verifier") == "[redacted]");
  CHECK(support::find_param(before.form, "grant_type") == "authorization_code");
  mock.server.advance_clock(std::chrono::hours(1));
  REQUIRE(mock.get("/api/users/@me"));
  CHECK(last_entry(mock).virtual_time_ms >= before.virtual_time_ms + 3600 * 1000);
  CHECK(mock.server.request_counts() == std::map<std::string, int>{{"token", 1}, {"users_me", 1}});
}

TEST_CASE("fault reset: the client gets a connection reset, then the rule is spent") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::reset));
  auto answer = raw_exchange(mock.port, raw_get("/api/users/@me"));
  CHECK(answer.reset);
  CHECK(answer.bytes.empty());
  auto entry = last_entry(mock);
  CHECK(entry.status == 0);
  CHECK(entry.rule == "users_me fault reset x1");
  check_answered_normally(mock);
}

TEST_CASE("fault reset is an error for an HTTP library too") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::reset));
  auto answer = mock.get("/api/users/@me");
  CHECK_FALSE(answer);
}

TEST_CASE("fault close: end of file without an answer, no reset") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::close));
  auto answer = raw_exchange(mock.port, raw_get("/api/users/@me"));
  CHECK(answer.bytes.empty());
  CHECK_FALSE(answer.reset);
  CHECK_FALSE(answer.timed_out);
  CHECK(last_entry(mock).status == 0);
}

TEST_CASE("fault empty: 200 with an empty JSON body") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::empty));
  auto answer = raw_exchange(mock.port, raw_get("/api/users/@me"));
  CHECK(answer.status_line() == "HTTP/1.1 200 OK");
  CHECK(answer.has_header("Content-Type: application/json"));
  CHECK(answer.has_header("Content-Length: 0"));
  CHECK(answer.body().empty());
}

TEST_CASE("fault malformed_json: 200 application/json that does not parse") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::malformed_json, Endpoint::token));
  auto answer = mock.exchange("whatever");
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->get_header_value("Content-Type") == "application/json");
  CHECK_FALSE(answer->body.empty());
  CHECK_FALSE(nlohmann::json::accept(answer->body));
}

TEST_CASE("fault truncated: the real head, half the body, then end of file") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::truncated));
  auto answer = raw_exchange(mock.port, raw_get("/api/users/@me"));
  CHECK(answer.status_line() == "HTTP/1.1 401 Unauthorized");
  CHECK_FALSE(answer.body().empty());
  CHECK(static_cast<int>(answer.body().size()) < content_length(answer));
  CHECK(last_entry(mock).status == 0);
}

TEST_CASE("fault truncated: the request was processed, the code is spent") {
  MockFixture mock;
  std::string code = mock.obtain_code();
  mock.server.add_failure(fault_rule(Fault::truncated, Endpoint::token));
  auto cut = mock.exchange(code);
  CHECK_FALSE(cut);  // the client cannot read the answer
  CHECK(mock.server.codes_redeemed() == 1);
  auto retry = mock.exchange(code);
  REQUIRE(retry);
  CHECK(retry->status == 400);
}

TEST_CASE("fault hang: no answer until the client gives up") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::hang));
  RawConnection connection(mock.port, "127.0.0.1", std::chrono::milliseconds(300));
  connection.send(raw_get("/api/users/@me"));
  auto answer = connection.read();
  CHECK(answer.timed_out);
  CHECK(answer.bytes.empty());
  connection.close();  // the front door notices and frees its worker
  check_answered_normally(mock);
}

TEST_CASE("fault hang: an HTTP client's read timeout ends it") {
  MockFixture mock;
  mock.server.add_failure(fault_rule(Fault::hang));
  mock.http.set_read_timeout(std::chrono::milliseconds(300));
  auto answer = mock.get("/api/users/@me");
  REQUIRE_FALSE(answer);
  CHECK(answer.error() == httplib::Error::Read);
}

TEST_CASE("stop() cuts a hang and a delay short") {
  auto rule = GENERATE(as<std::string>{}, "hang", "delay");
  MockFixture mock;
  mock.server.add_failure(rule == "delay" ? delay_rule(std::chrono::minutes(10)) : fault_rule(Fault::hang));
  RawAnswer answer;
  std::thread client([&] { answer = raw_exchange(mock.port, raw_get("/api/users/@me")); });
  wait_until_fired(mock);
  mock.server.stop();
  client.join();
  CHECK(answer.bytes.empty());
  CHECK_FALSE(answer.timed_out);
}

TEST_CASE("delay: the answer comes, later, and the journal names the rule") {
  MockFixture mock;
  mock.server.add_failure(delay_rule(std::chrono::milliseconds(50)));
  auto answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 401);
  auto entry = last_entry(mock);
  CHECK(entry.rule == "users_me delay 50ms x1");
  CHECK(entry.latency_ms >= 40);  // a lower bound: waiting can only take longer
}

TEST_CASE("status rules answer with their status, body and headers") {
  MockFixture mock;
  FailureRule json;
  json.endpoint = Endpoint::users_me;
  json.status = 503;
  json.body = R"({"a": 1})";
  json.headers = {{"X-Test", "yes"}};
  mock.server.add_failure(json);
  auto answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 503);
  CHECK(answer->body == R"({"a": 1})");
  CHECK(answer->get_header_value("Content-Type") == "application/json");
  CHECK(answer->get_header_value("X-Test") == "yes");
  CHECK(last_entry(mock).status == 503);

  FailureRule text;
  text.status = 502;
  text.body = "Bad gateway from the edge";
  text.headers = {{"Content-Type", "text/html"}};
  mock.server.add_failure(text);
  answer = mock.get("/anything");
  REQUIRE(answer);
  CHECK(answer->status == 502);
  CHECK(answer->get_header_value("Content-Type") == "text/html");
  CHECK(answer->get_header_value_count("Content-Type") == 1);

  FailureRule bare;
  bare.status = 500;
  mock.server.add_failure(bare);
  answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->body == R"({"message": "500: Internal Server Error", "code": 0})");
}

TEST_CASE("error rules answer Discord's body for that error") {
  MockFixture mock;
  FailureRule error;
  error.endpoint = Endpoint::token;
  error.kind = FailureRule::Kind::error;
  error.error = "invalid_grant";
  mock.server.add_failure(error);
  auto answer = mock.exchange(mock.obtain_code());
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK(answer->body == R"({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})");
  CHECK(mock.server.codes_redeemed() == 0);  // answered at the door: the code was never seen
}

TEST_CASE("an invalid_grant rule on a refresh request answers the refresh-token text") {
  MockFixture mock;
  Tokens tokens = mock.login();
  FailureRule error;
  error.endpoint = Endpoint::token;
  error.kind = FailureRule::Kind::error;
  error.error = "invalid_grant";
  error.times = std::nullopt;
  mock.server.add_failure(error);
  auto refresh = mock.post_form("/api/oauth2/token", {{"grant_type", "refresh_token"}, {"refresh_token", tokens.refresh}},
                                basic_auth(kClientId, kClientSecret));
  REQUIRE(refresh);
  CHECK(refresh->status == 400);
  CHECK(refresh->body == R"({"error": "invalid_grant", "error_description": "Invalid \"refresh_token\" in request"})");
  auto code = mock.exchange("any");
  REQUIRE(code);
  CHECK(code->body == R"({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})");
}

TEST_CASE("rate_limit rules answer 429 with Discord's body and headers") {
  MockFixture mock;
  FailureRule limit;
  limit.endpoint = Endpoint::users_me;
  limit.kind = FailureRule::Kind::rate_limit;
  limit.retry_after = 1.5;
  mock.server.add_failure(limit);
  auto answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 429);
  auto body = nlohmann::json::parse(answer->body);
  CHECK(body["message"] == "You are being rate limited.");
  CHECK(body["retry_after"] == 1.5);
  CHECK(body["global"] == false);
  CHECK(answer->get_header_value("Retry-After") == "2");
  CHECK(answer->get_header_value("X-RateLimit-Scope") == "user");
  CHECK(answer->has_header("X-RateLimit-Bucket"));
  CHECK(answer->get_header_value("X-RateLimit-Limit") == "50");  // the nominal bucket the route's answers report
}

TEST_CASE("a rate_limit rule reports the route's configured limit, as the config's own 429 does") {
  auto config = test_config();
  config.rate_limits[Endpoint::users_me] = {5, std::chrono::seconds(5)};
  MockFixture mock(config);
  FailureRule limit;
  limit.endpoint = Endpoint::users_me;
  limit.kind = FailureRule::Kind::rate_limit;
  mock.server.add_failure(limit);
  auto answer = mock.get("/api/users/@me");
  REQUIRE(answer);
  CHECK(answer->status == 429);
  CHECK(answer->get_header_value("X-RateLimit-Limit") == "5");
  CHECK(answer->get_header_value("X-RateLimit-Remaining") == "0");
  auto normal = mock.get("/api/users/@me");
  REQUIRE(normal);
  CHECK(normal->get_header_value("X-RateLimit-Limit") == "5");
}

TEST_CASE("rules for any endpoint leave the admin API alone") {
  MockFixture mock;
  FailureRule always;
  always.status = 500;
  always.times = std::nullopt;
  mock.server.add_failure(always);
  auto admin = mock.get("/_mock/health");
  REQUIRE(admin);
  CHECK(admin->status == 200);
  auto api = mock.get("/api/users/@me");
  REQUIRE(api);
  CHECK(api->status == 500);
}

TEST_CASE("garbage and malformed requests get Discord's 400, never a crash") {
  MockFixture mock;
  for (const std::string& garbage : {std::string("GARBAGE\x01\r\n\r\n"), std::string("\x16\x03\x01\x02\x00\x01", 6),
                                    std::string("GET / HTTP/1.1\r\nno colon here\r\n\r\n"),
                                    std::string("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n")}) {
    auto answer = raw_exchange(mock.port, garbage);
    INFO(garbage);
    CHECK(answer.status_line() == "HTTP/1.1 400 Bad Request");
    CHECK(answer.body() == R"({"message": "400: Bad Request", "code": 0})");
  }
  CHECK(last_entry(mock).status == 400);
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"}) {
    INFO(version);
    auto answer = raw_exchange(mock.port, std::string("GET /api/users/@me ") + version + "\r\nHost: a\r\n\r\n");
    CHECK(answer.status_line() == "HTTP/1.1 400 Bad Request");  // bad input is never an unscripted 5xx
    CHECK(answer.body() == R"({"message": "400: Bad Request", "code": 0})");
    CHECK(last_entry(mock).status == 400);
  }
  check_answered_normally(mock);
}

TEST_CASE("a POST without Content-Length is a POST without a body, answered at once") {
  MockFixture mock;
  const std::string auth = basic_auth(kClientId, kClientSecret).begin()->second;
  // What `curl -u ID:SECRET -X POST URL` sends: no Content-Length, no body.
  auto bodiless = [&](const std::string& target) {
    return raw_exchange(mock.port, "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + auth + "\r\n\r\n");
  };
  for (const char* target : {"/api/oauth2/token?grant_type=client_credentials&scope=identify", "/api/v10/oauth2/token/revoke"}) {
    INFO(target);
    auto answer = bodiless(target);
    CHECK(answer.status_line() == "HTTP/1.1 400 Bad Request");
    CHECK(answer.body() == R"({"error": "unsupported_grant_type", "error_description": "Grant type None is not supported"})");
  }
  auto legacy = bodiless("/api/oauth2/authorize?client_id=1&scope=identify");
  CHECK(legacy.status_line() == "HTTP/1.1 302 Found");
  CHECK(location_in(legacy) == "/oauth2/authorize?client_id=1&scope=identify");
}

TEST_CASE("bodies over 1 MiB are 413; 1 MiB is not") {
  MockFixture mock;
  auto over = mock.http.Post("/api/oauth2/token", std::string(1024 * 1024 + 1, 'a'), "application/x-www-form-urlencoded");
  REQUIRE(over);
  CHECK(over->status == 413);
  CHECK(over->body == R"({"message": "413: Payload Too Large", "code": 0})");
  auto entry = last_entry(mock);
  CHECK(entry.path == "/api/oauth2/token");
  CHECK(entry.status == 413);
  auto limit = mock.http.Post("/api/oauth2/token", "a=" + std::string(1024 * 1024 - 2, 'a'), "application/x-www-form-urlencoded");
  REQUIRE(limit);
  CHECK(limit->status == 400);
  CHECK(limit->body == R"({"error": "unsupported_grant_type", "error_description": "Grant type None is not supported"})");
}

TEST_CASE("Expect: 100-continue gets its interim answer; chunked bodies are forwarded decoded") {
  MockFixture mock;
  const std::string form = "grant_type=client_credentials&scope=identify";
  const std::string auth = basic_auth(kClientId, kClientSecret).begin()->second;
  RawConnection connection(mock.port);
  connection.send("POST /api/oauth2/token HTTP/1.1\r\nHost: a\r\nAuthorization: " + auth +
                  "\r\nContent-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: " +
                  std::to_string(form.size()) + "\r\n\r\n");
  CHECK(connection.read("\r\n\r\n").bytes == "HTTP/1.1 100 Continue\r\n\r\n");
  connection.send(form);
  CHECK(connection.read_answer().status_line() == "HTTP/1.1 200 OK");

  std::string chunked = "POST /api/oauth2/token HTTP/1.1\r\nHost: a\r\nAuthorization: " + auth +
                        "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        "10\r\n" + form.substr(0, 16) + "\r\n" + [&] {
                          std::ostringstream size;
                          size << std::hex << form.size() - 16;
                          return size.str();
                        }() + "\r\n" + form.substr(16) + "\r\n0\r\n\r\n";
  auto answer = raw_exchange(mock.port, chunked);
  CHECK(answer.status_line() == "HTTP/1.1 200 OK");
  CHECK(support::find_param(last_entry(mock).form, "grant_type") == "client_credentials");
}

TEST_CASE("the admin API needs the token when one is set, and is never journaled") {
  mock_discord::ServerOptions options;
  options.admin_token = "t0ken";
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  auto refused = raw_exchange(port, raw_get("/_mock/health"));
  CHECK(refused.status_line() == "HTTP/1.1 403 Forbidden");
  CHECK(refused.body() == R"({"message": "403: Forbidden", "code": 0})");
  CHECK(raw_exchange(port, raw_get("/_mock/health", "Authorization: Bearer wrong\r\n")).status_line() ==
        "HTTP/1.1 403 Forbidden");
  CHECK(raw_exchange(port, raw_get("/_mock/health", "Authorization: Bearer t0ken\r\n")).status_line() ==
        "HTTP/1.1 200 OK");
  CHECK(raw_exchange(port, raw_get("/api/users/@me")).status_line() == "HTTP/1.1 401 Unauthorized");
  CHECK(server.journal().size() == 1);
}

TEST_CASE("without a token the admin API answers loopback callers only") {
  // A second address of this machine makes the caller non-loopback.
  std::string address = non_loopback_address();
  if (address.empty()) {
    WARN("no non-loopback IPv4 address on this machine: only the loopback side is checked");
  }
  mock_discord::ServerOptions options;
  options.host = "0.0.0.0";
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  CHECK(raw_exchange(port, raw_get("/_mock/health")).status_line() == "HTTP/1.1 200 OK");
  if (!address.empty()) {
    RawConnection remote(port, address);
    remote.send(raw_get("/_mock/health"));
    CHECK(remote.read_answer().status_line() == "HTTP/1.1 403 Forbidden");
    RawConnection api(port, address);
    api.send(raw_get("/api/users/@me"));
    CHECK(api.read_answer().status_line() == "HTTP/1.1 401 Unauthorized");
  }
}

TEST_CASE("a client that stops sending mid-request gets 408; a silent one is just closed") {
  mock_discord::FailureEngine failures;
  mock_discord::Journal journal;
  auto options = bare_door();
  options.transport.request_timeout = std::chrono::milliseconds(100);
  options.transport.idle_timeout = std::chrono::milliseconds(100);
  mock_discord::FrontDoor door(options, failures, journal, [] { return std::int64_t{0}; });
  int port = door.start();
  auto partial = raw_exchange(port, "GET /api/users/@me HTTP/1.1\r\nHost: a\r\n");
  CHECK(partial.status_line() == "HTTP/1.1 408 Request Timeout");
  REQUIRE(journal.entries().size() == 1);
  CHECK(journal.entries()[0].status == 408);
  auto silent = raw_exchange(port, "");
  CHECK(silent.bytes.empty());
  CHECK_FALSE(silent.timed_out);
  CHECK(journal.entries().size() == 1);
}

TEST_CASE("a slow client that keeps sending still gets 408 at the request timeout") {
  mock_discord::FailureEngine failures;
  mock_discord::Journal journal;
  auto options = bare_door();
  options.transport.request_timeout = std::chrono::milliseconds(200);
  mock_discord::FrontDoor door(options, failures, journal, [] { return std::int64_t{0}; });
  RawConnection slow(door.start());
  slow.send("GET /api/users/@me HTTP/1.1\r\n");
  // One header line every 20 ms: never silent, never complete.
  std::atomic<bool> answered{false};
  std::thread trickle([&] {
    for (int i = 0; i < 500 && !answered && slow.send("X-Slow: " + std::to_string(i) + "\r\n"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  RawAnswer answer = slow.read_answer();
  answered = true;
  trickle.join();
  CHECK(answer.status_line() == "HTTP/1.1 408 Request Timeout");
}

TEST_CASE("a front door's routes are called in-process, and stop() is idempotent") {
  mock_discord::FailureEngine failures;
  mock_discord::Journal journal;
  mock_discord::FrontDoor door(bare_door(), failures, journal, [] { return std::int64_t{0}; });
  int port = door.start();
  CHECK(door.port() == port);
  CHECK(raw_exchange(port, raw_get("/api/users/@me")).status_line() == "HTTP/1.1 204 No Content");
  door.stop();
  door.stop();
  CHECK_FALSE(RawConnection(port).read().connected);
}

TEST_CASE("fault hang ends with a close at the hang limit") {
  mock_discord::FailureEngine failures;
  FailureRule hang = fault_rule(Fault::hang, Endpoint::any);
  failures.add(hang);
  mock_discord::Journal journal;
  auto options = bare_door();
  options.transport.hang_limit = std::chrono::milliseconds(100);
  mock_discord::FrontDoor door(options, failures, journal, [] { return std::int64_t{0}; });
  auto answer = raw_exchange(door.start(), raw_get("/api/users/@me"));
  CHECK(answer.bytes.empty());
  CHECK_FALSE(answer.timed_out);
  CHECK_FALSE(answer.reset);
}

TEST_CASE("a request counts in the journal from its arrival, while it is still delayed") {
  MockFixture mock;
  mock.server.add_failure(delay_rule(std::chrono::minutes(10)));
  RawAnswer answer;
  std::thread client([&] { answer = raw_exchange(mock.port, raw_get("/api/users/@me")); });
  wait_until_fired(mock);
  // Bounded, not timed: the entry is opened right after the rule fires.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (mock.server.request_counts()["users_me"] == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(mock.server.request_counts()["users_me"] == 1);
  CHECK(last_entry(mock).status == 0);  // no answer yet
  mock.server.stop();
  client.join();
}

namespace {

// What a request for users/@me gets as the second request of a kept-alive
// connection, with `rule` added after the first; then whether a third
// request on that connection is still answered, and how.
struct ReusedAnswer {
  RawAnswer second;
  std::string third_status;  // empty: no third answer
  bool third_answered() const { return third_status == "HTTP/1.1 401 Unauthorized"; }
};

ReusedAnswer on_reused_connection(MockFixture& mock, const FailureRule& rule,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  RawConnection connection(mock.port, "127.0.0.1", timeout);
  connection.send(raw_get("/api/users/@me"));
  REQUIRE(connection.read_answer().status_line() == "HTTP/1.1 401 Unauthorized");
  mock.server.add_failure(rule);
  ReusedAnswer result;
  connection.send(raw_get("/api/users/@me"));
  result.second = connection.read_answer();
  if (!result.second.reset && !result.second.bytes.empty() && !result.second.timed_out &&
      connection.send(raw_get("/api/users/@me")))
    result.third_status = connection.read_answer().status_line();
  return result;
}

}  // namespace

TEST_CASE("every fault works on the second request of a kept-alive connection") {
  MockFixture mock;
  SECTION("reset") {
    auto result = on_reused_connection(mock, fault_rule(Fault::reset));
    CHECK(result.second.reset);
    CHECK(result.second.bytes.empty());
  }
  SECTION("close") {
    auto result = on_reused_connection(mock, fault_rule(Fault::close));
    CHECK(result.second.bytes.empty());
    CHECK_FALSE(result.second.reset);
    CHECK_FALSE(result.second.timed_out);
  }
  SECTION("empty") {
    auto result = on_reused_connection(mock, fault_rule(Fault::empty));
    CHECK(result.second.status_line() == "HTTP/1.1 200 OK");
    CHECK(result.second.has_header("Content-Length: 0"));
    CHECK(result.third_answered());  // well framed: the connection goes on
  }
  SECTION("malformed_json") {
    auto result = on_reused_connection(mock, fault_rule(Fault::malformed_json));
    CHECK(result.second.status_line() == "HTTP/1.1 200 OK");
    CHECK_FALSE(nlohmann::json::accept(result.second.body()));
    CHECK(result.third_answered());
  }
  SECTION("truncated") {
    auto result = on_reused_connection(mock, fault_rule(Fault::truncated));
    CHECK(result.second.status_line() == "HTTP/1.1 401 Unauthorized");
    CHECK(static_cast<int>(result.second.body().size()) < content_length(result.second));
    CHECK_FALSE(result.third_answered());  // it ended with the cut answer
  }
  SECTION("hang") {
    auto result = on_reused_connection(mock, fault_rule(Fault::hang), std::chrono::milliseconds(300));
    CHECK(result.second.timed_out);
    CHECK(result.second.bytes.empty());
  }
  SECTION("delay") {
    auto result = on_reused_connection(mock, delay_rule(std::chrono::milliseconds(20)));
    CHECK(result.second.status_line() == "HTTP/1.1 401 Unauthorized");
    CHECK(result.third_answered());
  }
  SECTION("status") {
    FailureRule rule;
    rule.endpoint = Endpoint::users_me;
    rule.status = 503;
    auto result = on_reused_connection(mock, rule);
    CHECK(result.second.status_line() == "HTTP/1.1 503 Service Unavailable");
    CHECK(result.third_answered());
  }
  SECTION("error") {
    FailureRule rule;
    rule.endpoint = Endpoint::users_me;
    rule.kind = FailureRule::Kind::error;
    rule.error = "invalid_client";
    auto result = on_reused_connection(mock, rule);
    CHECK(result.second.body().find("invalid_client") != std::string::npos);
    CHECK(result.third_answered());
  }
  SECTION("rate_limit") {
    FailureRule rule;
    rule.endpoint = Endpoint::users_me;
    rule.kind = FailureRule::Kind::rate_limit;
    auto result = on_reused_connection(mock, rule);
    CHECK(result.second.status_line() == "HTTP/1.1 429 Too Many Requests");
    CHECK(result.second.has_header("Retry-After: 1"));
    // The scripted 429 holds its route for retry_after, as Discord's buckets
    // do: the connection goes on, and the third request is still limited.
    CHECK(result.third_status == "HTTP/1.1 429 Too Many Requests");
  }
  auto entries = mock.server.journal();
  REQUIRE(entries.size() >= 2);
  CHECK_FALSE(entries[1].rule.empty());  // the second request met the rule, journaled
}

TEST_CASE("the admin guard judges the decoded path, the one the routing uses") {
  const std::string target = GENERATE(as<std::string>{}, "/%5Fmock/state", "/%5fmock/state", "/_mock%2Fstate",
                                      "/_mock/%73tate", "/%5F%6D%6F%63%6B/state");
  INFO(target);
  mock_discord::ServerOptions options;
  options.admin_token = "t0ken";
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  auto refused = raw_exchange(port, raw_get(target));
  CHECK(refused.status_line() == "HTTP/1.1 403 Forbidden");
  CHECK(refused.body().find("failures") == std::string::npos);
  auto allowed = raw_exchange(port, raw_get(target, "Authorization: Bearer t0ken\r\n"));
  CHECK(allowed.status_line() == "HTTP/1.1 200 OK");  // it is the admin API: same path, same guard
  CHECK(allowed.body().find("failures") != std::string::npos);
  CHECK(server.journal().empty());
}

TEST_CASE("double encoding is decoded once: /%255Fmock is not the admin API") {
  mock_discord::ServerOptions options;
  options.admin_token = "t0ken";
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  for (const char* target : {"/%255Fmock/state", "/%255fmock%252Fstate"}) {
    INFO(target);
    auto answer = raw_exchange(port, raw_get(target));
    CHECK(answer.status_line() == "HTTP/1.1 404 Not Found");
    CHECK(answer.body() == R"({"message": "404: Not Found", "code": 0})");
  }
  auto broken = raw_exchange(port, raw_get("/_mock/state%zz"));
  CHECK(broken.status_line() == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("encoded admin paths from a non-loopback peer are refused") {
  std::string address = non_loopback_address();
  if (address.empty()) {
    WARN("no non-loopback IPv4 address on this machine: nothing to check");
    return;
  }
  mock_discord::ServerOptions options;
  options.host = "0.0.0.0";
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  for (const char* target : {"/_mock/state", "/%5Fmock/state", "/%5fmock/state", "/_mock%2Fstate", "/%5F%6Dock/health"}) {
    INFO(target);
    RawConnection remote(port, address);
    remote.send(raw_get(target));
    auto answer = remote.read_answer();
    CHECK(answer.status_line() == "HTTP/1.1 403 Forbidden");
  }
}

TEST_CASE("request bodies with a Content-Encoding are refused, never inflated") {
  const std::string coding = GENERATE(as<std::string>{}, "gzip", "deflate", "br", "compress", "x-gzip", "identity",
                                      "gzip, gzip", "zstd");
  INFO(coding);
  MockFixture mock;
  std::string code = mock.obtain_code();
  // Not even compressed: the header alone decides.
  const std::string form = "grant_type=authorization_code&code=" + code + "&redirect_uri=" +
                           support::percent_encode(kRedirectUri);
  const std::string auth = basic_auth(kClientId, kClientSecret).begin()->second;
  auto answer = raw_exchange(mock.port, "POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + auth +
                                            "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Encoding: " +
                                            coding + "\r\nContent-Length: " + std::to_string(form.size()) +
                                            "\r\n\r\n" + form);
  CHECK(answer.status_line() == "HTTP/1.1 415 Unsupported Media Type");
  CHECK(answer.body().find("Content-Encoding: " + coding) != std::string::npos);
  CHECK(mock.server.codes_redeemed() == 0);
  CHECK(last_entry(mock).status == 415);
  auto admin = raw_exchange(mock.port, "POST /_mock/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: " + coding +
                                           "\r\nContent-Length: 2\r\n\r\n{}");
  CHECK(admin.status_line() == "HTTP/1.1 415 Unsupported Media Type");
}

TEST_CASE("the admin API refuses other hosts' names (DNS rebinding) and cross-site requests") {
  MockFixture mock;
  const std::string own = "127.0.0.1:" + std::to_string(mock.port);
  auto health = [&](const std::string& headers) {
    return raw_exchange(mock.port, "GET /_mock/health HTTP/1.1\r\n" + headers + "\r\n").status_line();
  };
  CHECK(health("Host: " + own + "\r\n") == "HTTP/1.1 200 OK");
  CHECK(health("Host: localhost:" + std::to_string(mock.port) + "\r\n") == "HTTP/1.1 200 OK");
  CHECK(health("Host: [::1]:" + std::to_string(mock.port) + "\r\n") == "HTTP/1.1 200 OK");
  CHECK(health("Host: evil.test:" + std::to_string(mock.port) + "\r\n") == "HTTP/1.1 403 Forbidden");
  CHECK(health("Host: 127.0.0.1.evil.test\r\n") == "HTTP/1.1 403 Forbidden");
  auto rebinding = raw_exchange(mock.port, "GET /_mock/state HTTP/1.1\r\nHost: evil.test\r\n\r\n");
  CHECK(rebinding.body().find("evil.test") != std::string::npos);  // says why
  CHECK(rebinding.body().find("failures") == std::string::npos);

  mock.server.set_signed_in("mallory");
  auto reset = [&](const std::string& headers) {
    return raw_exchange(mock.port, "POST /_mock/reset HTTP/1.1\r\nHost: " + own + "\r\n" + headers +
                                       "Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n")
        .status_line();
  };
  CHECK(reset("Origin: http://evil.test\r\n") == "HTTP/1.1 403 Forbidden");
  CHECK(reset("Origin: null\r\n") == "HTTP/1.1 403 Forbidden");
  CHECK(reset("Sec-Fetch-Site: cross-site\r\n") == "HTTP/1.1 403 Forbidden");
  CHECK(mock.server.config().signed_in == "mallory");  // none of them got through
  CHECK(reset("Origin: http://" + own + "\r\nSec-Fetch-Site: same-origin\r\n") == "HTTP/1.1 200 OK");
  CHECK(mock.server.config().signed_in != "mallory");
  // The Discord API is not guarded: apps' own pages call it cross-origin.
  CHECK(raw_exchange(mock.port, raw_get("/api/users/@me", "Origin: http://evil.test\r\n")).status_line() ==
        "HTTP/1.1 401 Unauthorized");
}
