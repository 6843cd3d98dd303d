// The front door's sockets: accept loop, worker pool, per-connection request
// reading, rule answers and faults, forwarding (behaviour in front_door.hpp).
#include "mock_discord/front_door.hpp"
#include "support/text.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_discord/discord_errors.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/http_request.hpp"
#include "mock_discord/http_response.hpp"
#include "mock_discord/ids.hpp"
#include "mock_discord/journal.hpp"
#include "mock_discord/rate_limits.hpp"
#include "support/errors.hpp"
#include "support/url.hpp"

namespace mock_discord {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Once notified, every poll on fd() wakes: the one way stop() reaches
// threads blocked on sockets, delays and hangs.
class StopSignal {
 public:
  StopSignal() {
    if (pipe2(fds_, O_CLOEXEC) != 0) throw support::SystemError(std::string("pipe: ") + std::strerror(errno));
  }
  ~StopSignal() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  void notify() {
    char byte = 1;
    ssize_t written = ::write(fds_[1], &byte, 1);
    (void)written;
  }
  int fd() const { return fds_[0]; }
  // Sleeps for `duration`; false when stop came first.
  bool sleep_for(Duration duration) const {
    pollfd entry{fds_[0], POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(duration.count())) == 0;
  }

 private:
  int fds_[2] = {-1, -1};
};

enum class Wait { readable, timeout, stopped };

Wait wait_readable(int fd, const StopSignal& stop, SteadyClock::duration timeout) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  pollfd entries[2] = {{fd, POLLIN, 0}, {stop.fd(), POLLIN, 0}};
  int ready;
  do {
    ready = ::poll(entries, 2, static_cast<int>(std::max<long long>(ms, 0)));
  } while (ready < 0 && errno == EINTR);
  if (entries[1].revents) return Wait::stopped;
  if (ready > 0) return Wait::readable;
  return Wait::timeout;
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void set_socket_options(int fd, Duration send_timeout) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(send_timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(send_timeout.count() % 1000 * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

bool is_loopback(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    return (ntohl(v4.sin_addr.s_addr) >> 24) == 127;
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

using support::text::lower;

bool is_admin_path(const std::string& path) { return path == "/_mock" || path.compare(0, 7, "/_mock/") == 0; }

// The status code of a raw answer; 0 when it has no status line.
int status_of(const std::string& raw) {
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0) return 0;
  std::size_t space = raw.find(' ');
  if (space == std::string::npos || space + 4 > raw.size()) return 0;
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(raw[i]))) return 0;
    status = status * 10 + (raw[i] - '0');
  }
  return status;
}

// The request as the internal server gets it: hop-by-hop headers replaced,
// the body re-framed with Content-Length, and Connection: close. The length
// is always explicit, 0 for no body: cpp-httplib reads a POST without one
// until the connection ends, which would stall it for its read timeout.
std::string upstream_request(const HttpRequest& request) {
  static const char* const hop_by_hop[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                                           "content-length", "expect", "te", "trailer", "upgrade"};
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) {
    const std::string key = lower(name);
    bool skip = false;
    for (const char* hop : hop_by_hop) skip = skip || key == hop;
    if (!skip) out += name + ": " + value + "\r\n";
  }
  if (!request.header("Host")) out += "Host: 127.0.0.1\r\n";
  out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += request.body;
  return out;
}

// The real head, then half the body: fewer bytes than the head announces.
std::string truncate_answer(const std::string& raw) {
  std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return raw.substr(0, raw.size() / 2);
  head_end += 4;
  std::string head = raw.substr(0, head_end);
  std::string body = raw.substr(head_end);
  if (body.size() >= 2) return head + body.substr(0, body.size() / 2);
  // Too short to halve: announce more than will come instead.
  std::string rebuilt;
  std::size_t position = 0;
  while (position + 2 < head.size()) {
    std::size_t end = head.find("\r\n", position);
    std::string line = head.substr(position, end - position);
    if (lower(line).compare(0, 15, "content-length:") != 0) rebuilt += line + "\r\n";
    position = end + 2;
  }
  return rebuilt + "Content-Length: " + std::to_string(body.size() + 16) + "\r\n\r\n" + body;
}

