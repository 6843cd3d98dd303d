// The scope table: Discord's OAuth2Scopes (discord-api-spec) with the
// sentence the consent page shows for each.
#include "mock_discord/scopes.hpp"

#include <algorithm>
#include <utility>

namespace mock_discord {
namespace {

const std::vector<std::pair<std::string, std::string>>& scope_table() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"identify", "Access your username, avatar, and banner"},
      {"email", "Access your email address"},
      {"connections", "Access your third-party connections"},
      {"guilds", "Know what servers you're in"},
      {"guilds.join", "Join servers for you"},
      {"guilds.members.read", "Read your member info (nickname, avatar, roles) for servers you belong to"},
      {"gdm.join", "Join group DMs for you"},
      {"bot", "Add a bot to a server"},
      {"rpc", "Control your local Discord client"},
      {"rpc.notifications.read", "Read notifications pushed to your local Discord client"},
      {"rpc.voice.read", "Read your voice settings and listen for voice events"},
      {"rpc.voice.write", "Change your voice settings"},
      {"rpc.video.read", "Read your video status"},
      {"rpc.video.write", "Change your video settings"},
      {"rpc.screenshare.read", "Read your screenshare status"},
      {"rpc.screenshare.write", "Change your screenshare settings"},
      {"rpc.activities.write", "Update your activity"},
      {"webhook.incoming", "Create a webhook in a channel you choose"},
      {"messages.read", "Read all messages from channels it can access"},
      {"applications.builds.upload", "Upload builds of its applications"},
      {"applications.builds.read", "Read build data of its applications"},
      {"applications.commands", "Use commands in a server"},
      {"applications.commands.permissions.update", "Update command permissions in your servers"},
      {"applications.commands.update", "Update its own commands"},
      {"applications.store.update", "Manage its store listings"},
      {"applications.entitlements", "Read your entitlements for its applications"},
      {"activities.read", "Read the activities you have recently played"},
      {"activities.write", "Update your activity"},
      {"activities.invites.write", "Send activity invites for you"},
      {"relationships.read", "Know who your friends are"},
      {"voice", "Connect to voice on your behalf"},
      {"dm_channels.read", "See your direct messages"},
      {"role_connections.write", "Update your role connection metadata"},
      {"openid", "Sign you in with OpenID Connect"},
  };
  return table;
}

}  // namespace

bool is_known_scope(const std::string& scope) {
  const auto& table = scope_table();
  return std::any_of(table.begin(), table.end(), [&](const auto& entry) { return entry.first == scope; });
}

std::string scope_in_plain_words(const std::string& scope) {
  for (const auto& [name, words] : scope_table())
    if (name == scope) return words;
  return scope;
}

std::optional<std::vector<std::string>> parse_scopes(const std::string& text) {
  std::vector<std::string> scopes;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(' ', begin);
    if (end == std::string::npos) end = text.size();
    std::string scope = text.substr(begin, end - begin);
    if (!scope.empty()) {
      if (!is_known_scope(scope)) return std::nullopt;
      if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
    }
    begin = end + 1;
  }
  if (scopes.empty()) return std::nullopt;
  return scopes;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

bool covers(const std::vector<std::string>& granted, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& scope) {
    return std::find(granted.begin(), granted.end(), scope) != granted.end();
  });
}

}  // namespace mock_discord
