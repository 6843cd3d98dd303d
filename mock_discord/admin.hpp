// The admin API under /_mock/ (health, reset, config, clock, failures,
// state, journal, issue_code), for the harness and for people. Access control
// (loopback or --admin-token, Host, Origin) is enforced by the front door.
#pragma once

#include "mock_discord/front_door.hpp"

namespace mock_discord {

class Server;
// The handler of every /_mock/ path (request.path decoded): unknown paths are
// 404, known paths with another method 405.
RouteHandler admin_routes(Server& mock);

}  // namespace mock_discord
