// Discord's OAuth2 calls over HttpTransport, and the mapping of answers to
// typed values and errors.
#include "client/oauth_client.hpp"

#include <nlohmann/json.hpp>

#include "client/errors.hpp"
#include "client/pkce.hpp"
#include "support/random.hpp"
#include "support/url.hpp"

namespace client {
namespace {

using nlohmann::json;

const char kFormType[] = "application/x-www-form-urlencoded";

// A non-2xx answer as a typed error: OAuth error bodies ({"error": ...})
// become OAuthError, everything else ApiError.
[[noreturn]] void throw_for_answer(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    auto error = body.find("error");
    if (error != body.end() && error->is_string()) {
      auto description = body.find("error_description");
      throw OAuthError(error->get<std::string>(),
                       description != body.end() && description->is_string() ? description->get<std::string>() : "",
                       response.status);
    }
  }
  int code = 0;
  std::string message;
  if (body.is_object()) {
    auto code_field = body.find("code");
    if (code_field != body.end() && code_field->is_number_integer()) code = code_field->get<int>();
    auto message_field = body.find("message");
    if (message_field != body.end() && message_field->is_string()) message = message_field->get<std::string>();
  }
  if (message.empty()) message = response.status >= 500 ? "Discord had an internal error" : "unexpected answer";
  throw ApiError(response.status, code, message);
}

json parse_success(const HttpResponse& response, const std::string& what) {
  if (response.status < 200 || response.status > 299) throw_for_answer(response);
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) throw TransportError(what + ": Discord's answer is not valid JSON");
  return body;
}

}  // namespace

OAuthClient::OAuthClient(OAuthConfig config) : config_(std::move(config)), transport_(config_.transport) {
  config_.validate();
}

AuthorizationRequest OAuthClient::authorization_request(bool use_pkce) const {
  AuthorizationRequest request;
  request.state = support::secure_base64url(32);
  support::Params params = {{"response_type", "code"},
                            {"client_id", config_.client_id},
                            {"scope", join_scopes(config_.scopes)},
                            {"state", request.state},
                            {"redirect_uri", config_.redirect_uri}};
  if (use_pkce) {
    Pkce pkce = make_pkce();
    params.emplace_back("code_challenge", pkce.challenge);
    params.emplace_back("code_challenge_method", "S256");
    request.code_verifier = pkce.verifier;
  }
  char separator = config_.authorize_url.find('?') == std::string::npos ? '?' : '&';
  request.url = config_.authorize_url + separator + support::build_form(params);
  return request;
}

std::string OAuthClient::client_credentials_form() const {
  support::Params params = {{"client_id", config_.client_id}};
  if (!config_.client_secret.empty()) params.emplace_back("client_secret", config_.client_secret);
  return support::build_form(params);
}

TokenSet OAuthClient::token_request(const std::string& grant_form, RetryPolicy retry, const std::string& what) const {
  HttpRequest request;
  request.method = "POST";
  request.url = config_.token_endpoint();
  request.content_type = kFormType;
  request.body = grant_form + "&" + client_credentials_form();
  request.retry = retry;
  request.what = what;
  auto obtained_at = Clock::now();
  json body = parse_success(transport_.send(request), what);
  return token_set_from_json(body, obtained_at, "Discord's answer to " + what);
}

TokenSet OAuthClient::exchange_code(const std::string& code, const std::optional<std::string>& code_verifier) const {
  support::Params form = {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", config_.redirect_uri}};
  if (code_verifier) form.emplace_back("code_verifier", *code_verifier);
  return token_request(support::build_form(form), RetryPolicy::never, "the code exchange");
}

TokenSet OAuthClient::refresh(const std::string& refresh_token) const {
  support::Params form = {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
  return token_request(support::build_form(form), RetryPolicy::unprocessed, "the token refresh");
}

void OAuthClient::revoke(const std::string& token, const std::string& token_type_hint) const {
  HttpRequest request;
  request.method = "POST";
  request.url = config_.revoke_endpoint();
  request.content_type = kFormType;
  support::Params form = {{"token", token}};
  if (!token_type_hint.empty()) form.emplace_back("token_type_hint", token_type_hint);
  request.body = support::build_form(form) + "&" + client_credentials_form();
  request.retry = RetryPolicy::idempotent;
  request.what = "the token revocation";
  HttpResponse response = transport_.send(request);
  if (response.status < 200 || response.status > 299) throw_for_answer(response);
}

json OAuthClient::api_get(const std::string& path, const std::string& access_token,
                          const std::string& what) const {
  HttpRequest request;
  request.url = config_.api_endpoint(path);
  request.bearer_token = access_token;
  request.retry = RetryPolicy::idempotent;
  request.what = what;
  return parse_success(transport_.send(request), what);
}

DiscordUser OAuthClient::current_user(const std::string& access_token) const {
  const std::string what = "the current user request";
  return user_from_json(api_get("/users/@me", access_token, what), "Discord's answer to " + what);
}

std::vector<Guild> OAuthClient::guilds(const std::string& access_token) const {
  const std::string what = "the guilds request";
  return guilds_from_json(api_get("/users/@me/guilds", access_token, what), "Discord's answer to " + what);
}

Authorization OAuthClient::current_authorization(const std::string& access_token) const {
  const std::string what = "the current authorization request";
  return authorization_from_json(api_get("/oauth2/@me", access_token, what), "Discord's answer to " + what);
}

}  // namespace client
