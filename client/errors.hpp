// The client library's typed errors. Callers decide what to show from the
// type alone: Discord refused (OAuthError, ApiError), Discord asked us to
// slow down (RateLimited), or no usable answer came back (TransportError,
// Timeout). Messages never contain tokens, codes or the client secret.
#pragma once

#include <string>

#include "support/errors.hpp"

namespace client {

// The root of every error the client library throws.
class ClientError : public support::Error {
 public:
  ClientError(std::string name, const std::string& message, support::ExitCode code)
      : support::Error(std::move(name), message, code) {}
};

// The token or revoke endpoint answered an OAuth error body, e.g.
// {"error": "invalid_grant", "error_description": "Invalid \"code\" in request."}.
class OAuthError : public ClientError {
 public:
  OAuthError(std::string error, std::string description, int status)
      : ClientError("OAuthError", describe(error, description, status), support::ExitCode::failed),
        error_(std::move(error)), description_(std::move(description)), status_(status) {}
  const std::string& error() const { return error_; }
  const std::string& description() const { return description_; }
  int status() const { return status_; }

 private:
  static std::string describe(const std::string& error, const std::string& description, int status) {
    std::string text = "Discord refused the request: " + error;
    if (!description.empty()) text += " (" + description + ")";
    return text + ", HTTP " + std::to_string(status);
  }
  std::string error_;
  std::string description_;
  int status_;
};

// Any other answer that is not a success: a REST error such as
// 401 {"message": "401: Unauthorized", "code": 0}, or a 5xx from Discord.
class ApiError : public ClientError {
 public:
  ApiError(int status, int code, std::string message)
      : ClientError("ApiError", "Discord answered HTTP " + std::to_string(status) + ": " + message,
                    support::ExitCode::failed),
        status_(status), code_(code), message_(std::move(message)) {}
  int status() const { return status_; }
  int code() const { return code_; }  // Discord's JSON error code; 0 when none
  const std::string& api_message() const { return message_; }
  // The bearer token was refused (expired or revoked).
  bool unauthorized() const { return status_ == 401; }
  bool server_side() const { return status_ >= 500; }

 private:
  int status_;
  int code_;
  std::string message_;
};

// 429, not retried because the wait was longer than the configured bound or
// the attempts ran out.
class RateLimited : public ClientError {
 public:
  RateLimited(double retry_after, std::string scope, bool global)
      : ClientError("RateLimited",
                    "Discord rate limited the request (retry after " + format_seconds(retry_after) +
                        ", scope " + (scope.empty() ? std::string("unknown") : scope) +
                        (global ? ", global" : "") + ")",
                    support::ExitCode::failed),
        retry_after_(retry_after), scope_(std::move(scope)), global_(global) {}
  double retry_after() const { return retry_after_; }  // seconds
  const std::string& scope() const { return scope_; }  // user, global, shared or ""
  bool global() const { return global_; }

 private:
  static std::string format_seconds(double seconds) {
    std::string text = std::to_string(seconds);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text + "s";
  }
  double retry_after_;
  std::string scope_;
  bool global_;
};

// No usable answer: connection refused or reset, a truncated or unreadable body.
class TransportError : public ClientError {
 public:
  explicit TransportError(const std::string& message)
      : ClientError("TransportError", message, support::ExitCode::system) {}

 protected:
  TransportError(std::string name, const std::string& message)
      : ClientError(std::move(name), message, support::ExitCode::system) {}
};

// Connecting or waiting for the answer took longer than the configured timeout.
class Timeout : public TransportError {
 public:
  explicit Timeout(const std::string& message) : TransportError("Timeout", message) {}
};

}  // namespace client
