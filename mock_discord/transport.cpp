// The transport's epoll loops (behaviour in transport.hpp). Each loop owns
// its connections outright: no locks on the request path, only the shared
// connection count is atomic.
#include "mock_discord/transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mock_discord/http_response.hpp"
#include "mock_discord/responses.hpp"
#include "support/errors.hpp"
#include "support/text.hpp"
#include "support/tls_identity.hpp"

namespace mock_discord {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
constexpr TimePoint kNever = TimePoint::max();
// After a closing answer: how long the client may keep sending before the
// socket is closed anyway (reading it avoids a RST that would destroy the answer).
constexpr auto kDrainTime = std::chrono::seconds(2);
// Pipelined requests are not handled while this much answer is unsent.
constexpr std::size_t kOutputHighWater = 256 * 1024;
// Connections refused over the limit still get their 503 read; at most this many at once.
constexpr int kMaxRefusing = 64;
// The first byte of every TLS connection: a handshake record.
constexpr char kTlsHandshakeRecord = 0x16;

using SslContext = std::shared_ptr<SSL_CTX>;

std::string openssl_error() {
  std::string reason = support::take_openssl_error();
  return reason.empty() ? "unknown reason" : reason;
}

// ALPN: HTTP/1.1 when the client offers it (Go and curl offer h2 first).
int select_http11(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* offered,
                  unsigned int offered_length, void*) {
  static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, out_length, http11, sizeof http11, offered, offered_length) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

SslContext make_server_context(const TransportTls& tls) {
  SslContext context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!context) throw support::SystemError("https: cannot create a TLS context: " + openssl_error());
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(context.get(), SSL_OP_NO_RENEGOTIATION);
  // No resumption to offer: a cache would only grow with every handshake.
  SSL_CTX_set_num_tickets(context.get(), 0);
  SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_alpn_select_cb(context.get(), select_http11, nullptr);
  const std::vector<support::X509Certificate> chain = support::pem_certificates(tls.cert_pem);
  if (chain.empty() || SSL_CTX_use_certificate(context.get(), chain.front().get()) != 1)
    throw support::InputError("https: the server certificate is not a PEM certificate: " + openssl_error());
  for (std::size_t i = 1; i < chain.size(); ++i) SSL_CTX_add1_chain_cert(context.get(), chain[i].get());
  const support::PrivateKey key = support::pem_private_key(tls.key_pem);
  if (!key || SSL_CTX_use_PrivateKey(context.get(), key.get()) != 1)
    throw support::InputError("https: the private key is not an unencrypted PEM key: " + openssl_error());
  if (SSL_CTX_check_private_key(context.get()) != 1)
    throw support::InputError("https: the private key does not belong to the certificate: " + openssl_error());
  return context;
}

// Transports serving the same certificate share one context (a harness run
// starts a mock per scenario, all with the run's certificate): decoding the
// key and building a context cost more than the scenario's own requests.
SslContext server_context(const TransportTls& tls) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<SSL_CTX>> contexts;
  const std::string key = tls.cert_pem + '\0' + tls.key_pem;
  std::lock_guard<std::mutex> lock(mutex);
  for (auto entry = contexts.begin(); entry != contexts.end();)  // forget the ones no transport holds
    entry = entry->second.expired() ? contexts.erase(entry) : std::next(entry);
  if (SslContext shared = contexts[key].lock()) return shared;
  SslContext made = make_server_context(tls);
  contexts[key] = made;
  return made;
}

// One connection's TLS: OpenSSL reads the socket's bytes from `in` and
// writes what goes out to `out`; the loop moves bytes between them and the
// socket, so the connection's timeouts, limits and faults stay the loop's.
struct TlsSession {
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // owned by ssl
  BIO* out = nullptr;  // owned by ssl
  bool sniffed = false;      // the first byte was looked at
  bool established = false;  // the handshake is done
  std::string pending;       // an answer queued before the handshake was done (the 503 of a refused connection)
  bool close_after_pending = false;

