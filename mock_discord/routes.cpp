// The Discord side of the internal HTTP server: one catch-all handler per
// method that dispatches by path, so that versions (/api, /api/v6../v10;
// v3-v5 discontinued), legacy authorize redirects, 404s and 405s all answer
// the way Discord does. /_mock/ is left to the admin routes.
#include "mock_discord/routes.hpp"

#include <httplib.h>

#include <cctype>
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

// Splits /api[/vN]REST into REST and N (0 when unversioned); false when
// the path is not under /api.
bool split_api_path(const std::string& path, std::string& rest, int& version) {
  if (path.compare(0, 4, "/api") != 0 || (path.size() > 4 && path[4] != '/')) return false;
  rest = path.substr(4);
  version = 0;
  if (rest.compare(0, 2, "/v") == 0) {
    std::size_t end = 2;
    while (end < rest.size() && end < 6 && std::isdigit(static_cast<unsigned char>(rest[end]))) ++end;
    if (end > 2 && (end == rest.size() || rest[end] == '/')) {
      version = std::stoi(rest.substr(2, end - 2));
      rest = rest.substr(end);
    }
  }
  return true;
}

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
  std::string rest;
  int version = 0;
  if (!split_api_path(request.path, rest, version))
    return dispatch_routes(world, request, response, request.path, std::begin(kPageRoutes), std::end(kPageRoutes));
  if (version >= 3 && version <= 5) return send(response, status_message_response(400));
  if (version != 0 && (version < 6 || version > 10)) return send(response, status_message_response(404));
  if (rest == "/oauth2/authorize") {
    std::size_t question = request.target.find('?');
    return send_redirect(response,
                         "/oauth2/authorize" + (question == std::string::npos ? "" : request.target.substr(question)));
  }
  dispatch_routes(world, request, response, rest, std::begin(kApiRoutes), std::end(kApiRoutes));
}

}  // namespace

void install_discord_routes(httplib::Server& server, World& world) {
  // Everything but the admin API, which install_admin_routes serves.
  const std::string pattern = R"(^(?!/_mock(/|$)).*)";
  auto handler = [&world](const httplib::Request& request, httplib::Response& response) {
    try {
      dispatch(world, request, response);
    } catch (const std::exception&) {
      // A bug must still answer in Discord's shape, never kill a worker.
      send(response, status_message_response(500));
    }
  };
  server.Get(pattern, handler);
  server.Post(pattern, handler);
  server.Put(pattern, handler);
  server.Patch(pattern, handler);
  server.Delete(pattern, handler);
  server.Options(pattern, handler);
}

}  // namespace mock_discord
