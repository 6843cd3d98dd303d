// Standing in for discord.com: which names are Discord's, what an app's
// environment gets, and what real runtimes do with it (Python's requests
// through the proxy, Node's fetch and curl through the preload library):
// Discord's names are answered, every other outside host is refused with a
// message that names it, at once.
#include "harness/discord_interception.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/local_server.hpp"

namespace {

using harness_tests::RawListener;

struct ChildOutcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// `command` under sh with `environment` added.
ChildOutcome run_with(const std::map<std::string, std::string>& environment, const std::string& command) {
  std::string line = "env";
  for (const auto& [name, value] : environment) line += " " + name + "='" + value + "'";
  line += " sh -c '" + command + "' 2>&1";
  ChildOutcome outcome;
  FILE* pipe = ::popen(line.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) outcome.output.append(buffer, got);
  const int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

// Whether the preload library is really in a process run with `environment`.
bool preload_is_loaded(const std::map<std::string, std::string>& environment) {
  return run_with(environment, "grep -c libdiscord_intercept /proc/self/maps").output != "0\n";
}

// A command whose refusal, should it regress, must not become real traffic
// runs in a network namespace of its own (loopback only, and down).
bool can_isolate() { return std::system("unshare -rn true >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("Discord's names: discord.com, discordapp.com and every subdomain, in any case, with a final dot") {
  for (const char* host : {"discord.com", "DISCORD.COM", "ptb.discord.com", "cdn.discordapp.com", "discordapp.com.",
                           "media.cdn.discordapp.com"})
    CHECK(harness::is_discord_host(host));
  for (const char* host : {"notdiscord.com", "discord.com.evil.test", "example.com", "discord.co", "127.0.0.1", ""})
    CHECK_FALSE(harness::is_discord_host(host));
  CHECK(harness::discord_browser_names() ==
        std::vector<std::string>{"discord.com", "www.discord.com", "ptb.discord.com", "canary.discord.com",
                                 "discordapp.com", "www.discordapp.com", "ptb.discordapp.com", "canary.discordapp.com"});
  CHECK(harness::discord_certificate_names() ==
        std::vector<std::string>{"discord.com", "*.discord.com", "discordapp.com", "*.discordapp.com"});
}

TEST_CASE("the app's environment: the proxy variables, loopback exempt, and the preload library before any other") {
  harness::DiscordInterception interception(4443);
  const auto environment = interception.app_environment("/opt/other.so");
  const std::string proxy = "http://127.0.0.1:" + std::to_string(interception.proxy_port());
  for (const char* name : {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"})
    CHECK(environment.at(name) == proxy);
  CHECK(environment.at("NO_PROXY") == "localhost,127.0.0.1,::1,.localhost");
  CHECK(environment.at("LD_PRELOAD") == harness::intercept_library_path() + ":/opt/other.so");
  CHECK(environment.at("DISCORD_INTERCEPT_HOSTS") == "discord.com,discordapp.com");
  CHECK(environment.at("DISCORD_INTERCEPT_TO") == "127.0.0.1:4443");
  CHECK(environment.at("GODEBUG").rfind("netdns=cgo", 0) == 0);
  CHECK(interception.app_environment().at("LD_PRELOAD") == harness::intercept_library_path());
}

TEST_CASE("Python's requests: discord.com is tunnelled to the mock's port, and example.com is refused by name") {
  RawListener mock(RawListener::Behaviour::reply_and_close, "not TLS");
  harness::DiscordInterception interception(mock.port());
  const auto environment = interception.app_environment();
  REQUIRE(preload_is_loaded(environment));
  auto outcome = run_with(environment, "exec python3 -c \"import requests\ntry:\n requests.get(\\\"https://example.com/\\\", timeout=5)\nexcept Exception as e: print(e)\"");
  INFO(outcome.output);
  CHECK(outcome.output.find("harness refused example.com:443") != std::string::npos);
  CHECK(interception.refused() == std::vector<std::string>{"example.com:443"});
  // The mock here speaks no TLS: reaching it shows as a TLS error, not a refusal.
  outcome = run_with(environment, "exec python3 -c \"import requests\ntry:\n requests.get(\\\"https://discord.com/api/v10\\\", timeout=5)\nexcept Exception as e: print(type(e).__name__)\"");
  INFO(outcome.output);
  CHECK(outcome.output.find("SSLError") != std::string::npos);
  CHECK(interception.refused().size() == 1);
}

TEST_CASE("Node's fetch ignores the proxy: the preload library refuses example.com without looking it up") {
  harness::DiscordInterception interception(9);
  const auto environment = interception.app_environment();
  REQUIRE(preload_is_loaded(environment));
  if (!can_isolate()) {
    WARN("skipped: no unprivileged network namespaces here (unshare -rn)");
    return;
  }
  auto outcome = run_with(environment, "exec unshare -rn node -e \"fetch(\\\"https://example.com/\\\").catch(e => console.log(String(e.cause)))\"");
  INFO(outcome.output);
  CHECK(outcome.output.find("[discord-intercept] refused to look up 'example.com': during a test run only Discord's "
                            "names reach the mock, and nothing leaves this machine") != std::string::npos);
  CHECK(outcome.output.find("ENOTFOUND example.com") != std::string::npos);
  // discord.com resolves to the stand-in address; any port but 443 is refused.
  outcome = run_with(environment, "exec unshare -rn node -e \"require(\\\"dns\\\").lookup(\\\"ptb.discord.com\\\", (e, a) => console.log(a))\"");
  CHECK(outcome.output == "127.3.9.1\n");
}

TEST_CASE("curl with the proxy unset still cannot leave: an address literal is refused at connect()") {
  harness::DiscordInterception interception(9);
  auto environment = interception.app_environment();
  for (const char* name : {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"})
    environment[name] = "";
  REQUIRE(preload_is_loaded(environment));
  if (!can_isolate()) {
    WARN("skipped: no unprivileged network namespaces here (unshare -rn)");
    return;
  }
  const auto outcome = run_with(environment, "exec unshare -rn curl -sS --max-time 5 https://192.0.2.1/");
  INFO(outcome.output);
  CHECK(outcome.output.find("[discord-intercept] refused a connection to 192.0.2.1 port 443: during a test run "
                            "nothing leaves this machine") != std::string::npos);
  CHECK(outcome.exit_code == 7);  // curl: could not connect
}
