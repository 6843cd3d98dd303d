// The harness's https client against the mock over https: the same answers
// as over http; every way a certificate or a connection can fail has
// Chrome's name; a host table sends https to the ports that speak it.
#include "harness/tls_client.hpp"

#include <catch2/catch.hpp>

#include "harness/host_table.hpp"
#include "harness/http_exchange.hpp"
#include "local_server.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/transport.hpp"
#include "support/errors.hpp"
#include "support/tls_identity.hpp"

using namespace harness;
using namespace std::chrono_literals;
using harness_tests::LocalServer;
using harness_tests::RawListener;

namespace {

struct HttpsMock {
  HttpsMock() : server(mock_discord::Config::defaults("http://127.0.0.1:9"), options()), port(server.start()) {}
  mock_discord::ServerOptions options() {
    mock_discord::ServerOptions options;
    options.tls = identity;
    return options;
  }
  support::TlsIdentity identity = support::make_tls_identity({"127.0.0.1", "localhost", "discord.com"});
  std::shared_ptr<const TlsTrust> trust = std::make_shared<const TlsTrust>(identity.ca_pem);
  mock_discord::Server server;
  int port;
};

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = *support::parse_url(url);
  return request;
}

TransportOptions trusting(std::shared_ptr<const TlsTrust> trust) {
  TransportOptions options;
  options.tls = std::move(trust);
  return options;
}

}  // namespace

TEST_CASE("tls client: answers over https are the mock's, whole") {
  HttpsMock mock;
  const std::string base = "https://127.0.0.1:" + std::to_string(mock.port);
  HttpResult me = send_to_local_port(get(base + "/api/users/@me"), mock.port, trusting(mock.trust));
  REQUIRE(me.ok());
  CHECK(me.response->status == 401);
  CHECK(me.response->body == R"({"message": "401: Unauthorized", "code": 0})");
  // A page larger than one TLS record (16 KiB) arrives whole.
  HttpResult page = send_to_local_port(get(base + "/_mock/"), mock.port, trusting(mock.trust));
  REQUIRE(page.ok());
  CHECK(page.response->status == 200);
  CHECK(page.response->body.find("</html>") != std::string::npos);
  HttpRequest post = get("https://discord.com/api/oauth2/token");
  post.method = "POST";
  post.headers.add("Content-Type", "application/x-www-form-urlencoded");
  post.body = "grant_type=authorization_code&code=x";
  HttpResult token = send_to_local_port(post, mock.port, trusting(mock.trust));
  REQUIRE(token.ok());
  CHECK(token.response->status == 401);  // no client: the request arrived whole and was judged
}

TEST_CASE("tls client: certificate failures have Chrome's names") {
  HttpsMock mock;
  const std::string port = std::to_string(mock.port);
  auto stranger = std::make_shared<const TlsTrust>(support::make_tls_identity({"127.0.0.1"}).ca_pem);
  HttpResult untrusted = send_to_local_port(get("https://127.0.0.1:" + port + "/"), mock.port, trusting(stranger));
  CHECK(untrusted.error.kind == TransportError::Kind::tls_error);
  CHECK(untrusted.error.code == "ERR_CERT_AUTHORITY_INVALID");
  HttpResult wrong_name = send_to_local_port(get("https://example.test:" + port + "/"), mock.port, trusting(mock.trust));
  CHECK(wrong_name.error.code == "ERR_CERT_COMMON_NAME_INVALID");
  CHECK(wrong_name.error.message.find("not for example.test") != std::string::npos);
  HttpResult wrong_address = send_to_local_port(get("https://127.0.0.2:" + port + "/"), mock.port, trusting(mock.trust));
  CHECK(wrong_address.error.code == "ERR_CERT_COMMON_NAME_INVALID");
  CHECK(mock.server.journal().empty());
}

