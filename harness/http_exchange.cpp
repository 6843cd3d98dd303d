// Header lists, and the harness's one HTTP client: a blocking exchange on a
// raw socket with timeouts, parsed by http_wire (see there for why not
// cpp-httplib's client).
#include "harness/http_exchange.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "harness/http_wire.hpp"
#include "harness/tls_client.hpp"

namespace harness {

bool header_name_equals(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

void HttpHeaders::set(const std::string& name, const std::string& value) {
  remove(name);
  add(name, value);
}

void HttpHeaders::remove(const std::string& name) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& entry) { return header_name_equals(entry.first, name); }),
                 entries_.end());
}

bool HttpHeaders::has(const std::string& name) const { return get(name).has_value(); }

std::optional<std::string> HttpHeaders::get(const std::string& name) const {
  for (const auto& [key, value] : entries_)
    if (header_name_equals(key, name)) return value;
  return std::nullopt;
}

std::vector<std::string> HttpHeaders::get_all(const std::string& name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : entries_)
    if (header_name_equals(key, name)) values.push_back(value);
  return values;
}

std::string host_header_value(const support::Url& url) {
  std::string origin = url.origin();
  return origin.substr(origin.find("://") + 3);
}

namespace {

using Clock = std::chrono::steady_clock;

// Closes the socket on every path out.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// Waits for `events` on fd; false on timeout or at the scenario's deadline.
bool wait_for(int fd, short events, std::chrono::milliseconds timeout, const TransportOptions& options) {
  pollfd descriptor{fd, events, 0};
  auto deadline = Clock::now() + timeout;
  if (options.deadline) deadline = std::min(deadline, *options.deadline);
  for (;;) {
    // Rounded up: a wait cut by the scenario's deadline must end at or after it.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    int ready = ::poll(&descriptor, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return true;  // let the following call report the error
  }
}

HttpResult failure(TransportError::Kind kind, const std::string& code, const std::string& message) {
  return HttpResult::failure(kind, code, message);
}

// Plain bytes on the socket, or through TLS: one call moves what it can.
class Channel {
 public:
  enum class Io { done, wait, closed, failed };

  Channel(int fd, TlsConnection* tls) : fd_(fd), tls_(tls) {}

  Io send(const char* data, std::size_t size, std::size_t& count) {
    if (tls_) return from_tls(tls_->write(data, size, count));
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    count = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (n > 0) return Io::done;
    if (errno == EINTR || errno == EAGAIN) return wait_for_write();
    error_ = errno;
    return Io::failed;
  }
  Io receive(char* data, std::size_t size, std::size_t& count) {
    if (tls_) return from_tls(tls_->read(data, size, count));
    ssize_t n = ::recv(fd_, data, size, 0);
    count = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (n > 0) return Io::done;
    if (n == 0) return Io::closed;
    if (errno == EINTR || errno == EAGAIN) return wait_for_read();
    error_ = errno;
    return Io::failed;
  }
  // What the last Io::wait waits for.
  short events() const { return events_; }
  // Whether the next receive() can answer without waiting for the socket.
  bool has_buffered() const { return tls_ && tls_->has_buffered(); }
  int error_number() const { return error_; }

 private:
  Io wait_for_read() {
    events_ = POLLIN;
    return Io::wait;
  }
  Io wait_for_write() {
    events_ = POLLOUT;
    return Io::wait;
  }
  Io from_tls(TlsConnection::Io io) {
    switch (io) {
      case TlsConnection::Io::done: return Io::done;
      case TlsConnection::Io::want_read: return wait_for_read();
      case TlsConnection::Io::want_write: return wait_for_write();
      case TlsConnection::Io::closed: return Io::closed;
      case TlsConnection::Io::failed: break;
    }
    error_ = tls_->error_code() == "ERR_CONNECTION_RESET" ? ECONNRESET : EPROTO;
    return Io::failed;
  }

  int fd_;
  TlsConnection* tls_;
  short events_ = POLLIN;
  int error_ = 0;
};

}  // namespace

