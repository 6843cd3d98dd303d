// GET /oauth2/authorize and the consent form's POST. Until the application
// and redirect URI are known good, errors are shown on a page and never
// redirected (RFC 6749 4.1.2.1, as Discord does); after that they go back
// to the redirect URI with Discord's error and description.
#include <httplib.h>

#include <algorithm>

#include "mock_discord/consent_form.hpp"
#include "mock_discord/consent_page.hpp"
#include "mock_discord/handlers.hpp"
#include "mock_discord/pkce.hpp"
#include "mock_discord/request_params.hpp"
#include "mock_discord/responses.hpp"
#include "mock_discord/scopes.hpp"
#include "mock_discord/state.hpp"

namespace mock_discord {
namespace {

const char kAccessDenied[] = "The resource owner or authorization server denied the request";

void redirect_with_error(httplib::Response& response, const AuthorizationRequest& request, const std::string& error,
                         const std::string& description) {
  support::Params params{{"error", error}};
  if (!description.empty()) params.emplace_back("error_description", description);
  if (request.state) params.emplace_back("state", *request.state);
  send_redirect(response, request.implicit ? with_fragment(request.redirect_uri, params)
                                           : with_query(request.redirect_uri, params));
}

bool is_web_uri(const std::string& uri) { return support::parse_url(uri).has_value(); }

// Where the consent page says the browser will go: the origin for web URIs,
// the scheme for an app's custom one.
std::string redirect_target(const std::string& uri) {
  if (auto url = support::parse_url(uri)) return url->origin();
  return uri.substr(0, uri.find(':') + 1);
}

void approve(World::State& state, const AuthorizationRequest& request, httplib::Response& response) {
  std::string location;
  {
    std::lock_guard lock(state.mutex);
    state.record_grant_locked(request);
    if (request.implicit) {
      IssuedTokens tokens = state.issue_tokens_locked(request.application_id, request.user_id, request.scopes,
                                                      state.new_authorization_locked(), false);
      support::Params params{{"access_token", tokens.access_token},
                             {"token_type", "Bearer"},
                             {"expires_in", std::to_string(tokens.expires_in_s)},
                             {"scope", join_scopes(tokens.scopes)}};
      if (request.state) {
        params.emplace_back("state", *request.state);
        state.last.state = *request.state;
      }
      location = with_fragment(request.redirect_uri, params);
    } else {
      support::Params params{{"code", state.issue_code_locked(request)}};
      if (request.state) params.emplace_back("state", *request.state);
      if (request.guild_id) params.emplace_back("guild_id", *request.guild_id);
      if (request.permissions) params.emplace_back("permissions", *request.permissions);
      location = with_query(request.redirect_uri, params);
    }
  }
  send_redirect(response, location);
}

}  // namespace

void handle_authorize(World& world, const httplib::Request& http_request, httplib::Response& response) {
  World::State& state = world.state();
  StrictParams query = query_params(http_request);
  if (!query.ok()) return send_html(response, 400, error_page_html("Invalid OAuth2 request", query.error));

  std::optional<Application> app;
  std::optional<User> user;
  std::vector<std::string> granted;
  ConsentMode consent;
  {
    std::lock_guard lock(state.mutex);
    std::string client_id = query.get("client_id");
    if (!client_id.empty())
      if (const Application* found = state.application_locked(client_id)) app = *found;
    if (const User* found = state.signed_in_user_locked()) user = *found;
    if (app && user) {
      auto it = state.grants.find({user->id, app->id});
      if (it != state.grants.end()) granted = it->second;
    }
    consent = state.config.consent;
  }
  if (!app)
    return send_html(response, 400,
                     error_page_html("Unknown Application", query.has("client_id")
                                                                ? "Invalid OAuth2 client_id: no application has this id."
                                                                : "Invalid OAuth2 request: client_id is missing."));

  AuthorizationRequest request;
  request.application_id = app->id;
  const auto& registered = app->redirect_uris;
  if (query.has("redirect_uri")) {
    request.redirect_uri = query.get("redirect_uri");
    if (std::find(registered.begin(), registered.end(), request.redirect_uri) == registered.end())
      return send_html(response, 400,
                       error_page_html("Invalid OAuth2 redirect_uri",
                                       "The redirect_uri is not registered for " + app->name + "."));
  } else if (registered.empty()) {
    return send_html(response, 400,
                     error_page_html("Invalid OAuth2 redirect_uri", app->name + " has no redirect URI registered."));
  } else {
    request.redirect_uri = registered.front();
  }
  if (!is_web_uri(request.redirect_uri) && !query.has("code_challenge"))
    return send_html(response, 400,
                     error_page_html("Invalid OAuth2 redirect_uri", "A custom URI scheme is allowed only with PKCE."));
  if (query.has("state")) request.state = query.get("state");

  std::string response_type = query.get("response_type");
  request.implicit = response_type == "token";
  if (response_type != "code" && response_type != "token")
    return redirect_with_error(response, request, "unsupported_response_type", "");
  auto scopes = parse_scopes(query.get("scope"));
  if (!scopes) return redirect_with_error(response, request, "invalid_scope", kInvalidScopeDescription);
  request.scopes = *scopes;
  // The mock has no server picker: the bot joins the guild asked for, with
  // the permissions asked for.
  if (covers(request.scopes, {"bot"})) {
    if (query.has("guild_id")) request.guild_id = query.get("guild_id");
    if (query.has("permissions")) request.permissions = query.get("permissions");
  }
  if (query.has("code_challenge") && !request.implicit) {
    if (query.get("code_challenge_method") != "S256")
      return redirect_with_error(response, request, "invalid_request", "Unsupported \"code_challenge_method\"");
    request.code_challenge = query.get("code_challenge");
    if (!valid_pkce_value(request.code_challenge))
      return redirect_with_error(response, request, "invalid_request", "Invalid \"code_challenge\"");
  }

  if (!user) return send_html(response, 200, login_required_page_html(app->name));
  request.user_id = user->id;
  bool already_granted = query.get("prompt") == "none" && covers(granted, request.scopes);
  if (consent == ConsentMode::auto_approve || already_granted) return approve(state, request, response);

  ConsentPageView view;
  view.application_name = app->name;
  view.username = user->username;
  view.display_name = user->global_name.value_or(user->username);
  view.scopes = request.scopes;
  view.redirect_target = redirect_target(request.redirect_uri);
  {
    std::lock_guard lock(state.mutex);
    view.consent_token = state.create_consent_page_locked(request);
  }
  send_html(response, 200, consent_page_html(view));
}

void handle_consent(World& world, const httplib::Request& http_request, httplib::Response& response) {
  StrictParams form = form_params(http_request);
  if (!is_form_body(http_request)) form.error = "The consent form must be sent as application/x-www-form-urlencoded.";
  if (!form.ok()) return send_html(response, 400, error_page_html("Invalid consent form", form.error));
  std::string decision = form.get(consent_form::decision_field);
  if (decision != consent_form::approve && decision != consent_form::deny)
    return send_html(response, 400,
                     error_page_html("Invalid consent form", "The decision must be approve or deny."));

  World::State& state = world.state();
  std::optional<AuthorizationRequest> request;
  {
    std::lock_guard lock(state.mutex);
    request = state.take_consent_page_locked(form.get(consent_form::token_field));
  }
  if (!request)
    return send_html(response, 400,
                     error_page_html("Invalid consent form",
                                     "This authorization request is unknown, was already answered or has expired. "
                                     "Start again from the application."));
  if (decision == consent_form::deny) return redirect_with_error(response, *request, "access_denied", kAccessDenied);
  approve(state, *request, response);
}

}  // namespace mock_discord
