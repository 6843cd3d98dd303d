// POST /api[/vN]/oauth2/token (authorization_code, refresh_token,
// client_credentials) and /oauth2/token/revoke. Bodies are form-encoded
// only; every refusal is one of Discord's documented answers. Each grant
// runs start to finish under the world's mutex, so a code or refresh token
// is spent exactly once however many requests race for it.
#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "mock_discord/handlers.hpp"
#include "mock_discord/pkce.hpp"
#include "support/random.hpp"
#include "mock_discord/request_params.hpp"
#include "mock_discord/responses.hpp"
#include "mock_discord/scopes.hpp"
#include "mock_discord/state.hpp"
#include "support/encoding.hpp"

namespace mock_discord {
namespace {

CannedResponse invalid_code() { return invalid_grant("authorization_code"); }
CannedResponse invalid_refresh_token() { return invalid_grant("refresh_token"); }
CannedResponse missing(const std::string& parameter) {
  return oauth_error(400, "invalid_request", "Missing \"" + parameter + "\" in request.");
}

// Who the client says it is: HTTP Basic, or client_id (+ client_secret) in the form.
struct ClientAuth {
  std::string id;
  std::optional<std::string> secret;
  bool malformed = false;
};

ClientAuth client_auth(const httplib::Request& request, const StrictParams& form) {
  ClientAuth client;
  std::string header = request.get_header_value("Authorization");
  if (header.empty()) {
    client.id = form.get("client_id");
    if (form.has("client_secret")) client.secret = form.get("client_secret");
    return client;
  }
  std::string scheme = header.substr(0, 6);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  auto decoded = scheme == "basic " ? support::base64_decode(header.substr(6)) : std::nullopt;
  std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    client.malformed = true;
    return client;
  }
  client.id = decoded->substr(0, colon);
  client.secret = decoded->substr(colon + 1);
  if (form.has("client_id") && form.get("client_id") != client.id) client.malformed = true;
  return client;
}

// The application when the client proved who it is: its secret, or no
// secret from a public application (whose grants then need PKCE).
const Application* authenticate_locked(const World::State& state, const ClientAuth& client, bool& has_secret) {
  if (client.malformed || client.id.empty()) return nullptr;
  const Application* app = state.application_locked(client.id);
  if (!app) return nullptr;
  has_secret = client.secret.has_value();
  if (has_secret) return *client.secret == app->secret ? app : nullptr;
  return app->is_public ? app : nullptr;
}

CannedResponse token_answer(const IssuedTokens& tokens) {
  nlohmann::ordered_json body;
  body["access_token"] = tokens.access_token;
  body["token_type"] = "Bearer";
  body["expires_in"] = tokens.expires_in_s;
  if (!tokens.refresh_token.empty()) body["refresh_token"] = tokens.refresh_token;
  body["scope"] = join_scopes(tokens.scopes);
  return json_response(200, body);
}

CannedResponse redeem_code_locked(World::State& state, const Application& app, bool has_secret,
                                  const StrictParams& form) {
  if (!form.has("code")) return missing("code");
  auto it = state.codes.find(form.get("code"));
  if (it == state.codes.end()) return invalid_code();
  if (it->second.expires_ms <= state.clock.now_ms()) {
    state.codes.erase(it);
    return invalid_code();
  }
  const AuthorizationRequest& bound = it->second.request;
  if (bound.application_id != app.id) return invalid_code();
  if (!form.has("redirect_uri") || form.get("redirect_uri") != bound.redirect_uri)
    return invalid_redirect_uri();
  if (!bound.code_challenge.empty()) {
    if (!form.has("code_verifier")) return oauth_error(400, "invalid_request", "Missing \"code_verifier\"");
    std::string verifier = form.get("code_verifier");
    if (!valid_pkce_value(verifier) || support::pkce_s256_challenge(verifier) != bound.code_challenge)
      return oauth_error(400, "invalid_request", "Invalid \"code_verifier\"");
  } else if (form.has("code_verifier")) {
    // Discord refuses a verifier for a code issued without a challenge.
    return oauth_error(400, "invalid_request", "Invalid \"code_verifier\"");
  } else if (!has_secret) {
    return invalid_client();
  }
  AuthorizationRequest request = bound;
  state.codes.erase(it);
  ++state.codes_redeemed;
  return token_answer(state.issue_tokens_locked(request.application_id, request.user_id, request.scopes,
                                                state.new_authorization_locked(), true));
}

// Each refresh hands out a new refresh token and spends the old one.
CannedResponse refresh_locked(World::State& state, const Application& app, const StrictParams& form) {
  if (!form.has("refresh_token")) return missing("refresh_token");
  auto it = state.refresh_tokens.find(form.get("refresh_token"));
  if (it == state.refresh_tokens.end() || it->second.application_id != app.id) return invalid_refresh_token();
  RefreshToken spent = it->second;
  state.refresh_tokens.erase(it);
  return token_answer(
      state.issue_tokens_locked(spent.application_id, spent.user_id, spent.scopes, spent.authorization, true));
}

// A token for the application's owner (the first configured user: the
// config has no owner field), without a refresh token.
CannedResponse client_credentials_locked(World::State& state, const Application& app, bool has_secret,
                                         const StrictParams& form) {
  if (!has_secret) return invalid_client();
  auto scopes = parse_scopes(form.get("scope"));
  if (!scopes) return oauth_error(400, "invalid_scope", kInvalidScopeDescription);
  std::string owner = state.config.users.empty() ? "" : state.config.users.front().id;
  return token_answer(state.issue_tokens_locked(app.id, owner, *scopes, state.new_authorization_locked(), false));
}

// Reads the form and the client; nullopt when the request is good to go on.
std::optional<CannedResponse> read_request(const httplib::Request& request, StrictParams& form, ClientAuth& client) {
  if (!is_form_body(request)) return unsupported_grant_type("None");
  form = form_params(request);
  if (!form.ok()) return oauth_error(400, "invalid_request", form.error);
  client = client_auth(request, form);
  return std::nullopt;
}

// Authenticates the client and runs `grant` under the world's mutex, after
// the endpoint's rate limit; the answer carries the limit's headers.
template <typename Grant>
void answer_client(World& world, Endpoint endpoint, const ClientAuth& client, httplib::Response& response,
                   Grant grant) {
  World::State& state = world.state();
  CannedResponse answer;
  {
    std::lock_guard lock(state.mutex);
    RateLimitOutcome limit = take_rate_limit(state, endpoint, client.id, state.clock.now_ms());
    bool has_secret = false;
    const Application* app = limit.rejection ? nullptr : authenticate_locked(state, client, has_secret);
    answer = limit.rejection ? *limit.rejection : app ? grant(state, *app, has_secret) : invalid_client();
    if (!limit.rejection) answer.headers.insert(answer.headers.begin(), limit.headers.begin(), limit.headers.end());
  }
  answer.headers.emplace_back("Cache-Control", "no-store");
  send(response, answer);
}

}  // namespace

