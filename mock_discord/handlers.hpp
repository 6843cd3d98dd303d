// The Discord endpoint handlers that routes.cpp dispatches to, one file
// each: authorize.cpp (authorize and consent), token.cpp (token and
// revoke), rest.cpp (users/@me, guilds, oauth2/@me).
#pragma once

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace mock_discord {

class World;

void handle_authorize(World& world, const httplib::Request& request, httplib::Response& response);
void handle_consent(World& world, const httplib::Request& request, httplib::Response& response);
void handle_token(World& world, const httplib::Request& request, httplib::Response& response);
void handle_revoke(World& world, const httplib::Request& request, httplib::Response& response);
void handle_users_me(World& world, const httplib::Request& request, httplib::Response& response);
void handle_guilds(World& world, const httplib::Request& request, httplib::Response& response);
void handle_oauth2_me(World& world, const httplib::Request& request, httplib::Response& response);

}  // namespace mock_discord
