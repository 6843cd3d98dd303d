// The CONNECT proxy (behaviour in connect_proxy.hpp): one listener thread,
// one thread per connection that reads the request head, then relays bytes
// both ways until either side closes or stop() is called.
#include "harness/connect_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

#include "support/errors.hpp"
#include "support/sockets.hpp"
#include "support/text.hpp"

namespace harness {
namespace {

using ProxyClock = std::chrono::steady_clock;
constexpr std::size_t max_head_bytes = 8 * 1024;

struct Target {
  std::string host;
  int port = 0;
};

// What a host name or an address literal may hold: the refusal quotes it in a status line.
bool is_host_text(const std::string& text) {
  if (text.empty() || text.size() > 255) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '_') return false;
  return true;
}

// "host:port" or "[v6]:port" of a CONNECT request line; nullopt when malformed.
std::optional<Target> connect_target(const std::string& head) {
  const std::string line = head.substr(0, head.find("\r\n"));
  if (!support::text::starts_with(line, "CONNECT ")) return std::nullopt;
  const std::size_t end = line.find(' ', 8);
  if (end == std::string::npos) return std::nullopt;
  const std::string authority = line.substr(8, end - 8);
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= authority.size() || colon + 6 < authority.size())
    return std::nullopt;
  Target target;
  target.host = support::text::lower(authority.substr(0, colon));
  if (target.host.front() == '[' && target.host.back() == ']') target.host = target.host.substr(1, target.host.size() - 2);
  if (!is_host_text(target.host)) return std::nullopt;
  for (std::size_t i = colon + 1; i < authority.size(); ++i) {
    if (authority[i] < '0' || authority[i] > '9') return std::nullopt;
    target.port = target.port * 10 + (authority[i] - '0');
  }
  if (target.port <= 0 || target.port > 65535) return std::nullopt;
  return target;
}

