// The retry loop and the mapping of cpp-httplib's outcomes to typed errors.
#include "client/http_transport.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <thread>

#include "client/errors.hpp"
#include "support/url.hpp"

namespace client {
namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::optional<double> parse_seconds(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(value) || value < 0) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// One attempt's outcome: an answer, or why there was none.
struct Attempt {
  std::optional<HttpResponse> response;
  httplib::Error error = httplib::Error::Success;
  Milliseconds elapsed{0};
};

// The connection was never established, so the request was never sent.
bool never_sent(httplib::Error error) {
  return error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout;
}

Attempt perform(const HttpRequest& request, const support::Url& url, const TransportOptions& options) {
  httplib::Client http(url.origin());
  http.set_tcp_nodelay(true);
  http.set_connection_timeout(options.connect_timeout);
  http.set_read_timeout(options.read_timeout);
  http.set_write_timeout(options.read_timeout);
  http.set_keep_alive(false);
  http.set_follow_location(false);
  if (url.scheme == "https") {
    http.enable_server_certificate_verification(true);
    if (!options.ca_cert_path.empty()) http.set_ca_cert_path(options.ca_cert_path);
  }

  httplib::Request raw;
  raw.method = request.method;
  raw.path = url.target();
  raw.headers.emplace("User-Agent", options.user_agent);
  raw.headers.emplace("Accept", "application/json");
  if (!request.bearer_token.empty()) raw.headers.emplace("Authorization", "Bearer " + request.bearer_token);
  if (!request.content_type.empty()) raw.headers.emplace("Content-Type", request.content_type);
  raw.body = request.body;

  auto started = std::chrono::steady_clock::now();
  httplib::Result result = http.send(raw);
  Attempt attempt;
  attempt.elapsed = std::chrono::duration_cast<Milliseconds>(std::chrono::steady_clock::now() - started);
  attempt.error = result.error();
  if (result) {
    HttpResponse response;
    response.status = result->status;
    response.body = result->body;
    for (const auto& [name, value] : result->headers) response.headers.emplace_back(name, value);
    attempt.response = std::move(response);
  }
  return attempt;
}

bool timed_out(const Attempt& attempt, const TransportOptions& options) {
  return attempt.error == httplib::Error::ConnectionTimeout ||
         (attempt.error == httplib::Error::Read && attempt.elapsed >= options.read_timeout);
}

[[noreturn]] void throw_failure(const HttpRequest& request, const support::Url& url, const Attempt& attempt,
                                const TransportOptions& options, int attempts) {
  std::string tail = attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "";
  std::string host = url.origin();
  if (attempt.error == httplib::Error::ConnectionTimeout)
    throw Timeout("could not connect to " + host + " within " + std::to_string(options.connect_timeout.count()) +
                  "ms for " + request.what + tail);
  if (timed_out(attempt, options))
    throw Timeout("no answer from " + host + " within " + std::to_string(options.read_timeout.count()) +
                  "ms to " + request.what + tail);
  std::string reason;
  switch (attempt.error) {
    case httplib::Error::Connection: reason = "could not connect"; break;
    case httplib::Error::Read: reason = "the connection was closed or reset before a complete answer"; break;
    case httplib::Error::Write: reason = "the connection was closed while sending"; break;
    case httplib::Error::SSLConnection: reason = "the TLS handshake failed"; break;
    case httplib::Error::SSLLoadingCerts: reason = "the CA certificates could not be loaded"; break;
    case httplib::Error::SSLServerVerification: reason = "the server's certificate was not trusted"; break;
    default: reason = "transport error " + httplib::to_string(attempt.error); break;
  }
  throw TransportError(request.what + " to " + host + " failed: " + reason + tail);
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return "";
}

RateLimitInfo parse_rate_limit(const HttpResponse& response) {
  RateLimitInfo info;
  std::optional<double> retry_after;
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    if (body.contains("retry_after") && body["retry_after"].is_number() && body["retry_after"].get<double>() >= 0)
      retry_after = body["retry_after"].get<double>();
    if (body.contains("global") && body["global"].is_boolean()) info.global = body["global"].get<bool>();
  }
  if (!retry_after) retry_after = parse_seconds(response.header("Retry-After"));
  if (!retry_after) retry_after = parse_seconds(response.header("X-RateLimit-Reset-After"));
  if (retry_after) info.retry_after = *retry_after;
  info.scope = response.header("X-RateLimit-Scope");
  if (iequals(response.header("X-RateLimit-Global"), "true")) info.global = true;
  return info;
}

HttpTransport::HttpTransport(TransportOptions options) : options_(std::move(options)) {
  options_.max_attempts = std::max(1, options_.max_attempts);
}

void HttpTransport::wait(Milliseconds duration) const {
  if (duration.count() <= 0) return;
  if (options_.sleep)
    options_.sleep(duration);
  else
    std::this_thread::sleep_for(duration);
}

Milliseconds HttpTransport::backoff(int failed_attempts) const {
  Milliseconds delay = options_.backoff_initial;
  for (int i = 1; i < failed_attempts && delay < options_.backoff_max; ++i) delay *= 2;
  return std::min(delay, options_.backoff_max);
}

HttpResponse HttpTransport::send(const HttpRequest& request) const {
  auto url = support::parse_url(request.url);
  if (!url) throw TransportError(request.what + ": not an absolute http(s) URL: " + request.url);

  for (int attempt_number = 1;; ++attempt_number) {
    bool attempts_left = attempt_number < options_.max_attempts;
    Attempt attempt = perform(request, *url, options_);

    if (!attempt.response) {
      // A timeout is not repeated: someone is waiting, and a server that did
      // not answer within the timeout is unlikely to answer the next try sooner.
      bool retry = attempts_left && !timed_out(attempt, options_) &&
                   (request.retry == RetryPolicy::idempotent ||
                    (request.retry == RetryPolicy::unprocessed && never_sent(attempt.error)));
      if (!retry) throw_failure(request, *url, attempt, options_, attempt_number);
      wait(backoff(attempt_number));
      continue;
    }

    const HttpResponse& response = *attempt.response;
    if (response.status == 429) {
      // Discord rate limits before acting, so a 429 is safe to resend, except
      // for a code exchange, which this library sends once whatever happens.
      RateLimitInfo info = parse_rate_limit(response);
      auto wait_for = Milliseconds(static_cast<long long>(std::ceil(info.retry_after * 1000)));
      bool retry = attempts_left && request.retry != RetryPolicy::never && wait_for <= options_.max_retry_after;
      if (!retry) throw RateLimited(info.retry_after, info.scope, info.global);
      wait(wait_for);
      continue;
    }
    if (response.status >= 500 && attempts_left && request.retry == RetryPolicy::idempotent) {
      wait(backoff(attempt_number));
      continue;
    }
    return response;
  }
}

}  // namespace client