HttpResult send_to_local_port(const HttpRequest& request, int port, const TransportOptions& options) {
  using Kind = TransportError::Kind;
  const std::string where = "127.0.0.1:" + std::to_string(port);
  std::string problem;
  std::string bytes = serialize_request(request, problem);
  if (bytes.empty()) return failure(Kind::other, "ERR_INVALID_ARGUMENT", problem);

  Socket socket;
  socket.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (socket.fd < 0) return failure(Kind::other, "ERR_FAILED", std::string("cannot create a socket: ") + std::strerror(errno));
  int on = 1;
  ::setsockopt(socket.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(socket.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINPROGRESS)
      return failure(Kind::connection_refused, "ERR_CONNECTION_REFUSED", where + " refused the connection");
    if (!wait_for(socket.fd, POLLOUT, options.connect_timeout, options))
      return failure(Kind::timed_out, "ERR_CONNECTION_TIMED_OUT", "connecting to " + where + " timed out");
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0)
      return failure(Kind::connection_refused, "ERR_CONNECTION_REFUSED",
                     where + " refused the connection (" + std::strerror(error) + ")");
  }

  std::unique_ptr<TlsConnection> tls;
  if (options.tls) {
    tls = std::make_unique<TlsConnection>(*options.tls, socket.fd, request.url.host);  // a Url's host has no brackets
    for (;;) {
      TlsConnection::Io step = tls->handshake();
      if (step == TlsConnection::Io::done) break;
      if (step == TlsConnection::Io::failed || step == TlsConnection::Io::closed)
        return failure(Kind::tls_error, tls->error_code().empty() ? "ERR_SSL_PROTOCOL_ERROR" : tls->error_code(),
                       request.url.host + " (" + where + "): " + tls->error());
      if (!wait_for(socket.fd, step == TlsConnection::Io::want_read ? POLLIN : POLLOUT, options.connect_timeout, options))
        return failure(Kind::timed_out, "ERR_TIMED_OUT",
                       "the TLS handshake with " + where + " did not finish within " +
                           std::to_string(options.connect_timeout.count()) + "ms");
    }
  }
  Channel channel(socket.fd, tls.get());

  // A server may answer and close before reading everything (an early 413):
  // a failed write is only an error when no answer follows.
  bool write_failed = false;
  short wait_events = POLLOUT;
  for (std::size_t sent = 0; sent < bytes.size() && !write_failed;) {
    if (!wait_for(socket.fd, wait_events, options.write_timeout, options))
      return failure(Kind::timed_out, "ERR_TIMED_OUT", where + " did not take the request within " +
                                                           std::to_string(options.write_timeout.count()) + "ms");
    std::size_t count = 0;
    Channel::Io io = channel.send(bytes.data() + sent, bytes.size() - sent, count);
    sent += count;
    wait_events = io == Channel::Io::wait ? channel.events() : POLLOUT;
    if (io == Channel::Io::failed || io == Channel::Io::closed) write_failed = true;
  }

  ResponseParser parser(request.method == "HEAD");
  char chunk[16384];
  wait_events = POLLIN;
  while (parser.state() == ResponseParser::State::incomplete) {
    if (!channel.has_buffered() && !wait_for(socket.fd, wait_events, options.read_timeout, options))
      return failure(Kind::timed_out, "ERR_TIMED_OUT",
                     options.deadline && Clock::now() >= *options.deadline
                         ? where + " sent no complete answer before the scenario's time limit"
                         : where + " sent no complete answer within " + std::to_string(options.read_timeout.count()) + "ms");
    std::size_t count = 0;
    Channel::Io io = channel.receive(chunk, sizeof chunk, count);
    wait_events = io == Channel::Io::wait ? channel.events() : POLLIN;
    if (io == Channel::Io::done) {
      parser.feed(chunk, count);
    } else if (io == Channel::Io::closed) {
      parser.end_of_stream();
    } else if (io == Channel::Io::failed) {
      const int error = channel.error_number();
      if (error == ECONNRESET || error == EPIPE || write_failed)
        return failure(Kind::connection_closed, "ERR_CONNECTION_RESET", where + " reset the connection");
      if (error == EPROTO)
        return failure(Kind::tls_error, tls->error_code(), request.url.host + " (" + where + "): " + tls->error());
      return failure(Kind::connection_closed, "ERR_CONNECTION_CLOSED", where + ": " + std::strerror(error));
    }
  }
  if (parser.state() == ResponseParser::State::failed)
    return failure(Kind::connection_closed, parser.error_code(), where + ": " + parser.error());
  return HttpResult::answer(std::move(parser.response()));
}

}  // namespace harness
