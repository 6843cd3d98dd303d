// What the OAuth client needs to know about the Discord application and
// where Discord lives. Defaults point at the real Discord.
#pragma once

#include <string>
#include <vector>

#include "client/http_transport.hpp"

namespace client {

struct OAuthConfig {
  std::string client_id;
  std::string client_secret;  // empty: a public client, which must use PKCE
  std::string redirect_uri;   // exactly as registered in the Developer Portal
  std::vector<std::string> scopes{"identify"};
  std::string authorize_url = "https://discord.com/oauth2/authorize";
  std::string api_base = "https://discord.com/api/v10";
  std::string token_url;   // empty: api_base + /oauth2/token
  std::string revoke_url;  // empty: the token endpoint + /revoke
  TransportOptions transport;

  std::string token_endpoint() const;
  std::string revoke_endpoint() const;
  // api_base + path ("/users/@me"), with exactly one slash between them.
  std::string api_endpoint(const std::string& path) const;
  // Throws support::InputError naming the first missing or malformed setting.
  void validate() const;
};

// "identify email" <-> {"identify", "email"}; extra spaces are ignored.
std::vector<std::string> split_scopes(const std::string& text);
std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace client
