// The admin API under /_mock/ (health, reset, config, clock, failures,
// state, journal, issue_code), for the harness and for people. Access control
// (loopback or --admin-token) is enforced by the front door.
#pragma once

namespace httplib {
class Server;
}

namespace mock_discord {

class Server;
void install_admin_routes(httplib::Server& http, Server& mock);

}  // namespace mock_discord
