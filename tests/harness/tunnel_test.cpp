// The ngrok-style tunnel: forwarding, URL changes on restart and start,
// ngrok's error pages, and the free-tier interstitial.
#include "harness/tunnel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <regex>

#include "harness/browser.hpp"
#include "local_server.hpp"

using namespace harness;
using harness_tests::LocalServer;

namespace {

// An app that echoes what reached it.
struct EchoApp {
  LocalServer server;
  std::atomic<int> hits{0};

  EchoApp() {
    auto echo = [this](const httplib::Request& req, httplib::Response& res) {
      ++hits;
      auto header = [&](const char* name) { return req.has_header(name) ? req.get_header_value(name) : "-"; };
      res.set_content(req.method + " " + req.target + "\nhost=" + header("Host") + "\nproto=" +
                          header("X-Forwarded-Proto") + "\nfor=" + header("X-Forwarded-For") +
                          "\nforwarded-host=" + header("X-Forwarded-Host") + "\ncookie=" + header("Cookie") +
                          "\nbody=" + req.body,
                      "text/plain");
    };
    server.http.Get(".*", echo);
    server.http.Post(".*", echo);
    server.start();
  }
};

struct TunnelFixture {
  EchoApp app;
  Browser browser;

  HttpResult send_raw(const std::string& url, HttpHeaders headers, const std::string& method = "GET",
                      const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.url = *support::parse_url(url);
    request.headers = std::move(headers);
    request.body = body;
    return browser.hosts().send(request);
  }
};

std::string host_of(const std::string& url) { return support::parse_url(url)->host; }

}  // namespace

TEST_CASE_METHOD(TunnelFixture, "the tunnel forwards to the app with ngrok's headers") {
  Tunnel tunnel(app.server.port());
  tunnel.attach(browser.hosts());
  CHECK(tunnel.url().empty());
  std::string url = tunnel.start();
  CHECK(std::regex_match(url, std::regex(R"(https://[0-9a-f]{12}\.ngrok-free\.app)")));
  CHECK(tunnel.is_up());
  CHECK(tunnel.url() == url);
  CHECK(tunnel.start() == url);  // already up: unchanged

  Navigation page = browser.open(url + "/login?next=%2Fme");
  CHECK(page.response.status == 200);
  CHECK(page.hops[0].route == "tunnel");
  CHECK_FALSE(tunnel_error_code(page.response));
  CHECK(page.response.body == "GET /login?next=%2Fme\nhost=" + host_of(url) +
                                  "\nproto=https\nfor=203.0.113.7\nforwarded-host=" + host_of(url) +
                                  "\ncookie=-\nbody=");

  HttpResult posted = send_raw(url + "/token", {{"Content-Type", "application/x-www-form-urlencoded"}}, "POST", "a=1");
  REQUIRE(posted.ok());
  CHECK_THAT(posted.response->body, Catch::StartsWith("POST /token\n") && Catch::EndsWith("body=a=1"));
}

TEST_CASE_METHOD(TunnelFixture, "a restart moves the URL and the old one answers ERR_NGROK_3200") {
  Tunnel tunnel(app.server.port());
  tunnel.attach(browser.hosts());
  std::string first = tunnel.start();
  std::string second = tunnel.restart();
  CHECK(second != first);
  CHECK(tunnel.previous_url() == first);
  CHECK(tunnel.url() == second);

  int hits_before = app.hits;
  Navigation stale = browser.open(first + "/callback?code=abc");
  CHECK(stale.response.status == 404);
  CHECK(tunnel_error_code(stale.response) == std::optional<std::string>("ERR_NGROK_3200"));
  CHECK_THAT(stale.response.body, Catch::Contains("ERR_NGROK_3200") &&
                                      Catch::Contains("The endpoint " + host_of(first) + " is offline.") &&
                                      Catch::Contains("Tunnel " + host_of(first) + " not found"));
  CHECK(app.hits == hits_before);
  CHECK(browser.open(second + "/").response.status == 200);

  // A host that never existed is just as offline.
  CHECK(tunnel_error_code(browser.open("https://made-up.ngrok-free.app/").response) ==
        std::optional<std::string>("ERR_NGROK_3200"));
}

TEST_CASE_METHOD(TunnelFixture, "stop kills the URL and start brings up a new one") {
  Tunnel tunnel(app.server.port());
  tunnel.attach(browser.hosts());
  std::string first = tunnel.start();
  tunnel.stop();
  CHECK_FALSE(tunnel.is_up());
  CHECK(tunnel.url() == first);  // still named, but dead
  CHECK(tunnel_error_code(browser.open(first + "/").response) == std::optional<std::string>("ERR_NGROK_3200"));
  std::string second = tunnel.start();
  CHECK(second != first);
  CHECK(tunnel.previous_url() == first);
  CHECK(browser.open(second + "/").response.status == 200);
  CHECK(browser.open(first + "/").response.status == 404);
}