// The authority of an absolute-form request line ("GET http://host/ ..."), for the refusal.
std::string request_authority(const std::string& head) {
  const std::string line = head.substr(0, head.find("\r\n"));
  const std::size_t scheme = line.find("://");
  if (scheme == std::string::npos) return "(no host)";
  const std::size_t begin = scheme + 3;
  const std::string authority = line.substr(begin, line.find_first_of("/ ", begin) - begin);
  return is_host_text(authority) ? authority : "(a malformed host)";
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

void answer(int fd, const std::string& status_line, const std::string& body) {
  const std::string reply = "HTTP/1.1 " + status_line + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  send_all(fd, reply.data(), reply.size());
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct ConnectProxy::Impl {
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  ConnectProxyOptions options;
  int listener = -1;
  int port = 0;
  int stop_pipe[2] = {-1, -1};  // readable once stop() begins: every poll wakes
  std::thread acceptor;
  mutable std::mutex mutex;
  std::list<Connection> connections;
  std::vector<std::string> refusals;

  explicit Impl(ConnectProxyOptions options_) : options(std::move(options_)) {}

  // Waits for `fd` (and the stop pipe) until `deadline`; false on stop or timeout.
  bool wait_readable(int fd, ProxyClock::time_point deadline) const {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ProxyClock::now()).count();
      if (left <= 0) return false;
      pollfd watch[2] = {{fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
      int ready = ::poll(watch, 2, static_cast<int>(left));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0 || watch[1].revents) return false;
      return true;
    }
  }

  void refuse(int fd, const std::string& authority, const std::string& why) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (refusals.size() < 100) refusals.push_back(authority);
    }
    if (options.on_refusal) options.on_refusal(authority);
    // The reason phrase is what clients quote ("Tunnel connection failed: 403 ...").
    answer(fd, "403 harness refused " + authority + ": " + why, "harness: refused " + authority + ": " + why + "\n");
  }

  void serve(int client) {
    std::string head;
    const auto deadline = ProxyClock::now() + options.head_timeout;
    char buffer[16 * 1024];
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (head.size() > max_head_bytes) return answer(client, "431 Request Header Fields Too Large", "");
      if (!wait_readable(client, deadline)) return;
      ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return;
      head.append(buffer, static_cast<std::size_t>(got));
    }
    const std::string rest = head.substr(head.find("\r\n\r\n") + 4);
    std::optional<Target> target = connect_target(head);
    if (!target)
      return refuse(client, request_authority(head),
                    "this proxy only opens https tunnels (CONNECT), to Discord's names; nothing leaves this machine");
    const std::string authority = target->host + ":" + std::to_string(target->port);
    std::optional<int> local_port = options.route ? options.route(target->host, target->port) : std::nullopt;
    if (!local_port)
      return refuse(client, authority,
                    "during a test run only Discord's names reach the mock, and nothing leaves this machine");
    int upstream = connect_loopback(*local_port);
    if (upstream < 0)
      return answer(client, "502 the mock is not listening", "harness: the mock's port " + std::to_string(*local_port) +
                                                                 " does not accept connections\n");
    static const std::string established = "HTTP/1.1 200 Connection Established\r\n\r\n";
    if (send_all(client, established.data(), established.size()) && send_all(upstream, rest.data(), rest.size()))
      relay(client, upstream, buffer, sizeof buffer);
    ::close(upstream);
  }

  // Bytes both ways until one side closes (then the other is shut down for writing).
  void relay(int client, int upstream, char* buffer, std::size_t size) {
    bool open[2] = {true, true};  // client->upstream, upstream->client
    while (open[0] || open[1]) {
      pollfd watch[3] = {{open[0] ? client : -1, POLLIN, 0}, {open[1] ? upstream : -1, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
      int ready = ::poll(watch, 3, -1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0 || watch[2].revents) return;
      for (int side = 0; side < 2; ++side) {
        if (!open[side] || !watch[side].revents) continue;
        const int from = side == 0 ? client : upstream, to = side == 0 ? upstream : client;
        ssize_t got = ::recv(from, buffer, size, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got == 0) {  // a half close is passed on: TLS may still send close_notify back
          open[side] = false;
          ::shutdown(to, SHUT_WR);
          continue;
        }
        if (got < 0 || !send_all(to, buffer, static_cast<std::size_t>(got))) return;  // a reset: end both
      }
    }
  }

  void reap_finished() {
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->done) {
        it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void accept_loop() {
    for (;;) {
      pollfd watch[2] = {{listener, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
      int ready = ::poll(watch, 2, -1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0 || watch[1].revents) return;
      int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::lock_guard<std::mutex> lock(mutex);
      reap_finished();
      if (connections.size() >= options.max_connections) {
        answer(client, "503 too many connections through the harness's proxy", "");
        ::close(client);
        continue;
      }
      Connection& connection = connections.emplace_back();
      connection.thread = std::thread([this, client, &connection] {
        serve(client);
        ::close(client);
        connection.done = true;
      });
    }
  }
};

ConnectProxy::ConnectProxy(ConnectProxyOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ConnectProxy::~ConnectProxy() { stop(); }

int ConnectProxy::start() {
  if (impl_->listener >= 0) return impl_->port;
  if (::pipe2(impl_->stop_pipe, O_CLOEXEC) != 0)
    throw support::SystemError(std::string("the proxy cannot create a pipe: ") + std::strerror(errno));
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd >= 0) support::reuse_address_only(fd);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw support::SystemError(std::string("the proxy cannot listen on 127.0.0.1: ") + std::strerror(error));
  }
  impl_->listener = fd;
  impl_->port = ntohs(address.sin_port);
  impl_->acceptor = std::thread([this] { impl_->accept_loop(); });
  return impl_->port;
}

void ConnectProxy::stop() {
  if (impl_->listener < 0) return;
  const char wake = 1;
  while (::write(impl_->stop_pipe[1], &wake, 1) < 0 && errno == EINTR) {
  }
  impl_->acceptor.join();
  std::list<Impl::Connection> connections;
  {
    // Joined without the lock: a connection thread takes it to record a refusal.
    std::lock_guard<std::mutex> lock(impl_->mutex);
    connections.splice(connections.end(), impl_->connections);
  }
  for (auto& connection : connections) connection.thread.join();
  for (int fd : {impl_->listener, impl_->stop_pipe[0], impl_->stop_pipe[1]}) ::close(fd);
  impl_->listener = impl_->stop_pipe[0] = impl_->stop_pipe[1] = -1;
}

int ConnectProxy::port() const { return impl_->port; }

std::vector<std::string> ConnectProxy::refused() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->refusals;
}

}  // namespace harness