  explicit TlsSession(SSL_CTX* context) {
    ssl = SSL_new(context);
    in = BIO_new(BIO_s_mem());
    out = BIO_new(BIO_s_mem());
    if (!ssl || !in || !out) {
      BIO_free(in);
      BIO_free(out);
      SSL_free(ssl);
      throw std::bad_alloc();
    }
    BIO_set_mem_eof_return(in, -1);  // no bytes yet is "want more", not the end
    SSL_set_bio(ssl, in, out);
    SSL_set_accept_state(ssl);
  }
  ~TlsSession() { SSL_free(ssl); }
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // What OpenSSL has written for the peer since the last call.
  std::string take_output() {
    std::string bytes;
    char chunk[16384];
    int n;
    while ((n = BIO_read(out, chunk, sizeof chunk)) > 0) bytes.append(chunk, static_cast<std::size_t>(n));
    return bytes;
  }

  // `plain` encrypted, followed by close_notify when `closing`.
  std::string seal(const std::string& plain, bool closing) {
    for (std::size_t at = 0; at < plain.size();) {
      int n = SSL_write(ssl, plain.data() + at, static_cast<int>(std::min<std::size_t>(plain.size() - at, 1 << 30)));
      if (n <= 0) break;  // memory BIOs take everything; a failure here leaves the connection to fail on its own
      at += static_cast<std::size_t>(n);
    }
    if (closing) SSL_shutdown(ssl);
    ERR_clear_error();
    return take_output();
  }
};

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

std::string address_text(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, sizeof text);
  else if (address.ss_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text, sizeof text);
  return text;
}

// RFC 9112 9.3: 1.1 persists unless told to close; 1.0 only when asked to.
bool wants_keep_alive(const HttpRequest& request) {
  auto connection = request.header("Connection");
  std::string tokens = connection ? support::text::lower(*connection) : "";
  auto has = [&](const char* token) {
    std::size_t at = tokens.find(token);
    return at != std::string::npos;
  };
  if (request.version == "HTTP/1.1") return !has("close");
  return has("keep-alive") && !has("close");
}

enum class State {
  reading,   // reading requests (idle when the input is empty)
  waiting,   // a delayed answer is pending
  hanging,   // fault hang: no answer, reading and discarding
  draining,  // answered with close: output flushed, then FIN, then reading until EOF
};

struct Connection {
  int fd = -1;
  bool loopback = false;
  bool refused = false;  // over the limit: only a 503 to deliver
  std::string peer;
  State state = State::reading;
  std::string in;
  std::string out;
  std::size_t out_sent = 0;
  Reply::After after_output = Reply::After::keep_alive;  // once `out` is flushed
  bool continue_sent = false;
  bool request_started = false;
  bool peer_done = false;
  bool waiting_keep_alive = false;  // State::waiting: whether the delayed request allows keep-alive  // the client half-closed: answer what it sent, then close
  TimePoint deadline = kNever;
  std::function<Reply(bool)> later;
  std::uint32_t interest = 0;
  std::unique_ptr<TlsSession> tls;  // an https connection
};

// Marker objects for the two non-connection descriptors in each loop's epoll set.
char listen_marker;
char wake_marker;

}  // namespace

struct Transport::Impl {
  TransportOptions options;
  RequestHandler handler;
  int listen_fd = -1;
  int wake_fd = -1;
  int bound_port = 0;
  int max_connections = 0;
  std::atomic<int> open{0};
  std::atomic<int> refusing{0};
  std::atomic<bool> stopping{false};
  bool started = false;
  std::mutex lifecycle;
  std::vector<std::thread> threads;
  SslContext tls_context;  // https: shared by every loop's connections

  Impl(TransportOptions options_, RequestHandler handler_)
      : options(std::move(options_)), handler(std::move(handler_)) {}

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
      int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, address->ai_protocol);
      if (fd < 0) continue;
      int on = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (::bind(fd, address->ai_addr, address->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
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

  // Raises the descriptor limit as far as allowed and keeps the connection
  // bound under it, with room for the process's other files.
  void size_connection_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &limit);
      ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    long usable = limit.rlim_cur == RLIM_INFINITY ? 1L << 20 : static_cast<long>(limit.rlim_cur) - 64 - kMaxRefusing;
    max_connections = static_cast<int>(std::max(1L, std::min<long>(options.max_connections, usable)));
  }

  class Loop;
};