void handle_token(World& world, const httplib::Request& request, httplib::Response& response) {
  StrictParams form;
  ClientAuth client;
  if (auto refused = read_request(request, form, client)) return send(response, *refused);
  // Discord names a missing grant type None (Python's), an empty one too.
  std::string grant_type = form.get("grant_type");
  if (grant_type.empty()) grant_type = "None";
  if (grant_type != "authorization_code" && grant_type != "refresh_token" && grant_type != "client_credentials")
    return send(response, unsupported_grant_type(grant_type));
  answer_client(world, Endpoint::token, client, response,
                [&](World::State& state, const Application& app, bool has_secret) {
                  if (grant_type == "authorization_code") return redeem_code_locked(state, app, has_secret, form);
                  if (grant_type == "refresh_token") return refresh_locked(state, app, form);
                  return client_credentials_locked(state, app, has_secret, form);
                });
}

// RFC 7009: unknown tokens and other clients' tokens still answer 200, so
// the endpoint tells nobody which tokens exist.
void handle_revoke(World& world, const httplib::Request& request, httplib::Response& response) {
  StrictParams form;
  ClientAuth client;
  if (auto refused = read_request(request, form, client)) return send(response, *refused);
  answer_client(world, Endpoint::revoke, client, response, [&](World::State& state, const Application& app, bool) {
    if (!form.has("token")) return missing("token");
    std::string token = form.get("token");
    if (auto it = state.access_tokens.find(token); it != state.access_tokens.end() && it->second.application_id == app.id)
      state.revoke_authorization_locked(it->second.authorization);
    else if (auto it = state.refresh_tokens.find(token); it != state.refresh_tokens.end() && it->second.application_id == app.id)
      state.revoke_authorization_locked(it->second.authorization);
    return json_response(200, nlohmann::ordered_json::object());
  });
}

}  // namespace mock_discord
