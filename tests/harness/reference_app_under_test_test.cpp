// The reference app as an app under test, end to end with the pieces the
// runner assembles: the mock, the tunnel, the browser and its consent form.
#include <catch2/catch.hpp>

#include "harness/app_under_test.hpp"
#include "harness/browser.hpp"
#include "harness/tunnel.hpp"
#include "mock_discord/consent_form.hpp"
#include "mock_discord/server.hpp"

using namespace harness;
namespace consent = mock_discord::consent_form;

namespace {

struct World {
  Tunnel tunnel{0};
  std::string public_url = tunnel.start();
  mock_discord::Server discord{mock_discord::Config::defaults(public_url)};
  std::unique_ptr<AppUnderTest> app = make_reference_app();
  Browser browser;

  World() {
    discord.start();
    app->start(settings(public_url + "/callback"));
    tunnel.set_app_port(app->port());
    tunnel.attach(browser.hosts());
    browser.set_callback_prefixes({public_url + "/callback"});
  }

  AppSettings settings(const std::string& redirect_uri) const {
    AppSettings s;
    s.client_id = "157730590492196864";
    s.client_secret = "mock-secret";
    s.redirect_uri = redirect_uri;
    s.scopes = {"identify", "email"};
    s.authorize_url = discord.url() + "/oauth2/authorize";
    s.token_url = discord.url() + "/api/oauth2/token";
    s.api_base = discord.url() + "/api/v10";
    return s;
  }
};

std::vector<std::string> hop_origins(const Navigation& navigation) {
  std::vector<std::string> origins;
  for (const Hop& hop : navigation.hops) origins.push_back(hop.url.origin() + hop.url.path);
  return origins;
}

}  // namespace

TEST_CASE("a person signs in to the reference app through the tunnel") {
  World world;
  Navigation login = world.browser.open(world.public_url + "/login");
  INFO("location: " << login.hops[0].location);
  REQUIRE(login.hops.size() == 2);
  CHECK(hop_origins(login) ==
        std::vector<std::string>{world.public_url + "/login", world.discord.url() + "/oauth2/authorize"});
  CHECK_THAT(login.response.body, Catch::Contains(consent::marker));

  Navigation approved = world.browser.submit_form(consent::form_id, consent::decision_field, consent::approve);
  INFO(approved.error << "\n" << approved.response.body << "\n" << world.app->output());
  REQUIRE_FALSE(approved.failed());
  CHECK(approved.response.status == 200);
  CHECK_THAT(approved.response.body, Catch::Contains("nelly"));
  REQUIRE(world.browser.last_callback_url());
  CHECK_THAT(*world.browser.last_callback_url(), Catch::StartsWith(world.public_url + "/callback?code="));
  CHECK_FALSE(world.browser.find_leak(world.discord.secrets()));
  CHECK_THAT(world.app->output(), Catch::Contains("/callback"));

  // A restart keeps the port and loses the session.
  int port = world.app->port();
  CHECK_THAT(world.browser.open(world.public_url + "/me").response.body, Catch::Contains("nelly"));
  world.app->restart(world.settings(world.public_url + "/callback"));
  CHECK(world.app->port() == port);
  CHECK_THAT(world.browser.open(world.public_url + "/me").response.body, !Catch::Contains("nelly"));
}

TEST_CASE("after a tunnel restart Discord sends the browser to the dead URL") {
  World world;
  std::string moved = world.tunnel.restart();
  world.app->restart(world.settings(moved + "/callback"));
  // The Discord application still lists the first URL: the authorize request
  // names the new one, so Discord refuses it on its own page.
  Navigation login = world.browser.open(moved + "/login");
  CHECK(login.hops.size() == 2);
  CHECK(login.url.origin() == world.discord.url());
  CHECK_THAT(login.response.body, Catch::Contains("Invalid OAuth2 redirect_uri"));

  // Replaying the old callback reaches ngrok's offline page.
  Navigation stale = world.browser.open(world.public_url + "/callback?code=x&state=y");
  CHECK(tunnel_error_code(stale.response) == std::optional<std::string>("ERR_NGROK_3200"));
}

TEST_CASE("the reference app refuses incomplete settings as a start error") {
  auto app = make_reference_app();
  AppSettings empty;
  CHECK_THROWS_AS(app->start(empty), AppStartError);
  CHECK_FALSE(app->is_running());
  CHECK(app->describe() == "reference app");
}