TEST_CASE("tls client: a server that does not speak TLS, resets, or stalls") {
  auto trust = std::make_shared<const TlsTrust>(support::make_tls_identity({"127.0.0.1"}).ca_pem);
  LocalServer plain;
  plain.http.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
  plain.start();
  HttpResult not_tls =
      send_to_local_port(get("https://127.0.0.1:" + std::to_string(plain.port()) + "/"), plain.port(), trusting(trust));
  CHECK(not_tls.error.code == "ERR_SSL_PROTOCOL_ERROR");

  RawListener silent(RawListener::Behaviour::never_answer);
  TransportOptions impatient = trusting(trust);
  impatient.connect_timeout = 200ms;
  HttpResult stalled = send_to_local_port(get("https://127.0.0.1:" + std::to_string(silent.port()) + "/"), silent.port(), impatient);
  CHECK(stalled.error.kind == TransportError::Kind::timed_out);
  CHECK(stalled.error.code == "ERR_TIMED_OUT");

  HttpsMock mock;
  mock_discord::FailureRule reset;
  reset.endpoint = mock_discord::Endpoint::users_me;
  reset.kind = mock_discord::FailureRule::Kind::fault;
  reset.fault = mock_discord::Fault::reset;
  mock.server.add_failure(reset);
  HttpResult was_reset = send_to_local_port(get("https://127.0.0.1:" + std::to_string(mock.port) + "/api/users/@me"),
                                            mock.port, trusting(mock.trust));
  CHECK(was_reset.error.code == "ERR_CONNECTION_RESET");
}

TEST_CASE("tls client: a host table sends https to the ports that speak it, http as it is") {
  HttpsMock mock;
  HostTable hosts;
  hosts.map_to_port("discord.com", mock.port);
  HttpResult unknown_port = hosts.send(get("https://discord.com/api/users/@me"));
  CHECK(unknown_port.error.code == "ERR_SSL_PROTOCOL_ERROR");  // not yet known to speak https
  hosts.serve_https(mock.port, mock.trust);
  HttpResult named = hosts.send(get("https://discord.com/api/users/@me"));
  REQUIRE(named.ok());
  CHECK(named.response->status == 401);
  HttpResult loopback = hosts.send(get("https://localhost:" + std::to_string(mock.port) + "/api/users/@me"));
  REQUIRE(loopback.ok());
  CHECK(loopback.response->status == 401);
  HttpResult plain = hosts.send(get("http://127.0.0.1:" + std::to_string(mock.port) + "/api/users/@me"));
  REQUIRE(plain.ok());
  CHECK(plain.response->status == 400);
}

TEST_CASE("tls client: an answer cut short, with or without close_notify, is named as over plain http") {
  auto identity = support::make_tls_identity({"127.0.0.1"});
  auto trust = std::make_shared<const TlsTrust>(identity.ca_pem);
  mock_discord::TransportOptions options;
  options.tls = mock_discord::TransportTls{identity.cert_pem, identity.key_pem};
  options.hang_limit = 50ms;  // a hang ends with a FIN and no close_notify
  mock_discord::Reply::After after = mock_discord::Reply::After::close;
  std::string bytes;
  mock_discord::Transport transport(options, [&](const mock_discord::Exchange&) {
    mock_discord::Verdict verdict;
    verdict.reply = {bytes, after};
    return verdict;
  });
  const int port = transport.start();
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  const std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial";
  for (auto ending : {mock_discord::Reply::After::close, mock_discord::Reply::After::hang}) {
    INFO((ending == mock_discord::Reply::After::close ? "close_notify, then FIN" : "FIN alone"));
    after = ending;
    bytes = partial;
    CHECK(send_to_local_port(get(url), port, trusting(trust)).error.code == "ERR_CONTENT_LENGTH_MISMATCH");
    bytes = "";
    CHECK(send_to_local_port(get(url), port, trusting(trust)).error.code == "ERR_EMPTY_RESPONSE");
  }
}

TEST_CASE("tls client: a CA text without a certificate is refused") {
  CHECK_THROWS_AS(TlsTrust("not a certificate"), support::InputError);
}