class Transport::Impl::Loop {
 public:
  explicit Loop(Impl& owner) : owner_(owner), options_(owner.options) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw support::SystemError(std::string("epoll_create1: ") + std::strerror(errno));
    epoll_event listen_event{};
    // EPOLLEXCLUSIVE: one loop wakes per new connection, not all of them.
    listen_event.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen_event.data.ptr = &listen_marker;
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.ptr = &wake_marker;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, owner.listen_fd, &listen_event) != 0 ||
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, owner.wake_fd, &wake_event) != 0) {
      ::close(epoll_);
      throw support::SystemError(std::string("epoll_ctl: ") + std::strerror(errno));
    }
  }
  ~Loop() { ::close(epoll_); }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void run() {
    epoll_event events[128];
    while (!owner_.stopping.load(std::memory_order_relaxed)) {
      int timeout = -1;
      if (next_deadline_ != kNever) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline_ - SteadyClock::now()).count() + 1;
        timeout = static_cast<int>(std::clamp<long long>(wait, 0, 60 * 60 * 1000));
      }
      int ready = ::epoll_wait(epoll_, events, 128, timeout);
      if (ready < 0 && errno != EINTR) break;
      for (int i = 0; i < ready; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &wake_marker) continue;  // stopping: the while condition sees it
        if (tag == &listen_marker) {
          accept_one();
          continue;
        }
        on_event(*static_cast<Connection*>(tag), events[i].events);
      }
      bury();
      if (next_deadline_ != kNever && SteadyClock::now() >= next_deadline_) sweep();
    }
    shut_down();
  }

 private:
  Impl& owner_;
  const TransportOptions& options_;
  int epoll_ = -1;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> dead_;
  TimePoint next_deadline_ = kNever;
  char scratch_[65536];

  void set_deadline(Connection& c, TimePoint when) {
    c.deadline = when;
    if (when < next_deadline_) next_deadline_ = when;
  }

  void set_interest(Connection& c, std::uint32_t events) {
    if (c.interest == events) return;
    epoll_event event{};
    event.events = events;
    event.data.ptr = &c;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    c.interest = events;
  }

  void accept_one() {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept4(owner_.listen_fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;  // another loop took it, or out of descriptors: the backlog keeps it
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto connection = std::make_unique<Connection>();
    Connection& c = *connection;
    c.fd = fd;
    c.loopback = is_loopback(peer);
    c.peer = address_text(peer);
    if (owner_.tls_context) {
      try {
        c.tls = std::make_unique<TlsSession>(owner_.tls_context.get());
      } catch (const std::bad_alloc&) {
        ::close(fd);
        return;
      }
    }
    if (owner_.open.fetch_add(1) >= owner_.max_connections) {
      owner_.open.fetch_sub(1);
      if (owner_.refusing.fetch_add(1) >= kMaxRefusing) {
        owner_.refusing.fetch_sub(1);
        ::close(fd);
        return;
      }
      c.refused = true;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &c;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
      (c.refused ? owner_.refusing : owner_.open).fetch_sub(1);
      ::close(fd);
      return;
    }
    c.interest = EPOLLIN;
    connections_.emplace(&c, std::move(connection));
    // The handshake counts as the start of a request: a client that stalls
    // in it is cut off like a slowloris.
    if (c.tls) set_deadline(c, SteadyClock::now() + options_.request_timeout);
    if (c.refused) {
      // A clear refusal: the client reads why, instead of a timeout.
      CannedResponse busy = api_error(503, "503: Service Unavailable: the mock has " +
                                               std::to_string(owner_.max_connections) + " connections open", 0);
      busy.headers.emplace_back("Retry-After", "1");
      queue(c, serialize_response(busy, false, "close"), Reply::After::close);
      flush(c);
      return;
    }
    if (!c.tls) set_deadline(c, SteadyClock::now() + options_.idle_timeout);
  }

  void on_event(Connection& c, std::uint32_t events) {
    if (c.fd < 0) return;
    if (events & (EPOLLERR | EPOLLHUP)) return on_peer_closed(c);  // nothing more can be delivered
    if (events & EPOLLOUT) {
      flush(c);
      // Pipelined requests that waited for the answers before them to go out.
      if (c.fd >= 0 && c.state == State::reading && c.out.empty() && !c.in.empty()) process(c);
    }
    if (c.fd >= 0 && (events & EPOLLIN)) on_readable(c);
  }

  void on_readable(Connection& c) {
    while (c.fd >= 0) {
      ssize_t n = ::recv(c.fd, scratch_, sizeof scratch_, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return close_now(c, false);
      }
      if (n == 0) return on_end_of_input(c);
      const bool handshaking = c.tls && !c.tls->established;
      if ((c.state == State::hanging || c.state == State::draining || c.refused) && !handshaking) continue;  // discarded
      if (c.tls) on_tls_bytes(c, static_cast<std::size_t>(n));
      else c.in.append(scratch_, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof scratch_) break;
    }
    if (c.fd >= 0 && c.state == State::reading) process(c);
  }

  // Bytes read from an https connection (in scratch_): the handshake, then
  // requests, decrypted into c.in.
  void on_tls_bytes(Connection& c, std::size_t n) {
    TlsSession& tls = *c.tls;
    if (!tls.sniffed) {
      tls.sniffed = true;
      if (scratch_[0] != kTlsHandshakeRecord) return answer_plain_http(c);
    }
    BIO_write(tls.in, scratch_, static_cast<int>(n));
    if (!tls.established) {
      int done = SSL_do_handshake(tls.ssl);
      c.out += tls.take_output();
      if (done != 1) {
        int error = SSL_get_error(tls.ssl, done);
        ERR_clear_error();
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return flush(c);
        // Our alert goes out best-effort before the close; nothing else can.
        if (c.out_sent < c.out.size())
          ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        return close_now(c, false);
      }
      tls.established = true;
      if (!c.refused) set_deadline(c, SteadyClock::now() + options_.idle_timeout);
      if (!tls.pending.empty() || tls.close_after_pending) {
        c.out += tls.seal(tls.pending, tls.close_after_pending);
        tls.pending.clear();
      }
      flush(c);
      if (c.fd < 0) return;
    }
    const bool keep = !(c.state == State::hanging || c.state == State::draining || c.refused);
    for (;;) {
      int got = SSL_read(tls.ssl, scratch_, sizeof scratch_);
      if (got > 0) {
        if (keep) c.in.append(scratch_, static_cast<std::size_t>(got));
        continue;
      }
      int error = SSL_get_error(tls.ssl, got);
      ERR_clear_error();
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_ZERO_RETURN) break;  // close_notify: the FIN follows
      return close_now(c, false);
    }
    c.out += tls.take_output();
  }

  // Plain http to an https port: told so in plain text, as nginx does, then closed.
  void answer_plain_http(Connection& c) {
    c.tls.reset();
    queue(c,
          serialize_response(api_error(400, "400: Bad Request: this port speaks https; the request was sent as plain http", 0),
                             false, "close"),
          Reply::After::close);
    flush(c);
  }

  // The client sent all it will (a half-close): what it sent is still answered.
  void on_end_of_input(Connection& c) {
    if (c.state != State::reading || c.in.empty() || c.peer_done) return on_peer_closed(c);
    c.peer_done = true;
    process(c);
    if (c.fd >= 0 && c.state == State::reading) close_now(c, false);  // an incomplete request
  }

  // The client went away: a delayed answer is cancelled.
  void on_peer_closed(Connection& c) {
    if (c.state == State::waiting) run_later(c, true);
    close_now(c, false);
  }

  // A delayed answer's continuation, once; a throw costs the connection, never the loop.
  Reply run_later(Connection& c, bool cancelled) {
    auto later = std::move(c.later);
    c.later = nullptr;
    if (!later) return {"", Reply::After::close};
    try {
      return later(cancelled);
    } catch (const std::exception&) {
      return {serialize_response(status_message_response(500), false, "close"), Reply::After::close};
    }
  }

  // Handles the buffered requests in order, until one is incomplete, waits,
  // or the connection ends.
  void process(Connection& c) {
    const std::size_t raw_limit = RequestLimits{}.max_head_bytes + 4 * RequestLimits{}.max_body_bytes;
    while (c.fd >= 0 && c.state == State::reading && c.out.size() - c.out_sent < kOutputHighWater) {
      if (c.in.empty()) break;
      ParseResult parsed = parse_request(c.in);
      if (parsed.state == ParseResult::State::incomplete) {
        if (c.in.find_first_not_of("\r\n") == std::string::npos) break;  // blank lines between requests
        if (!c.request_started) {
          c.request_started = true;
          set_deadline(c, SteadyClock::now() + options_.request_timeout);
        }
        if (c.in.size() > raw_limit) {
          parsed.state = ParseResult::State::error;
          parsed.error_status = 413;
        } else {
          if (parsed.head_complete && parsed.request.expects_continue() && !c.continue_sent) {
            c.continue_sent = true;
            const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
            c.out += c.tls ? c.tls->seal(interim, false) : interim;
          }
          break;
        }
      }
      handle(c, parsed);
    }
    flush(c);
    update_reading_interest(c);
  }

  void handle(Connection& c, const ParseResult& parsed) {
    const bool complete = parsed.state == ParseResult::State::complete;
    Exchange exchange{parsed, c.loopback, c.peer, complete && !c.peer_done && wants_keep_alive(parsed.request)};
    Verdict verdict;
    try {
      verdict = owner_.handler(exchange);
    } catch (const std::exception&) {
      // A bug answers 500 and costs this connection, never the loop.
      verdict = Verdict{};
      verdict.reply = {serialize_response(status_message_response(500), false, "close"), Reply::After::close};
    }
    if (complete) c.in.erase(0, parsed.consumed);
    else c.in.clear();
    c.request_started = false;
    c.continue_sent = false;
    if (verdict.delay.count() > 0 && verdict.later) {
      c.state = State::waiting;
      c.later = std::move(verdict.later);
      c.waiting_keep_alive = exchange.keep_alive;
      set_deadline(c, SteadyClock::now() + verdict.delay);
      return;
    }
    apply(c, std::move(verdict.reply), exchange.keep_alive);
  }

  void apply(Connection& c, Reply reply, bool keep_alive) {
    c.state = State::reading;
    Reply::After after = reply.after;
    if (after == Reply::After::keep_alive && !keep_alive) after = Reply::After::close;
    queue(c, std::move(reply.bytes), after);
  }

  void queue(Connection& c, std::string bytes, Reply::After after) {
    if (c.tls) {
      const bool closing = after == Reply::After::close;
      if (c.tls->established) {
        bytes = c.tls->seal(bytes, closing);
      } else {  // sent once the handshake is done
        c.tls->pending += bytes;
        c.tls->close_after_pending = closing;
        bytes.clear();
      }
    }
    if (c.out_sent == c.out.size()) {
      c.out = std::move(bytes);
      c.out_sent = 0;
    } else {
      c.out += bytes;
    }
    c.after_output = after;
    if (after != Reply::After::keep_alive) c.state = State::draining;  // no more requests are read
    if (after == Reply::After::keep_alive) set_deadline(c, SteadyClock::now() + options_.idle_timeout);
  }

  // Sends what it can; once everything is out, does what the answer said comes after.
  void flush(Connection& c) {
    while (c.out_sent < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        set_interest(c, EPOLLOUT);
        set_deadline(c, SteadyClock::now() + options_.send_timeout);
        return;
      }
      if (n < 0) return close_now(c, false);
      c.out_sent += static_cast<std::size_t>(n);
    }
    c.out.clear();
    c.out_sent = 0;
    if (c.tls && !c.tls->established) {  // what comes after the answer waits for the answer
      set_interest(c, EPOLLIN);
      return;
    }
    switch (c.after_output) {
      case Reply::After::keep_alive:
        if (c.state == State::reading) set_interest(c, EPOLLIN);
        return;
      case Reply::After::reset: return close_now(c, true);
      case Reply::After::hang:
        c.state = State::hanging;
        c.after_output = Reply::After::keep_alive;
        set_interest(c, EPOLLIN);
        set_deadline(c, SteadyClock::now() + options_.hang_limit);
        return;
      case Reply::After::close:
        ::shutdown(c.fd, SHUT_WR);
        c.state = State::draining;
        c.after_output = Reply::After::keep_alive;
        set_interest(c, EPOLLIN);
        set_deadline(c, SteadyClock::now() + kDrainTime);
        return;
    }
  }

  // Reading pauses while answers pile up unsent, or a delay is pending.
  void update_reading_interest(Connection& c) {
    if (c.fd < 0 || c.out_sent < c.out.size()) return;  // flush() manages EPOLLOUT
    set_interest(c, c.state == State::waiting ? 0u : static_cast<std::uint32_t>(EPOLLIN));
  }

  void close_now(Connection& c, bool reset) {
    if (c.fd < 0) return;
    if (reset) {
      linger hard{1, 0};
      ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    // close() alone leaves the socket in the epoll set while another process
    // holds a copy (a child forked by the embedding program, before its exec):
    // its events would then name this Connection after it is freed.
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    c.tls.reset();
    (c.refused ? owner_.refusing : owner_.open).fetch_sub(1);
    dead_.push_back(&c);
  }

  void bury() {
    for (Connection* c : dead_) connections_.erase(c);
    dead_.clear();
  }

  void sweep() {
    const TimePoint now = SteadyClock::now();
    next_deadline_ = kNever;
    std::vector<Connection*> expired;
    for (auto& [key, c] : connections_) {
      if (c->fd < 0) continue;
      if (c->deadline <= now) expired.push_back(key);
      else next_deadline_ = std::min(next_deadline_, c->deadline);
    }
    for (Connection* c : expired) expire(*c);
    bury();
  }

  void expire(Connection& c) {
    c.deadline = kNever;
    if (c.out_sent < c.out.size()) return close_now(c, false);  // the client stopped reading
    switch (c.state) {
      case State::waiting: {
        apply(c, run_later(c, false), c.waiting_keep_alive);
        flush(c);
        if (c.fd >= 0 && c.state == State::reading) process(c);  // pipelined requests that waited
        return;
      }
      case State::reading:
        if (!c.request_started) return close_now(c, false);  // idle: quietly
        {
          ParseResult timed_out = parse_request(c.in);
          timed_out.state = ParseResult::State::error;
          timed_out.error_status = 408;
          timed_out.error = "the request did not arrive in time";
          handle(c, timed_out);
          flush(c);
        }
        return;
      case State::hanging:
        ::shutdown(c.fd, SHUT_WR);
        return close_now(c, false);
      case State::draining: return close_now(c, false);
    }
  }

  void shut_down() {
    for (auto& [key, c] : connections_) {
      if (c->fd < 0) continue;
      if (c->state == State::waiting) run_later(*c, true);
      if (c->out_sent < c->out.size())
        ::send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(c->fd, SHUT_WR);
      close_now(*c, false);
    }
    bury();
  }
};