TEST_CASE_METHOD(TunnelFixture, "tunnel up and app down answers 502 ERR_NGROK_8012") {
  Tunnel tunnel(app.server.port());
  tunnel.attach(browser.hosts());
  std::string url = tunnel.start();
  app.server.stop();
  Navigation page = browser.open(url + "/login");
  CHECK_FALSE(page.failed());  // the browser got an answer: the tunnel's
  CHECK(page.response.status == 502);
  CHECK(tunnel_error_code(page.response) == std::optional<std::string>("ERR_NGROK_8012"));
  CHECK_THAT(page.response.body, Catch::Contains("ERR_NGROK_8012") && Catch::Contains("ERR_CONNECTION_REFUSED"));

  // The app back on another port: the tunnel follows it.
  EchoApp again;
  tunnel.set_app_port(again.server.port());
  CHECK(tunnel.app_port() == again.server.port());
  CHECK(browser.open(url + "/login").response.status == 200);
}

TEST_CASE_METHOD(TunnelFixture, "the app's own error pages are not tunnel errors") {
  HttpResponse app_404;
  app_404.status = 404;
  app_404.body = "ERR_NGROK_3200 mentioned by the app";
  CHECK_FALSE(tunnel_error_code(app_404));
}

TEST_CASE_METHOD(TunnelFixture, "the free-tier interstitial shows once per browser per endpoint") {
  TunnelOptions options;
  options.browser_warning = true;
  Tunnel tunnel(app.server.port(), options);
  tunnel.attach(browser.hosts());
  std::string url = tunnel.start();

  Navigation first = browser.open(url + "/login");
  CHECK(first.response.status == 200);
  CHECK(tunnel_error_code(first.response) == std::optional<std::string>("ERR_NGROK_6024"));
  CHECK_THAT(first.response.body, Catch::Contains("Visit Site") && Catch::Contains(url + "/login"));
  CHECK(app.hits == 0);

  Navigation second = browser.open(url + "/login");
  CHECK_FALSE(tunnel_error_code(second.response));
  CHECK(app.hits == 1);
  CHECK_THAT(second.response.body, Catch::Contains("\ncookie=-\n"));  // the tunnel's cookie is not forwarded

  // Another browser sees it once too; a new endpoint shows it again.
  Browser other;
  tunnel.attach(other.hosts());
  CHECK(tunnel_error_code(other.open(url + "/").response) == std::optional<std::string>("ERR_NGROK_6024"));
  std::string moved = tunnel.restart();
  CHECK(tunnel_error_code(browser.open(moved + "/").response) == std::optional<std::string>("ERR_NGROK_6024"));
  CHECK_FALSE(tunnel_error_code(browser.open(moved + "/").response));
}

TEST_CASE_METHOD(TunnelFixture, "the skip header or a non-browser User-Agent skips the interstitial") {
  TunnelOptions options;
  options.browser_warning = true;
  Tunnel tunnel(app.server.port(), options);
  tunnel.attach(browser.hosts());
  std::string url = tunnel.start();
  const std::string chrome = BrowserOptions{}.user_agent;

  HttpResult skipped = send_raw(url + "/", {{"User-Agent", chrome}, {"ngrok-skip-browser-warning", "1"}});
  REQUIRE(skipped.ok());
  CHECK_FALSE(tunnel_error_code(*skipped.response));
  HttpResult curl = send_raw(url + "/", {{"User-Agent", "curl/8.0"}});
  REQUIRE(curl.ok());
  CHECK_FALSE(tunnel_error_code(*curl.response));
  HttpResult shown = send_raw(url + "/", {{"User-Agent", chrome}});
  REQUIRE(shown.ok());
  CHECK(tunnel_error_code(*shown.response) == std::optional<std::string>("ERR_NGROK_6024"));
  CHECK(app.hits == 2);
}

TEST_CASE("a seed makes the public URLs reproducible") {
  TunnelOptions seeded;
  seeded.seed = 42;
  Tunnel a(1, seeded), b(1, seeded);
  CHECK(a.start() == b.start());
  CHECK(a.restart() == b.restart());
  seeded.seed = 43;
  Tunnel c(1, seeded);
  CHECK(c.start() != a.previous_url());
  Tunnel unseeded(1);
  std::string first = unseeded.start();
  CHECK(unseeded.restart() != first);
}
