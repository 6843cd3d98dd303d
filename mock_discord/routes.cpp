// The Discord routes: one handler that dispatches by method and path, so
// that versions (/api, /api/v6../v10; v3-v5 discontinued), legacy authorize
// redirects, 404s and 405s all answer the way Discord does.
#include "mock_discord/routes.hpp"

#include <httplib.h>

#include <exception>

#include "mock_discord/handlers.hpp"
#include "mock_discord/http_response.hpp"
#include "mock_discord/responses.hpp"
#include "mock_discord/world.hpp"

namespace mock_discord {
namespace {

using Handler = void (*)(World&, const httplib::Request&, httplib::Response&);

struct Route {
  const char* path;  // after /api[/vN] for API routes
  const char* method;
  Handler handler;
};

const Route kApiRoutes[] = {
    {"/oauth2/token", "POST", handle_token},
    {"/oauth2/token/revoke", "POST", handle_revoke},
    {"/users/@me", "GET", handle_users_me},
    {"/users/@me/guilds", "GET", handle_guilds},
    {"/oauth2/@me", "GET", handle_oauth2_me},
};

const Route kPageRoutes[] = {
    {"/oauth2/authorize", "GET", handle_authorize},
    {"/oauth2/authorize/consent", "POST", handle_consent},
};

void dispatch_routes(World& world, const httplib::Request& request, httplib::Response& response,
                     const std::string& path, const Route* begin, const Route* end) {
  bool path_known = false;
  for (const Route* route = begin; route != end; ++route) {
    if (path != route->path) continue;
    path_known = true;
    bool method_matches = request.method == route->method || (request.method == "HEAD" && std::string(route->method) == "GET");
    if (method_matches) return route->handler(world, request, response);
  }
  send(response, status_message_response(path_known ? 405 : 404));
}

void dispatch(World& world, const httplib::Request& request, httplib::Response& response) {
  auto api = split_api_path(request.path);
  if (!api)
    return dispatch_routes(world, request, response, request.path, std::begin(kPageRoutes), std::end(kPageRoutes));
  const int version = api->version;
  if (version >= 3 && version <= 5) return send(response, status_message_response(400));
  if (version != 0 && (version < 6 || version > 10)) return send(response, status_message_response(404));
  if (api->rest == "/oauth2/authorize") {
    std::size_t question = request.target.find('?');
    return send_redirect(response,
                         "/oauth2/authorize" + (question == std::string::npos ? "" : request.target.substr(question)));
  }
  dispatch_routes(world, request, response, api->rest, std::begin(kApiRoutes), std::end(kApiRoutes));
}

}  // namespace

void handle_discord(World& world, const httplib::Request& request, httplib::Response& response) {
  try {
    dispatch(world, request, response);
  } catch (const std::exception&) {
    // A bug must still answer in Discord's shape, never kill a loop.
    response = httplib::Response();
    send(response, status_message_response(500));
  }
}

}  // namespace mock_discord