Transport::Transport(TransportOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Transport::~Transport() { stop(); }

int Transport::start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->started) return impl_->bound_port;
  if (impl_->stopping) throw support::SystemError("the transport was stopped; create a new one");
  if (impl_->options.tls && !impl_->tls_context) impl_->tls_context = server_context(*impl_->options.tls);
  impl_->bind_and_listen();
  impl_->size_connection_limit();
  impl_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl_->wake_fd < 0) {
    ::close(impl_->listen_fd);
    impl_->listen_fd = -1;
    throw support::SystemError(std::string("eventfd: ") + std::strerror(errno));
  }
  std::vector<std::unique_ptr<Impl::Loop>> loops;
  for (int i = 0; i < std::max(1, impl_->options.loops); ++i) loops.push_back(std::make_unique<Impl::Loop>(*impl_));
  impl_->started = true;
  for (auto& loop : loops)
    impl_->threads.emplace_back([loop = std::shared_ptr<Impl::Loop>(std::move(loop))] { loop->run(); });
  return impl_->bound_port;
}

void Transport::stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  if (impl_->stopping.exchange(true)) return;
  if (impl_->wake_fd >= 0) {
    std::uint64_t one = 1;
    ssize_t written = ::write(impl_->wake_fd, &one, sizeof one);  // level-triggered: wakes every loop
    (void)written;
  }
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  if (impl_->wake_fd >= 0) ::close(impl_->wake_fd);
  impl_->listen_fd = impl_->wake_fd = -1;
}

int Transport::port() const { return impl_->bound_port; }
int Transport::open_connections() const { return impl_->open.load(); }
int Transport::max_connections() const { return impl_->max_connections; }

}  // namespace mock_discord
