// Listener options and free-port picking.
#include "support/sockets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "support/errors.hpp"

namespace support {
namespace {

// The first port the kernel hands out for port 0 (32768 on Linux by default).
int ephemeral_range_start() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  if (range >> low && low > 1024) return low;
  return 32768;
}

sockaddr_in loopback_address(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

bool can_bind(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SystemError(std::string("cannot create a socket: ") + std::strerror(errno));
  reuse_address_only(fd);
  sockaddr_in address = loopback_address(port);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

void reuse_address_only(int socket_fd) {
  int on = 1;
  ::setsockopt(socket_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
}

int pick_free_port() {
  const int high = ephemeral_range_start() - 1;
  const int low = high > 12000 ? 10000 : 1025;
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> any_port(low, high);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int port = any_port(random);
    if (can_bind(port)) return port;
  }
  throw SystemError("cannot find a free port on 127.0.0.1 between " + std::to_string(low) + " and " +
                    std::to_string(high));
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address = loopback_address(port);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

}  // namespace support
