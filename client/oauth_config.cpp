// Derived endpoints and validation of an OAuthConfig.
#include "client/oauth_config.hpp"

#include <sstream>

#include "support/errors.hpp"
#include "support/url.hpp"

namespace client {
namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void require_url(const std::string& value, const std::string& what) {
  auto url = support::parse_url(value);
  if (!url) throw support::InputError(what + " is not an absolute http(s) URL: '" + value + "'");
  if (!url->fragment.empty()) throw support::InputError(what + " must not have a #fragment: '" + value + "'");
}

}  // namespace

std::string OAuthConfig::token_endpoint() const {
  return token_url.empty() ? api_endpoint("/oauth2/token") : token_url;
}

std::string OAuthConfig::revoke_endpoint() const {
  return revoke_url.empty() ? without_trailing_slash(token_endpoint()) + "/revoke" : revoke_url;
}

std::string OAuthConfig::api_endpoint(const std::string& path) const {
  return without_trailing_slash(api_base) + path;
}

void OAuthConfig::validate() const {
  if (client_id.empty()) throw support::InputError("the client id is missing");
  if (redirect_uri.empty()) throw support::InputError("the redirect URI is missing");
  require_url(redirect_uri, "the redirect URI");
  require_url(authorize_url, "the authorize URL");
  require_url(api_base, "the API base");
  require_url(token_endpoint(), "the token URL");
  require_url(revoke_endpoint(), "the revoke URL");
  if (scopes.empty()) throw support::InputError("no scopes are configured (Discord needs at least one, e.g. identify)");
}

std::vector<std::string> split_scopes(const std::string& text) {
  std::vector<std::string> scopes;
  std::istringstream words(text);
  for (std::string word; words >> word;) scopes.push_back(word);
  return scopes;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string text;
  for (const auto& scope : scopes) text += (text.empty() ? "" : " ") + scope;
  return text;
}

}  // namespace client
