// Standing in for discord.com (`app: {discord: intercept}`,
// `--intercept-discord`; docs/hardcoded-discord.md): an app that hard-codes
// https://discord.com reaches the scenario's mock unmodified. This file owns
// which names are Discord's and what the app's process is given:
//   - the proxy variables, pointing at a CONNECT proxy (connect_proxy.hpp)
//     that tunnels Discord's names to the mock and refuses every other host:
//     what Go (static, its own resolver) and every proxy-aware client use;
//   - LD_PRELOAD with libdiscord_intercept.so (intercept/), which answers
//     Discord's names and refuses every other outside name and address in
//     any dynamically linked runtime: what Node's fetch and https need,
//     since they ignore the proxy variables.
// The scripted browser and the mock's certificate use the same names.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/connect_proxy.hpp"

namespace harness {

// discord.com and discordapp.com: each, and every subdomain of each, is Discord's.
const std::vector<std::string>& discord_domains();
// Whether `host` (any case, a trailing dot allowed) is one of Discord's names.
bool is_discord_host(const std::string& host);
// The names the scripted browser resolves to the mock: each domain and its
// www., ptb. and canary. variants.
std::vector<std::string> discord_browser_names();
// The names the mock's certificate carries: each domain and "*." of it.
std::vector<std::string> discord_certificate_names();
// The base URL an intercepted app is told: Discord's own.
inline const std::string discord_base_url = "https://discord.com";

// Where libdiscord_intercept.so is: HARNESS_INTERCEPT_LIBRARY when set, else
// beside the running harness program, else ../lib/ from it. Throws
// support::SystemError naming the places looked at when none has it.
std::string intercept_library_path();

class DiscordInterception {
 public:
  // `mock_tls_port`: the mock's https listener on 127.0.0.1. `on_refusal`
  // hears of every host the proxy refused (from the proxy's threads).
  // Starts the proxy; throws support::SystemError.
  DiscordInterception(int mock_tls_port, std::function<void(const std::string&)> on_refusal = {});
  ~DiscordInterception();

  // Variables to set in the app's environment; `inherited_preload` is the
  // LD_PRELOAD the app would otherwise get (kept, after ours).
  std::map<std::string, std::string> app_environment(const std::string& inherited_preload = "") const;
  int proxy_port() const { return proxy_.port(); }
  std::vector<std::string> refused() const { return proxy_.refused(); }

 private:
  int mock_tls_port_;
  std::string library_;
  ConnectProxy proxy_;
};

}  // namespace harness