CannedResponse status_rule_response(const FailureRule& rule) {
  CannedResponse response;
  response.status = rule.status;
  response.body = rule.body.value_or(status_message_body(rule.status));
  if (!nlohmann::json::accept(response.body)) response.content_type = "text/plain; charset=utf-8";
  response.headers = rule.headers;
  return response;
}

constexpr const char* malformed_json_body = "{\"message\": \"this JSON object stops in the mid";

struct Connection {
  int fd = -1;
  bool loopback = false;
};

enum class ReadOutcome { complete, error, closed, timeout, stopped };

}  // namespace

struct FrontDoor::Impl {
  FrontDoorOptions options;
  FailureEngine& failures;
  Journal& journal;
  std::function<std::int64_t()> clock;

  StopSignal stop_signal;
  int listen_fd = -1;
  int bound_port = 0;
  std::atomic<bool> stopping{false};
  bool started = false;
  std::mutex lifecycle;  // start() and stop()

  std::thread acceptor;
  std::vector<std::thread> workers;
  std::mutex queue_mutex;
  std::condition_variable queue_ready;
  std::condition_variable queue_space;
  std::deque<Connection> queue;
  static constexpr std::size_t max_queue = 256;

  Impl(FrontDoorOptions options_, FailureEngine& failures_, Journal& journal_, std::function<std::int64_t()> clock_)
      : options(std::move(options_)), failures(failures_), journal(journal_), clock(std::move(clock_)) {}

