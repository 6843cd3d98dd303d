// What both kinds of app under test share: output buffering and free ports.
#include "harness/app_under_test.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace harness {

std::string AppUnderTest::output_tail(std::size_t max_lines) const { return last_lines(output(), max_lines); }

void OutputBuffer::append(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  buffer_ += text;
  if (buffer_.size() > 2 * limit_) buffer_.erase(0, buffer_.size() - limit_);
}

std::string OutputBuffer::text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (buffer_.size() <= limit_) return buffer_;
  std::string kept = buffer_.substr(buffer_.size() - limit_);
  std::size_t newline = kept.find('\n');
  return newline == std::string::npos ? kept : kept.substr(newline + 1);  // start at a whole line
}

std::string last_lines(const std::string& text, std::size_t max_lines) {
  if (max_lines == 0) return "";
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // a final newline ends the last line, it starts none
  std::size_t pos = end;
  for (std::size_t lines = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) break;
  }
  return text.substr(pos);
}

int pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw support::SystemError(std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  int error = errno;
  ::close(fd);
  if (!ok) throw support::SystemError(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(error));
  return ntohs(address.sin_port);
}

}  // namespace harness
