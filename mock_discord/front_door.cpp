// The front door's request path: guards, journal, failure rules, in-process
// dispatch and serialisation (behaviour in front_door.hpp). Runs on the
// transport's loop threads; everything it touches is thread-safe.
#include "mock_discord/front_door.hpp"

#include <arpa/inet.h>
#include <httplib.h>

#include <optional>

#include <nlohmann/json.hpp>

#include "mock_discord/discord_errors.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/http_response.hpp"
#include "mock_discord/ids.hpp"
#include "mock_discord/journal.hpp"
#include "mock_discord/rate_limits.hpp"
#include "mock_discord/responses.hpp"
#include "support/text.hpp"
#include "support/url.hpp"

namespace mock_discord {
namespace {

using SteadyClock = std::chrono::steady_clock;
using support::text::lower;

bool is_admin_path(const std::string& path) { return path == "/_mock" || path.compare(0, 7, "/_mock/") == 0; }

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

// The host part of a Host header or an origin's authority: brackets and port dropped.
std::string host_name(const std::string& authority) {
  if (!authority.empty() && authority.front() == '[') return lower(authority.substr(1, authority.find(']') - 1));
  return lower(authority.substr(0, authority.find(':')));
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// Constant time in the length of `expected`: the token cannot be guessed byte by byte.
bool same_secret(const std::string& given, const std::string& expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i)
    difference |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
  return difference == 0;
}

httplib::Request route_request(const HttpRequest& request, const std::string& decoded_path, const std::string& peer) {
  httplib::Request out;
  out.method = request.method;
  out.target = request.target;
  out.path = decoded_path;
  out.version = request.version;
  out.body = request.body;
  out.remote_addr = peer;
  for (const auto& [name, value] : request.headers) out.headers.emplace(name, value);
  // Lenient, like cpp-httplib's own: handlers that must be strict read the raw target.
  if (auto params = support::parse_form(request.query()))
    for (auto& [name, value] : *params) out.params.emplace(std::move(name), std::move(value));
  return out;
}

Verdict answered(Reply reply) {
  Verdict verdict;
  verdict.reply = std::move(reply);
  return verdict;
}

// Everything an answer needs, kept together so that a delayed one can run later.
struct Pending {
  HttpRequest request;
  std::string decoded_path;
  std::string peer;
  bool keep_alive = false;
  std::optional<FailureRule> rule;
  Endpoint endpoint = Endpoint::other;
  support::Params form;
  std::optional<std::uint64_t> opened;  // the journal entry, opened on arrival
  SteadyClock::time_point began;
};

}  // namespace

struct FrontDoor::Impl {
  FrontDoorOptions options;
  FailureEngine& failures;
  Journal& journal;
  std::function<std::int64_t()> clock;
  Transport transport;

  Impl(FrontDoorOptions options_, FailureEngine& failures_, Journal& journal_, std::function<std::int64_t()> clock_)
      : options(std::move(options_)),
        failures(failures_),
        journal(journal_),
        clock(std::move(clock_)),
        transport(options.transport, [this](const Exchange& exchange) { return handle(exchange); }) {}

  static std::string_view connection_header(const HttpRequest& request, bool keep_alive) {
    if (!keep_alive) return "close";
    return request.version == "HTTP/1.0" ? "keep-alive" : "";
  }

  Reply canned(const CannedResponse& response, const HttpRequest& request, bool keep_alive) {
    return {serialize_response(response, request.method == "HEAD", connection_header(request, keep_alive)),
            keep_alive ? Reply::After::keep_alive : Reply::After::close};
  }

  double latency_since(SteadyClock::time_point began) const {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - began).count();
  }

