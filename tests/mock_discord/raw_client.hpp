// A raw TCP client for tests that must see what an HTTP library hides:
// resets, closes without an answer, short bodies, answers that never come.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <sys/time.h>

namespace mock_tests {

struct RawAnswer {
  std::string bytes;       // everything received
  bool reset = false;      // the connection ended with ECONNRESET
  bool timed_out = false;  // nothing more came within the timeout
  bool connected = true;

  std::string status_line() const { return bytes.substr(0, bytes.find("\r\n")); }
  std::string body() const {
    std::size_t end = bytes.find("\r\n\r\n");
    return end == std::string::npos ? "" : bytes.substr(end + 4);
  }
  bool has_header(const std::string& line) const { return bytes.find("\r\n" + line + "\r\n") != std::string::npos; }
};

class RawConnection {
 public:
  explicit RawConnection(int port, const std::string& host = "127.0.0.1",
                         std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int on = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until `stop` appears (when given) or the connection ends.
  RawAnswer read(const std::string& stop = "") {
    RawAnswer answer;
    answer.connected = connected_;
    while (connected_ && receive(answer))
      if (!stop.empty() && answer.bytes.find(stop) != std::string::npos) break;
    return answer;
  }
  // Reads one whole answer (interim 1xx answers included, before it): up to
  // the end of its head, then Content-Length bytes of body (none after a
  // HEAD request), or until the connection ends or times out first. The
  // connection stays open, so a kept-alive one can be used again.
  RawAnswer read_answer(bool head_request = false) {
    RawAnswer answer;
    answer.connected = connected_;
    std::size_t start = 0;  // where the current (non-1xx) answer begins
    while (connected_) {
      std::size_t head_end = answer.bytes.find("\r\n\r\n", start);
      if (head_end != std::string::npos) {
        std::string head = answer.bytes.substr(start, head_end - start);
        if (head.compare(0, 10, "HTTP/1.1 1") == 0) {
          start = head_end + 4;
          continue;
        }
        std::size_t length = 0;
        const std::string name = "\r\nContent-Length: ";
        std::size_t at = head.find(name);
        if (at != std::string::npos && !head_request) length = std::stoul(head.substr(at + name.size()));
        if (answer.bytes.size() >= head_end + 4 + length) {
          pending_ = answer.bytes.substr(head_end + 4 + length);
          answer.bytes.resize(head_end + 4 + length);
          break;
        }
      }
      if (!pending_.empty()) {
        answer.bytes += pending_;
        pending_.clear();
        continue;
      }
      if (!receive(answer)) break;
    }
    return answer;
  }
  // Whether the other side has closed: end of file (or a reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char byte;
    ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  bool connected() const { return connected_; }
  // Sends FIN: the server reads end of file after what was sent.
  void shutdown_sending() { ::shutdown(fd_, SHUT_WR); }
  void close() {
    ::close(fd_);
    fd_ = -1;
  }

 private:
  // Appends what arrives next; false when the connection ended, failed or timed out.
  bool receive(RawAnswer& answer) {
    char chunk[16384];
    while (true) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        answer.reset = errno == ECONNRESET;
        answer.timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
        return false;
      }
      if (n == 0) return false;
      answer.bytes.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;  // bytes of the next answer, read with the previous one
};

// One request on a new connection, its whole answer (see read_answer).
inline RawAnswer raw_exchange(int port, const std::string& request,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  RawConnection connection(port, "127.0.0.1", timeout);
  connection.send(request);
  return connection.read_answer(request.compare(0, 5, "HEAD ") == 0);
}

inline std::string raw_get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

}  // namespace mock_tests
