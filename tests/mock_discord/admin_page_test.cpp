// GET /_mock/: the mock's page for people, with secrets redacted and the
// admin guard of every /_mock/ path.
#include "mock_discord/admin_page.hpp"

#include <catch2/catch.hpp>

#include "mock_discord/server.hpp"
#include "mock_fixture.hpp"

using namespace mock_tests;

TEST_CASE("the /_mock/ page lists applications, users, live codes and tokens (redacted) and the journal") {
  MockFixture mock;
  Tokens tokens = mock.login("identify email");
  const std::string code = mock.obtain_code();  // live, not redeemed
  auto page = mock.get("/_mock/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  const std::string& html = page->body;
  CHECK(html.find("<body data-mock-discord=\"admin\">") != std::string::npos);
  CHECK(html.find(std::string("<code>") + kClientId + "</code></td><td>Airhorn</td>") != std::string::npos);
  CHECK(html.find("<td>mallory</td>") != std::string::npos);
  CHECK(html.find("<b id=\"signed-in\">nelly</b>") != std::string::npos);
  CHECK(html.find("live codes<span class=\"n\">1</span>") != std::string::npos);
  CHECK(html.find("access tokens<span class=\"n\">1</span>") != std::string::npos);
  CHECK(html.find("<td>[redacted]</td>") != std::string::npos);
  CHECK(html.find("<code>POST /api/oauth2/token</code>") != std::string::npos);
  for (const std::string& secret : {tokens.access, tokens.refresh, code, std::string(kClientSecret)}) {
    INFO(secret);
    CHECK(html.find(secret) == std::string::npos);
  }
  CHECK(html.find(" src=") == std::string::npos);
}

TEST_CASE("the /_mock/ page is guarded like the rest of /_mock/") {
  mock_discord::ServerOptions options;
  options.admin_token = "t0ken";
  mock_discord::Server server(test_config(), options);
  int port = server.start();
  CHECK(raw_exchange(port, raw_get("/_mock/")).status_line() == "HTTP/1.1 403 Forbidden");
  auto allowed = raw_exchange(port, raw_get("/_mock/", "Authorization: Bearer t0ken\r\n"));
  CHECK(allowed.status_line() == "HTTP/1.1 200 OK");
  CHECK(allowed.body().find("mock_discord at") != std::string::npos);
  server.stop();
}

TEST_CASE("the /_mock/ page escapes what the config holds") {
  auto config = test_config();
  config.applications.front().name = "<img src=x onerror=alert(1)>";
  const std::string html = mock_discord::admin_page_html("http://m", config, nlohmann::json::object(), {});
  CHECK(html.find("&lt;img src=x") != std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("no requests yet") != std::string::npos);
}
