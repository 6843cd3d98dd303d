// Discord's names and the environment of an intercepted app (see discord_interception.hpp).
#include "harness/discord_interception.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "harness/shipped_files.hpp"
#include "support/errors.hpp"
#include "support/text.hpp"

namespace harness {
namespace {

constexpr const char* intercept_library_name = "libdiscord_intercept.so";

std::string without_trailing_dot(const std::string& host) {
  return !host.empty() && host.back() == '.' ? host.substr(0, host.size() - 1) : host;
}

}  // namespace

const std::vector<std::string>& discord_domains() {
  static const std::vector<std::string> domains = {"discord.com", "discordapp.com"};
  return domains;
}

bool is_discord_host(const std::string& host) {
  const std::string name = support::text::lower(without_trailing_dot(host));
  for (const std::string& domain : discord_domains())
    if (name == domain || support::text::ends_with(name, "." + domain)) return true;
  return false;
}

std::vector<std::string> discord_browser_names() {
  std::vector<std::string> names;
  for (const std::string& domain : discord_domains())
    for (const char* prefix : {"", "www.", "ptb.", "canary."}) names.push_back(prefix + domain);
  return names;
}

std::vector<std::string> discord_certificate_names() {
  std::vector<std::string> names;
  for (const std::string& domain : discord_domains()) {
    names.push_back(domain);
    names.push_back("*." + domain);
  }
  return names;
}

std::string intercept_library_path() {
  if (const char* given = std::getenv("HARNESS_INTERCEPT_LIBRARY"); given && *given) {
    if (!std::filesystem::is_regular_file(given))
      throw support::SystemError(std::string("HARNESS_INTERCEPT_LIBRARY=") + given + " is not a file");
    return std::filesystem::absolute(given).string();
  }
  const std::filesystem::path folder = running_program_folder();
  const std::vector<std::filesystem::path> candidates = {folder / intercept_library_name,
                                                         folder / ".." / "lib" / intercept_library_name};
  for (const auto& candidate : candidates)
    if (std::filesystem::is_regular_file(candidate)) return candidate.lexically_normal().string();
  throw support::SystemError(std::string("cannot stand in for discord.com: ") + intercept_library_name +
                             " is neither beside the harness program nor in ../lib (looked in " +
                             candidates[0].parent_path().lexically_normal().string() + " and " +
                             candidates[1].parent_path().lexically_normal().string() +
                             "); build the target discord_intercept or set HARNESS_INTERCEPT_LIBRARY");
}

DiscordInterception::DiscordInterception(int mock_tls_port, std::function<void(const std::string&)> on_refusal)
    : mock_tls_port_(mock_tls_port),
      library_(intercept_library_path()),
      proxy_(ConnectProxyOptions{[mock_tls_port](const std::string& host, int port) -> std::optional<int> {
                                   if (port == 443 && is_discord_host(host)) return mock_tls_port;
                                   return std::nullopt;
                                 },
                                 std::move(on_refusal)}) {
  proxy_.start();
}

DiscordInterception::~DiscordInterception() { proxy_.stop(); }

std::map<std::string, std::string> DiscordInterception::app_environment(const std::string& inherited_preload) const {
  std::map<std::string, std::string> variables;
  const std::string proxy = "http://127.0.0.1:" + std::to_string(proxy_.port());
  // Both spellings: curl reads only http_proxy in lower case, Go and requests either.
  for (const char* name : {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"})
    variables[name] = proxy;
  // The app itself and the browser's callbacks are on loopback: never through the proxy.
  for (const char* name : {"NO_PROXY", "no_proxy"}) variables[name] = "localhost,127.0.0.1,::1,.localhost";
  variables["LD_PRELOAD"] = inherited_preload.empty() ? library_ : library_ + ":" + inherited_preload;
  // A Go program linked with libc then resolves through the preload too: one
  // whose client ignores the proxy fails on 127.3.9.1 instead of looking
  // discord.com up for real. (A fully static one has no libc to ask.)
  const char* godebug = std::getenv("GODEBUG");
  variables["GODEBUG"] = godebug && *godebug ? std::string("netdns=cgo,") + godebug : "netdns=cgo";
  variables["DISCORD_INTERCEPT_HOSTS"] = support::text::join(discord_domains(), ",");
  variables["DISCORD_INTERCEPT_TO"] = "127.0.0.1:" + std::to_string(mock_tls_port_);
  return variables;
}

}  // namespace harness