  // Why the admin API refuses this request, or nullopt. Checked on the
  // decoded path, the one the routing uses.
  std::optional<CannedResponse> admin_refusal(const HttpRequest& request, const Exchange& exchange) const {
    if (!options.admin_token.empty()) {
      if (!same_secret(request.header("Authorization").value_or(""), "Bearer " + options.admin_token))
        return status_message_response(403);
    } else if (!exchange.loopback) {
      return status_message_response(403);
    }
    // DNS rebinding: a page on evil.test whose name now resolves to
    // 127.0.0.1 reaches us with Host: evil.test. Our own names are IP
    // literals, localhost and the name we were told to listen on.
    if (auto host = request.header("Host")) {
      std::string name = host_name(*host);
      if (!is_ip_literal(name) && name != "localhost" && name != lower(options.transport.host))
        return api_error(403, "403: Forbidden: Host '" + *host + "' is not this mock's own name", 0);
    }
    // A cross-site page can send simple POSTs (form or text/plain, no
    // preflight); browsers mark them with Origin and Sec-Fetch-Site.
    if (auto origin = request.header("Origin")) {
      const std::string scheme = options.transport.tls ? "https://" : "http://";
      if (*origin != scheme + request.header("Host").value_or(""))
        return api_error(403, "403: Forbidden: the admin API refuses cross-origin requests (Origin " + *origin + ")", 0);
    }
    if (auto site = request.header("Sec-Fetch-Site")) {
      if (*site != "same-origin" && *site != "none")
        return api_error(403, "403: Forbidden: the admin API refuses cross-site requests", 0);
    }
    return std::nullopt;
  }

  // Runs a route handler in-process; a bug still answers in Discord's shape.
  std::string dispatch(const RouteHandler& route, const HttpRequest& request, const std::string& decoded_path,
                       const std::string& peer, std::string_view connection, int& status) {
    httplib::Request http_request = route_request(request, decoded_path, peer);
    httplib::Response response;
    try {
      route(http_request, response);
    } catch (const std::exception&) {
      response = httplib::Response();
      response.status = 500;
    }
    status = response.status < 0 ? 200 : response.status;
    return serialize_response(response, request.method == "HEAD", connection);
  }

  Verdict handle(const Exchange& exchange) {
    const HttpRequest& request = exchange.parsed.request;
    const std::string raw_path = request.path();
    std::optional<std::string> decoded = support::percent_decode_path(raw_path);
    const bool admin = decoded && is_admin_path(*decoded);
    const auto began = SteadyClock::now();

    JournalEntry entry;
    entry.arrived = std::chrono::system_clock::now();
    entry.method = request.method;
    entry.path = raw_path;
    const Endpoint endpoint = classify_path(raw_path);
    entry.endpoint = endpoint_name(endpoint);
    if (auto query = support::parse_form(request.query())) entry.query = *query;
    auto refuse = [&](const CannedResponse& response) {
      if (!admin) {
        entry.status = response.status;
        entry.latency_ms = latency_since(began);
        entry.virtual_time_ms = clock();
        journal.record(std::move(entry));
      }
      return answered(canned(response, request, false));
    };

    if (exchange.parsed.state == ParseResult::State::error)
      return refuse(status_message_response(exchange.parsed.error_status));
    if (!decoded) return refuse(api_error(400, "400: Bad Request: broken percent-encoding in the path", 0));
    if (admin) {
      if (auto refusal = admin_refusal(request, exchange)) return refuse(*refusal);
    }
    // Never inflated: a decompression bomb must not get past the 1 MiB cap.
    if (auto coding = request.header("Content-Encoding"))
      return refuse(api_error(415, "415: Unsupported Media Type: request bodies must not be encoded (Content-Encoding: " +
                                       *coding + ")", 0));
    if (admin) {
      int status = 0;
      return answered({dispatch(options.admin, request, *decoded, exchange.peer,
                                connection_header(request, exchange.keep_alive), status),
                       Reply::After::keep_alive});
    }

    auto type = request.header("Content-Type");
    if (type && lower(*type).compare(0, 33, "application/x-www-form-urlencoded") == 0)
      entry.form = support::parse_form(request.body).value_or(support::Params{});

    Pending pending;
    pending.rule = failures.decide(endpoint, raw_path);
    if (pending.rule) entry.rule = pending.rule->describe();
    pending.endpoint = endpoint;
    pending.form = entry.form;
    pending.opened = journal.open(std::move(entry));
    pending.began = began;
    pending.keep_alive = exchange.keep_alive;

    const auto delay = pending.rule ? pending.rule->delay : Duration(0);
    if (delay.count() <= 0) return answered(answer(pending, request, *decoded, exchange.peer));
    pending.request = request;
    pending.decoded_path = *decoded;
    pending.peer = exchange.peer;
    auto held = std::make_shared<Pending>(std::move(pending));
    Verdict verdict;
    verdict.delay = std::chrono::duration_cast<TransportDuration>(delay);
    verdict.later = [this, held](bool cancelled) {
      if (cancelled) {  // stopping, or the client left: the delayed answer never comes
        close_entry(*held, 0);
        return Reply{"", Reply::After::close};
      }
      return answer(*held, held->request, held->decoded_path, held->peer);
    };
    return verdict;
  }

