// Test fixtures for the browser and tunnel tests: a cpp-httplib server on a
// free port (routes added before start()), and raw listeners that misbehave
// the way the mock's faults do (close at once, or never answer).
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <string>
#include <vector>
#include <stdexcept>
#include <thread>

namespace harness_tests {

class LocalServer {
 public:
  LocalServer() {
    http.set_tcp_nodelay(true);
    http.set_keep_alive_timeout(1);
  }
  ~LocalServer() { stop(); }

  int start() {
    port_ = http.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a test server");
    listener_ = std::thread([this] { http.listen_after_bind(); });
    while (!http.is_running()) std::this_thread::yield();
    return port_;
  }
  void stop() {
    if (!listener_.joinable()) return;
    http.stop();
    listener_.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  httplib::Server http;

 private:
  int port_ = 0;
  std::thread listener_;
};

// Accepts connections and, after reading the request, writes `reply` (raw
// bytes, possibly nothing) and closes, or resets the connection, or holds it
// open without a word until destroyed.
class RawListener {
 public:
  enum class Behaviour { reply_and_close, reset, never_answer };

  explicit RawListener(Behaviour behaviour, std::string reply = "")
      : behaviour_(behaviour), reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("cannot open a raw listener");
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawListener() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
    for (int held : held_) ::close(held);
  }
  int port() const { return port_; }

 private:
  void serve() {
    for (;;) {
      int connection = ::accept(fd_, nullptr, nullptr);
      if (connection < 0) return;
      if (stopping_) {
        ::close(connection);
        return;
      }
      if (behaviour_ == Behaviour::never_answer) {
        held_.push_back(connection);
        continue;
      }
      char buffer[4096];
      ssize_t ignored = ::recv(connection, buffer, sizeof buffer, 0);
      if (behaviour_ == Behaviour::reset) {
        linger abort_on_close{1, 0};  // close() sends RST
        ::setsockopt(connection, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
      } else {
        ignored = ::send(connection, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      }
      (void)ignored;
      ::close(connection);
    }
  }

  Behaviour behaviour_;
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<int> held_;
  std::thread thread_;
};

}  // namespace harness_tests
