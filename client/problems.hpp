// What the reference app tells the browser when a sign-in or a profile
// request goes wrong: the status, a plain-language page, and a short,
// secret-free note for the request log.
#pragma once

#include <optional>
#include <string>

#include "client/errors.hpp"

namespace client {

struct Problem {
  int status = 500;
  std::string title;
  std::string message;
  bool offer_sign_in = true;
  std::optional<long long> retry_after_seconds;  // sent as Retry-After
  std::string log_note;
};

// Where the failure happened: the code exchange at /callback, or using the
// stored tokens at /me (refresh included).
enum class Stage { sign_in, profile };

// A callback whose state matches no sign-in this browser started (missing,
// wrong, already used, or the session is gone). Discord was not called.
Problem unknown_callback_problem();
// Discord sent the user back with ?error=... (access_denied when they cancelled).
Problem authorize_error_problem(const std::string& error, const std::string& description);
// The callback carried neither a code nor an error.
Problem missing_code_problem();
Problem not_signed_in_problem();
// The stored sign-in is dead (refresh refused, token still rejected after a
// refresh, or no refresh token): the user must sign in again.
Problem sign_in_ended_problem(const std::string& log_note);
Problem client_error_problem(const ClientError& error, Stage stage);

}  // namespace client
