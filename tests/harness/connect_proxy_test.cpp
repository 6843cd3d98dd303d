// The harness's CONNECT proxy: tunnels only the hosts its route allows, to
// the loopback port it names; refuses every other request with a reason that
// names the host; bounded head; stop() ends open tunnels.
#include "harness/connect_proxy.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "harness/local_server.hpp"
#include "support/sockets.hpp"

namespace {

using harness_tests::RawListener;

// Sends `bytes` to 127.0.0.1:port and reads until the proxy closes (5 s at most).
std::string through_proxy(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  timeval limit{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(got));
  ::close(fd);
  return answer;
}

harness::ConnectProxyOptions only_discord_to(int port, std::vector<std::string>* refusals = nullptr) {
  harness::ConnectProxyOptions options;
  options.route = [port](const std::string& host, int target_port) -> std::optional<int> {
    if (host == "discord.com" && target_port == 443) return port;
    return std::nullopt;
  };
  if (refusals) options.on_refusal = [refusals](const std::string& authority) { refusals->push_back(authority); };
  return options;
}

}  // namespace

TEST_CASE("CONNECT to an allowed host opens a tunnel to its loopback port, bytes pass both ways") {
  RawListener upstream(RawListener::Behaviour::reply_and_close, "from the mock");
  harness::ConnectProxy proxy(only_discord_to(upstream.port()));
  const int port = proxy.start();
  const std::string answer = through_proxy(port, "CONNECT discord.com:443 HTTP/1.1\r\nHost: discord.com:443\r\n\r\nhello");
  CHECK(answer == "HTTP/1.1 200 Connection Established\r\n\r\nfrom the mock");
  CHECK(proxy.refused().empty());
}

TEST_CASE("CONNECT to any other host is refused with a 403 that names it, and nothing is connected") {
  RawListener upstream(RawListener::Behaviour::reset);
  std::vector<std::string> heard;
  harness::ConnectProxy proxy(only_discord_to(upstream.port(), &heard));
  const int port = proxy.start();
  const std::string answer = through_proxy(port, "CONNECT Example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  CHECK(answer.rfind("HTTP/1.1 403 harness refused example.com:443: ", 0) == 0);
  CHECK(answer.find("nothing leaves this machine") != std::string::npos);
  CHECK(through_proxy(port, "CONNECT discord.com:80 HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 403 harness refused discord.com:80", 0) == 0);
  CHECK(through_proxy(port, "CONNECT [2606:4700::1]:443 HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 403 harness refused 2606:4700::1:443", 0) == 0);
  CHECK(proxy.refused() == std::vector<std::string>{"example.com:443", "discord.com:80", "2606:4700::1:443"});
  CHECK(heard == proxy.refused());
}

TEST_CASE("plain-http proxy requests and malformed CONNECT lines are refused, naming the host where there is one") {
  harness::ConnectProxy proxy(only_discord_to(1));
  const int port = proxy.start();
  CHECK(through_proxy(port, "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n")
            .rfind("HTTP/1.1 403 harness refused example.com: this proxy only opens https tunnels", 0) == 0);
  CHECK(through_proxy(port, "CONNECT discord.com HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 403 harness refused", 0) == 0);
  CHECK(through_proxy(port, "CONNECT discord.com:99999 HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 403", 0) == 0);
  CHECK(through_proxy(port, "CONNECT discord.com:4x3 HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 403", 0) == 0);
  // The refusal quotes the host in its status line: never a line break from the request.
  CHECK(through_proxy(port, "CONNECT evil\nX-Injected: 1:443 HTTP/1.1\r\n\r\n").find("X-Injected") == std::string::npos);
  CHECK(through_proxy(port, "GET http://evil\nX-Injected:1/ HTTP/1.1\r\n\r\n").find("X-Injected") == std::string::npos);
}

TEST_CASE("a request head over 8 KiB gets 431, and a silent client is dropped after the head timeout") {
  harness::ConnectProxyOptions options = only_discord_to(1);
  options.head_timeout = std::chrono::milliseconds(200);
  harness::ConnectProxy proxy(options);
  const int port = proxy.start();
  CHECK(through_proxy(port, "CONNECT discord.com:443 HTTP/1.1\r\nX: " + std::string(20000, 'a')).rfind("HTTP/1.1 431", 0) == 0);
  const auto began = std::chrono::steady_clock::now();
  CHECK(through_proxy(port, "CONNECT discord.com:443 HTTP/1.1\r\n").empty());
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(4));
}

TEST_CASE("stop() ends an open tunnel and the proxy no longer listens") {
  RawListener upstream(RawListener::Behaviour::never_answer);
  harness::ConnectProxy proxy(only_discord_to(upstream.port()));
  const int port = proxy.start();
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string request = "CONNECT discord.com:443 HTTP/1.1\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0);
  char buffer[256];
  REQUIRE(::recv(fd, buffer, sizeof buffer, 0) > 0);  // 200: the tunnel is open
  proxy.stop();
  timeval limit{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  CHECK(::recv(fd, buffer, sizeof buffer, 0) == 0);  // closed by stop(), not by the 5 s limit
  ::close(fd);
  CHECK_FALSE(support::accepts_connections(port));
}
