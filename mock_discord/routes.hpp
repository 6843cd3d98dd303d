// The Discord endpoints (authorize and consent, token, revoke, users/@me,
// guilds, oauth2/@me, legacy redirects, versions, 404s and 405s), as one
// handler the front door calls in-process for every path outside /_mock/.
#pragma once

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace mock_discord {

class World;
// Routes on request.path, the decoded path; never throws (a bug is a 500).
void handle_discord(World& world, const httplib::Request& request, httplib::Response& response);

}  // namespace mock_discord
