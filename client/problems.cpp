// The mapping from failures to pages, in one place so every route words
// the same failure the same way.
#include "client/problems.hpp"

#include <cmath>

namespace client {

Problem unknown_callback_problem() {
  return {400, "Sign-in not recognised",
          "This sign-in did not start in this browser, or its link was already used or is too old. "
          "Nothing was sent to Discord. Please sign in again.",
          true, std::nullopt, "state does not match a sign-in of this session; token endpoint not called"};
}

Problem authorize_error_problem(const std::string& error, const std::string& description) {
  if (error == "access_denied")
    return {403, "Sign-in cancelled", "You cancelled the sign-in on Discord, so you are not signed in.", true,
            std::nullopt, "access_denied"};
  std::string message = "Discord could not start the sign-in (" + error + ")";
  if (!description.empty()) message += ": " + description;
  return {400, "Sign-in failed", message + ".", true, std::nullopt, "authorize error " + error};
}

Problem missing_code_problem() {
  return {400, "Sign-in failed", "Discord's answer carried no authorization code. Please sign in again.", true,
          std::nullopt, "callback without code"};
}

Problem not_signed_in_problem() {
  return {401, "Not signed in", "You are not signed in.", true, std::nullopt, "no tokens in this session"};
}

Problem sign_in_ended_problem(const std::string& log_note) {
  return {401, "Signed out", "Your Discord sign-in has ended. Please sign in again.", true, std::nullopt, log_note};
}

Problem client_error_problem(const ClientError& error, Stage stage) {
  // A failed code exchange may have used the code up, so only a new sign-in helps.
  const std::string again =
      stage == Stage::sign_in ? "Please sign in again in a moment." : "Please reload this page in a moment.";
  if (auto* limited = dynamic_cast<const RateLimited*>(&error)) {
    auto seconds = static_cast<long long>(std::ceil(limited->retry_after()));
    return {429, "Too many requests",
            "Discord is rate limiting this app. Please try again in " + std::to_string(seconds) + " seconds.", true,
            seconds, "rate limited by Discord (" + (limited->scope().empty() ? std::string("?") : limited->scope()) + ")"};
  }
  if (dynamic_cast<const Timeout*>(&error))
    return {504, "Discord did not answer", "Discord did not answer in time. " + again, true,
            std::nullopt, "timeout"};
  if (dynamic_cast<const TransportError*>(&error))
    return {502, "Discord is unreachable",
            "We could not get an answer from Discord; it may be down. " + again, true,
            std::nullopt, "transport error"};
  if (auto* oauth = dynamic_cast<const OAuthError*>(&error)) {
    if (oauth->error() == "invalid_grant" && stage == Stage::sign_in)
      return {400, "Sign-in link expired", "This sign-in link expired, try again.", true, std::nullopt,
              "code rejected: invalid_grant"};
    if (oauth->error() == "invalid_grant") return sign_in_ended_problem("refresh rejected: invalid_grant");
    return {500, "Sign-in is misconfigured",
            "Discord rejected this app's request (" + oauth->error() +
                (oauth->description().empty() ? "" : ": " + oauth->description()) +
                "). The app's client id, secret or redirect URI may be wrong.",
            true, std::nullopt, "oauth error " + oauth->error()};
  }
  if (auto* api = dynamic_cast<const ApiError*>(&error)) {
    if (api->unauthorized()) return sign_in_ended_problem("token rejected (401)");
    if (api->server_side())
      return {502, "Discord is having trouble",
              "Discord answered with an error (HTTP " + std::to_string(api->status()) +
                  "). " + again,
              true, std::nullopt, "Discord HTTP " + std::to_string(api->status())};
    return {502, "Unexpected answer from Discord",
            "Discord refused the request (HTTP " + std::to_string(api->status()) + ": " + api->api_message() + ").",
            true, std::nullopt, "Discord HTTP " + std::to_string(api->status())};
  }
  return {500, "Something went wrong", error.what(), true, std::nullopt, error.name()};
}

}  // namespace client