  void close_entry(const Pending& pending, int status) {
    journal.close(*pending.opened, status, latency_since(pending.began), clock());
  }

  // The answer to a journaled request: the rule's, or the routes'. The
  // journal gets its status before the client can see the answer's end.
  Reply answer(const Pending& pending, const HttpRequest& request, const std::string& decoded_path,
               const std::string& peer) {
    const bool keep_alive = pending.keep_alive;
    auto reply = [&](const CannedResponse& response) {
      close_entry(pending, response.status);
      return canned(response, request, keep_alive);
    };
    const auto kind = pending.rule ? pending.rule->kind : FailureRule::Kind::delay_only;
    switch (kind) {
      case FailureRule::Kind::status: return reply(status_rule_response(*pending.rule));
      case FailureRule::Kind::error: {
        std::string grant_type = support::find_param(pending.form, "grant_type").value_or("");
        return reply(error_response(pending.endpoint, pending.rule->error, grant_type)
                         .value_or(status_message_response(400)));
      }
      case FailureRule::Kind::rate_limit: {
        int limit = options.route_limit ? options.route_limit(pending.endpoint) : kNominalRateLimit;
        return reply(rate_limited_response(pending.rule->retry_after, pending.rule->scope,
                                           bucket_hash(endpoint_name(pending.endpoint)), clock(), limit));
      }
      case FailureRule::Kind::fault: return fault(pending, request, decoded_path, peer);
      case FailureRule::Kind::delay_only: break;
    }
    int status = 0;
    std::string bytes =
        dispatch(options.discord, request, decoded_path, peer, connection_header(request, keep_alive), status);
    close_entry(pending, status);
    return {std::move(bytes), Reply::After::keep_alive};
  }

  Reply fault(const Pending& pending, const HttpRequest& request, const std::string& decoded_path,
              const std::string& peer) {
    const Fault fault = pending.rule->fault;
    if (fault == Fault::truncated) {
      int status = 0;  // processed for real; only the answer is cut
      std::string raw = dispatch(options.discord, request, decoded_path, peer, "close", status);
      close_entry(pending, 0);
      return {truncate_answer(raw), Reply::After::close};
    }
    close_entry(pending, 0);
    CannedResponse broken;
    switch (fault) {
      case Fault::reset: return {"", Reply::After::reset};
      case Fault::close: return {"", Reply::After::close};
      case Fault::hang: return {"", Reply::After::hang};
      case Fault::malformed_json: broken.body = malformed_json_body; break;
      case Fault::empty:
      case Fault::truncated: break;
    }
    return canned(broken, request, pending.keep_alive);
  }
};

FrontDoor::FrontDoor(FrontDoorOptions options, FailureEngine& failures, Journal& journal,
                     std::function<std::int64_t()> clock)
    : impl_(std::make_unique<Impl>(std::move(options), failures, journal, std::move(clock))) {}

FrontDoor::~FrontDoor() { stop(); }

int FrontDoor::start() { return impl_->transport.start(); }
void FrontDoor::stop() { impl_->transport.stop(); }
int FrontDoor::port() const { return impl_->transport.port(); }
const Transport& FrontDoor::transport() const { return impl_->transport; }

}  // namespace mock_discord