  void bind_and_listen() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string where = options.host + ":" + std::to_string(options.port);
    int status = ::getaddrinfo(options.host.c_str(), std::to_string(options.port).c_str(), &hints, &found);
    if (status != 0) throw support::SystemError("cannot listen on " + where + ": " + ::gai_strerror(status));
    std::string error = "no address";
    for (addrinfo* address = found; address && listen_fd < 0; address = address->ai_next) {
      int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
      if (fd < 0) continue;
      int on = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (::bind(fd, address->ai_addr, address->ai_addrlen) == 0 && ::listen(fd, 512) == 0) {
        listen_fd = fd;
      } else {
        error = std::strerror(errno);
        ::close(fd);
      }
    }
    ::freeaddrinfo(found);
    if (listen_fd < 0) throw support::SystemError("cannot listen on " + where + ": " + error);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &length);
    bound_port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                                    : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  }

  void accept_loop() {
    while (!stopping) {
      if (wait_readable(listen_fd, stop_signal, std::chrono::hours(1)) != Wait::readable) continue;
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
          stop_signal.sleep_for(std::chrono::milliseconds(50));  // out of descriptors: let workers free some
        continue;
      }
      set_socket_options(fd, std::chrono::seconds(10));
      std::unique_lock<std::mutex> lock(queue_mutex);
      queue_space.wait(lock, [&] { return stopping || queue.size() < max_queue; });
      if (stopping) {
        ::close(fd);
        break;
      }
      queue.push_back(Connection{fd, is_loopback(peer)});
      queue_ready.notify_one();
    }
  }

  void worker_loop() {
    while (true) {
      Connection connection;
      {
        std::unique_lock<std::mutex> lock(queue_mutex);
        queue_ready.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        connection = queue.front();
        queue.pop_front();
        queue_space.notify_one();
      }
      serve(connection);
    }
  }

  ReadOutcome read_request(int fd, std::string& buffer, ParseResult& result) {
    const auto deadline = SteadyClock::now() + options.request_timeout;
    // Chunk framing can cost more bytes than the body it carries; bound the raw size too.
    const std::size_t raw_limit = RequestLimits{}.max_head_bytes + 4 * RequestLimits{}.max_body_bytes;
    bool continue_sent = false;
    char chunk[16384];
    while (true) {
      auto remaining = std::min<SteadyClock::duration>(options.idle_timeout, deadline - SteadyClock::now());
      if (remaining <= SteadyClock::duration::zero()) return ReadOutcome::timeout;
      Wait wait = wait_readable(fd, stop_signal, remaining);
      if (wait == Wait::stopped) return ReadOutcome::stopped;
      if (wait == Wait::timeout) return ReadOutcome::timeout;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return ReadOutcome::closed;
      buffer.append(chunk, static_cast<std::size_t>(n));
      result = parse_request(buffer);
      if (result.state == ParseResult::State::complete) return ReadOutcome::complete;
      if (result.state == ParseResult::State::error) return ReadOutcome::error;
      if (buffer.size() > raw_limit) {
        result.state = ParseResult::State::error;
        result.error_status = 413;
        return ReadOutcome::error;
      }
      if (result.head_complete && result.request.expects_continue() && !continue_sent) {
        continue_sent = true;
        if (!send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return ReadOutcome::closed;
      }
    }
  }

  // After answering: stop sending, and read what the client still sends
  // until it closes, so that unread bytes do not turn our FIN into a RST
  // that could destroy the answer in flight.
  void finish(int fd) {
    ::shutdown(fd, SHUT_WR);
    const auto deadline = SteadyClock::now() + std::chrono::seconds(2);
    char sink[16384];
    std::size_t drained = 0;
    while (drained < 8 * 1024 * 1024) {
      auto remaining = deadline - SteadyClock::now();
      if (remaining <= SteadyClock::duration::zero()) break;
      if (wait_readable(fd, stop_signal, remaining) != Wait::readable) break;
      ssize_t n = ::recv(fd, sink, sizeof sink, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }

  void reset(int fd) {
    linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
  }

  void hang(int fd) {
    const auto deadline = SteadyClock::now() + options.hang_limit;
    char sink[4096];
    while (true) {
      auto remaining = deadline - SteadyClock::now();
      if (remaining <= SteadyClock::duration::zero()) break;
      if (wait_readable(fd, stop_signal, remaining) != Wait::readable) break;
      ssize_t n = ::recv(fd, sink, sizeof sink, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the client gave up
    }
    ::close(fd);
  }

  // The internal server's complete answer; nullopt when it cannot be reached.
  std::optional<std::string> forward(const HttpRequest& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    set_socket_options(fd, options.upstream_timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(options.upstream_port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::optional<std::string> answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        send_all(fd, upstream_request(request))) {
      std::string raw;
      char chunk[16384];
      while (true) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;  // timed out or failed: the answer is incomplete
        if (n == 0) {
          answer = std::move(raw);
          break;
        }
        raw.append(chunk, static_cast<std::size_t>(n));
      }
    }
    ::close(fd);
    if (answer && status_of(*answer) == 0) return std::nullopt;
    return answer;
  }

  bool admin_allowed(const HttpRequest& request, const Connection& connection) const {
    if (!options.admin_token.empty()) return request.header("Authorization") == "Bearer " + options.admin_token;
    return connection.loopback;
  }

  // Writes the answer (or does the fault) and closes the socket. `record`
  // gets the status to journal (0 for a fault) before the client can see
  // the end of the answer, so a client that has its answer finds it journaled.
  using Recorder = std::function<void(int)>;

  // `form`: the request's form body, when it has one.
  void answer(int fd, const HttpRequest& request, const std::optional<FailureRule>& rule, Endpoint endpoint,
              const support::Params& form, const Recorder& record) {
    auto reply = [&](const CannedResponse& response) {
      record(response.status);
      send_all(fd, serialize_response(response, request.method == "HEAD"));
      finish(fd);
    };
    const auto kind = rule ? rule->kind : FailureRule::Kind::delay_only;
    switch (kind) {
      case FailureRule::Kind::status: return reply(status_rule_response(*rule));
      case FailureRule::Kind::error: {
        std::string grant_type = support::find_param(form, "grant_type").value_or("");
        return reply(error_response(endpoint, rule->error, grant_type).value_or(status_message_response(400)));
      }
      case FailureRule::Kind::rate_limit: {
        int limit = options.route_limit ? options.route_limit(endpoint) : kNominalRateLimit;
        return reply(rate_limited_response(rule->retry_after, rule->scope, bucket_hash(endpoint_name(endpoint)),
                                           clock(), limit));
      }
      case FailureRule::Kind::fault: return fault(fd, request, rule->fault, record);
      case FailureRule::Kind::delay_only: break;
    }
    auto raw = forward(request);
    if (!raw) return reply(status_message_response(502));
    record(status_of(*raw));
    send_all(fd, *raw);
    finish(fd);
  }

  void fault(int fd, const HttpRequest& request, Fault fault, const Recorder& record) {
    if (fault == Fault::truncated) {
      auto raw = forward(request);  // processed for real; only the answer is cut
      record(0);
      if (raw) send_all(fd, truncate_answer(*raw));
      ::close(fd);
      return;
    }
    record(0);
    CannedResponse broken;
    switch (fault) {
      case Fault::reset: return reset(fd);
      case Fault::close: ::close(fd); return;
      case Fault::hang: return hang(fd);
      case Fault::malformed_json: broken.body = malformed_json_body; break;
      case Fault::empty:
      case Fault::truncated: break;
    }
    send_all(fd, serialize_response(broken));
    finish(fd);
  }

  void serve(Connection connection) {
    const int fd = connection.fd;
    std::string buffer;
    ParseResult parsed;
    ReadOutcome outcome = read_request(fd, buffer, parsed);
    const HttpRequest& request = parsed.request;
    const std::string path = request.path();
    const bool admin = is_admin_path(path);
    const auto began = SteadyClock::now();

    JournalEntry entry;
    entry.method = request.method;
    entry.path = path;
    entry.endpoint = endpoint_name(classify_path(path));
    if (auto query = support::parse_form(request.query())) entry.query = *query;
    std::optional<std::uint64_t> opened;  // journaled on arrival, once it is classified
    auto record = [&](int status) {
      if (admin) return;
      const double latency = std::chrono::duration<double, std::milli>(SteadyClock::now() - began).count();
      if (opened) return journal.close(*opened, status, latency, clock());
      entry.status = status;
      entry.latency_ms = latency;
      entry.virtual_time_ms = clock();
      journal.record(std::move(entry));
    };
    auto refuse = [&](int status) {
      record(status);
      send_all(fd, serialize_response(status_message_response(status)));
      finish(fd);
    };

    switch (outcome) {
      case ReadOutcome::closed:
      case ReadOutcome::stopped: ::close(fd); return;
      case ReadOutcome::timeout:
        if (buffer.find_first_not_of("\r\n") == std::string::npos) {
          ::close(fd);  // an idle connection that never sent a request
          return;
        }
        return refuse(408);
      case ReadOutcome::error: return refuse(parsed.error_status);
      case ReadOutcome::complete: break;
    }

    if (admin && !admin_allowed(request, connection)) return refuse(403);
    support::Params form;
    auto type = request.header("Content-Type");
    if (type && lower(*type).compare(0, 33, "application/x-www-form-urlencoded") == 0)
      form = support::parse_form(request.body).value_or(support::Params{});
    entry.form = form;

    const Endpoint endpoint = classify_path(path);
    auto rule = failures.decide(endpoint, path);
    if (rule) entry.rule = rule->describe();
    if (!admin) opened = journal.open(entry);
    if (rule && rule->delay.count() > 0 && !stop_signal.sleep_for(rule->delay)) {
      record(0);  // stopping: the delayed answer never comes
      ::close(fd);
      return;
    }
    answer(fd, request, rule, endpoint, form, record);
  }
};

FrontDoor::FrontDoor(FrontDoorOptions options, FailureEngine& failures, Journal& journal,
                     std::function<std::int64_t()> clock)
    : impl_(std::make_unique<Impl>(std::move(options), failures, journal, std::move(clock))) {}

FrontDoor::~FrontDoor() { stop(); }

int FrontDoor::start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->started) return impl_->bound_port;
  if (impl_->stopping) throw support::SystemError("the front door was stopped; create a new one");
  impl_->bind_and_listen();
  impl_->started = true;
  impl_->acceptor = std::thread([this] { impl_->accept_loop(); });
  for (int i = 0; i < std::max(1, impl_->options.workers); ++i)
    impl_->workers.emplace_back([this] { impl_->worker_loop(); });
  return impl_->bound_port;
}

void FrontDoor::stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->stopping.exchange(true)) return;
  impl_->stop_signal.notify();
  {
    std::lock_guard<std::mutex> queue_lock(impl_->queue_mutex);
    impl_->queue_ready.notify_all();
    impl_->queue_space.notify_all();
  }
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  for (auto& worker : impl_->workers) worker.join();
  impl_->workers.clear();
  for (const auto& connection : impl_->queue) ::close(connection.fd);
  impl_->queue.clear();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  impl_->listen_fd = -1;
}

int FrontDoor::port() const { return impl_->bound_port; }

}  // namespace mock_discord
