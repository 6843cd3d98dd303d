// Installs the Discord endpoints (authorize and consent, token, revoke,
// users/@me, guilds, oauth2/@me, legacy redirects, versions, 404s) on the
// internal cpp-httplib server behind the front door.
#pragma once

namespace httplib {
class Server;
}

namespace mock_discord {

class World;
void install_discord_routes(httplib::Server& server, World& world);

}  // namespace mock_discord
