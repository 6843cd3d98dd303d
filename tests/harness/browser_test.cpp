// The scripted browser against small local servers: redirects and their
// hops, cookies, forms, transport errors as hops, the host table.
#include "harness/browser.hpp"

#include <catch2/catch.hpp>

#include <mutex>

#include "harness/app_under_test.hpp"
#include "local_server.hpp"

using namespace harness;
using namespace std::chrono_literals;
using harness_tests::LocalServer;
using harness_tests::RawListener;

namespace {

// One server answering for the hosts app.test and other.test (and 127.0.0.1).
struct Site {
  LocalServer server;
  std::mutex mutex;
  std::string last_method, last_body, last_origin, last_content_type;

  Site() {
    auto& http = server.http;
    http.Get(R"(/chain/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      int left = std::stoi(req.matches[1]);
      if (left == 0) return res.set_content("end of chain", "text/plain");
      res.status = 302;
      res.set_header("Location", "/chain/" + std::to_string(left - 1));
    });
    http.Get("/login", [](const httplib::Request&, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", "/chain/1");
      res.set_header("Set-Cookie", "sid=s1; Path=/; HttpOnly");
    });
    http.Get("/set", [](const httplib::Request& req, httplib::Response& res) {
      // /set?c=ENCODED_SET_COOKIE&c=...
      for (std::size_t i = 0; i < req.get_param_value_count("c"); ++i)
        res.set_header("Set-Cookie", req.get_param_value("c", i));
      res.set_content("set", "text/plain");
    });
    http.Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("cookie=" + (req.has_header("Cookie") ? req.get_header_value("Cookie") : "none") +
                          "\nua=" + req.get_header_value("User-Agent") + "\nhost=" + req.get_header_value("Host") +
                          "\nquery=" + (req.target.find('?') == std::string::npos ? "" : req.target.substr(req.target.find('?') + 1)),
                      "text/plain");
    });
    http.Get("/form", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"(<form id="f" method="post" action="/submit?from=form">
          <input type="hidden" name="token" value="a&amp;b">
          <button name="decision" value="approve">OK</button>
          <button name="decision" value="deny">No</button></form>
        <form id="g" action="http://other.test/echo"><input name="q" value="1 2"></form>
        <form id="k" method="post" action="/keep"><input name="x" value="y"></form>)",
                      "text/html");
    });
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex);
      last_method = req.method;
      last_body = req.body;
      last_origin = req.get_header_value("Origin");
      last_content_type = req.get_header_value("Content-Type");
      res.status = req.path == "/submit" ? 303 : 307;
      res.set_header("Location", req.path == "/submit" ? "/echo" : "/method");
    };
    http.Post("/submit", record);
    http.Post("/keep", record);
    auto method = [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + " " + req.body, "text/plain");
    };
    http.Get("/method", method);
    http.Post("/method", method);
    http.Get("/to-callback", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", "/callback?code=" + req.get_param_value("code") + "&state=xyz");
    });
    http.Get("/callback", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("welcome, your token is SECRET123", "text/plain");
    });
    http.Get("/callbacks", [](const httplib::Request&, httplib::Response& res) { res.set_content("no", "text/plain"); });
    http.Get("/app-scheme", [](const httplib::Request&, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", "myapp://callback?code=1");
    });
    http.Get("/relative", [](const httplib::Request&, httplib::Response& res) {
      res.status = 301;
      res.set_header("Location", "echo?x=1");
    });
    http.Get("/to-nowhere", [](const httplib::Request&, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", "http://nowhere.test/x");
    });
    server.start();
  }

  std::string url(const std::string& host, const std::string& path) const {
    return "http://" + host + ":" + std::to_string(server.port()) + path;
  }
};

struct BrowserFixture {
  Site site;
  TimePoint now = std::chrono::system_clock::now();
  Browser browser{[this] {
    BrowserOptions options;
    options.clock = [this] { return now; };
    options.transport.read_timeout = 2000ms;
    return options;
  }()};

  BrowserFixture() {
    browser.hosts().map_to_port("app.test", site.server.port());
    browser.hosts().map_to_port("other.test", site.server.port());
  }
  std::string app(const std::string& path) const { return site.url("app.test", path); }
  std::string other(const std::string& path) const { return site.url("other.test", path); }
};

std::vector<std::string> hop_urls(const Navigation& navigation) {
  std::vector<std::string> urls;
  for (const Hop& hop : navigation.hops) urls.push_back(hop.url.str());
  return urls;
}

}  // namespace

TEST_CASE_METHOD(BrowserFixture, "redirects are followed and every hop is recorded") {
  Navigation page = browser.open(app("/login"));
  CHECK_FALSE(page.failed());
  CHECK(hop_urls(page) == std::vector<std::string>{app("/login"), app("/chain/1"), app("/chain/0")});
  REQUIRE(page.hops.size() == 3);
  CHECK(page.hops[0].status == 302);
  CHECK(page.hops[0].location == "/chain/1");
  CHECK(page.hops[0].set_cookies == std::vector<std::string>{"sid=s1; Path=/; HttpOnly"});
  CHECK(page.hops[0].route == "127.0.0.1:" + std::to_string(site.server.port()));
  CHECK(page.hops[2].status == 200);
  CHECK(page.response.status == 200);
  CHECK(page.response.body == "end of chain");
  CHECK(page.url.str() == app("/chain/0"));
  CHECK(browser.current_page()->response.body == "end of chain");

  Navigation relative = browser.open(app("/relative"));
  CHECK(hop_urls(relative) == std::vector<std::string>{app("/relative"), app("/echo?x=1")});
}

TEST_CASE_METHOD(BrowserFixture, "twenty redirects are followed, the twenty-first is an error") {
  Navigation twenty = browser.open(app("/chain/20"));
  CHECK_FALSE(twenty.failed());
  CHECK(twenty.hops.size() == 21);
  CHECK(twenty.response.status == 200);

  Navigation too_many = browser.open(app("/chain/21"));
  CHECK(too_many.error_code == "ERR_TOO_MANY_REDIRECTS");
  CHECK(too_many.hops.size() == 21);
  CHECK(too_many.response.status == 0);
}

TEST_CASE_METHOD(BrowserFixture, "the browser sends a Chrome User-Agent and the URL's host") {
  Navigation page = browser.open(app("/echo"));
  CHECK_THAT(page.response.body, Catch::Contains("ua=Mozilla/5.0") && Catch::Contains("Chrome/"));
  CHECK_THAT(page.response.body, Catch::Contains("host=app.test:" + std::to_string(site.server.port())));
}

TEST_CASE_METHOD(BrowserFixture, "cookies are kept per host and path and expire with the clock") {
  browser.open(app("/login"));
  CHECK_THAT(browser.open(app("/echo")).response.body, Catch::StartsWith("cookie=sid=s1\n"));
  CHECK_THAT(browser.open(other("/echo")).response.body, Catch::StartsWith("cookie=none\n"));

  browser.open(other("/set?c=deep%3D1%3B%20Path%3D%2Fdeeper&c=brief%3D1%3B%20Max-Age%3D60"));
  CHECK_THAT(browser.open(other("/echo")).response.body, Catch::StartsWith("cookie=brief=1\n"));
  now += 61s;
  CHECK_THAT(browser.open(other("/echo")).response.body, Catch::StartsWith("cookie=none\n"));
  CHECK_THAT(browser.open(app("/echo")).response.body, Catch::StartsWith("cookie=sid=s1\n"));  // a session cookie stays
}

TEST_CASE_METHOD(BrowserFixture, "a refused cookie is recorded on its hop") {
  Navigation page = browser.open(app("/set?c=s%3D1%3B%20Secure"));
  REQUIRE(page.hops.size() == 1);
  REQUIRE(page.hops[0].refused_cookies.size() == 1);
  CHECK_THAT(page.hops[0].refused_cookies[0], Catch::Contains("insecure origin"));
  CHECK_THAT(browser.open(app("/echo")).response.body, Catch::StartsWith("cookie=none\n"));
  // The same cookie from a loopback host is kept: Chrome treats localhost as secure.
  browser.open(site.url("127.0.0.1", "/set?c=s%3D1%3B%20Secure"));
  CHECK_THAT(browser.open(site.url("127.0.0.1", "/echo")).response.body, Catch::StartsWith("cookie=s=1\n"));
}

TEST_CASE_METHOD(BrowserFixture, "pressing a form button posts its fields and follows the answer") {
  browser.open(app("/form"));
  Navigation after = browser.submit_form("f", "decision", "approve");
  CHECK_FALSE(after.failed());
  REQUIRE(after.hops.size() == 2);
  CHECK(after.hops[0].method == "POST");
  CHECK(after.hops[0].url.str() == app("/submit?from=form"));
  CHECK(after.hops[0].status == 303);
  CHECK(after.hops[1].method == "GET");  // 303 turns the POST into a GET
  CHECK(after.hops[1].url.str() == app("/echo"));
  std::lock_guard<std::mutex> lock(site.mutex);
  CHECK(site.last_method == "POST");
  CHECK(site.last_body == "token=a%26b&decision=approve");
  CHECK(site.last_content_type == "application/x-www-form-urlencoded");
  CHECK(site.last_origin == site.url("app.test", ""));
}

TEST_CASE_METHOD(BrowserFixture, "a GET form puts its fields in the query") {
  browser.open(app("/form"));
  Navigation after = browser.submit_form("g", "", "");
  CHECK(after.url.str() == "http://other.test/echo?q=1%202");
  // other.test is mapped to the site's port whatever port the URL names.
  CHECK_THAT(after.response.body, Catch::Contains("query=q=1%202"));
}

TEST_CASE_METHOD(BrowserFixture, "a missing form or button is a failed navigation that changes nothing") {
  CHECK(browser.submit_form("f", "decision", "approve").error_code == "NO_SUCH_FORM");  // no page yet
  browser.open(app("/form"));
  Navigation no_form = browser.submit_form("mock-discord-consent", "decision", "approve");
  CHECK(no_form.error_code == "NO_SUCH_FORM");
  CHECK(no_form.hops.empty());
  CHECK(browser.submit_form("f", "decision", "maybe").error_code == "NO_SUCH_BUTTON");
  CHECK(browser.history().size() == 1);
  CHECK(browser.current_page()->url.str() == app("/form"));
}

TEST_CASE_METHOD(BrowserFixture, "307 keeps the method and the body") {
  browser.open(app("/form"));
  Navigation page = browser.submit_form("k", "", "");
  REQUIRE(page.hops.size() == 2);
  CHECK(page.hops[0].status == 307);
  CHECK(page.hops[1].method == "POST");
  CHECK(page.response.body == "POST x=y");
}

TEST_CASE_METHOD(BrowserFixture, "transport failures end the navigation with an error hop") {
  int closed_port = pick_free_port();
  Navigation refused = browser.open("http://127.0.0.1:" + std::to_string(closed_port) + "/");
  CHECK(refused.error_code == "ERR_CONNECTION_REFUSED");
  REQUIRE(refused.hops.size() == 1);
  CHECK(refused.hops[0].status == 0);
  CHECK(refused.hops[0].error_code == "ERR_CONNECTION_REFUSED");
  CHECK(refused.response.status == 0);

  RawListener closer(RawListener::Behaviour::reply_and_close);
  CHECK(browser.open("http://127.0.0.1:" + std::to_string(closer.port()) + "/").error_code == "ERR_EMPTY_RESPONSE");
  RawListener resetter(RawListener::Behaviour::reset);
  CHECK(browser.open("http://127.0.0.1:" + std::to_string(resetter.port()) + "/").error_code == "ERR_CONNECTION_RESET");

  RawListener silent(RawListener::Behaviour::never_answer);
  Browser impatient{[] {
    BrowserOptions options;
    options.transport.read_timeout = 200ms;
    return options;
  }()};
  CHECK(impatient.open("http://127.0.0.1:" + std::to_string(silent.port()) + "/").error_code == "ERR_TIMED_OUT");

  Navigation after_redirect = browser.open(app("/to-nowhere"));
  CHECK(hop_urls(after_redirect) == std::vector<std::string>{app("/to-nowhere"), "http://nowhere.test/x"});
  CHECK(after_redirect.hops[1].error_code == "ERR_NAME_NOT_RESOLVED");
}

TEST_CASE_METHOD(BrowserFixture, "unknown hosts, bad URLs, https to a plain port and odd Locations") {
  Navigation unknown = browser.open("http://unknown.test/");
  CHECK(unknown.error_code == "ERR_NAME_NOT_RESOLVED");
  CHECK(unknown.hops.size() == 1);
  CHECK(unknown.hops[0].route == "unresolved");
  CHECK(browser.open("not a url").error_code == "ERR_INVALID_URL");
  CHECK(browser.open("https://app.test/echo").error_code == "ERR_SSL_PROTOCOL_ERROR");

  Navigation custom = browser.open(app("/app-scheme"));
  CHECK(custom.error_code == "ERR_UNKNOWN_URL_SCHEME");
  CHECK(custom.response.status == 302);  // the redirect itself is what the browser got
  CHECK(custom.hops.size() == 1);
}

TEST_CASE_METHOD(BrowserFixture, "virtual hosts are served in-process with https semantics") {
  browser.hosts().map_to_handler("*.virtual.test", "virtual", [](const HttpRequest& request) {
    HttpResponse response;
    response.status = 200;
    response.headers.add("Set-Cookie", "v=1; Secure; SameSite=None");
    response.body = request.method + " " + request.url.str() + " cookie=" + request.headers.get("Cookie").value_or("none");
    return HttpResult::answer(response);
  });
  Navigation first = browser.open("https://a.virtual.test/x");
  CHECK(first.response.body == "GET https://a.virtual.test/x cookie=none");
  CHECK(first.hops[0].route == "virtual");
  CHECK(first.hops[0].refused_cookies.empty());
  CHECK(browser.open("https://a.virtual.test/y").response.body == "GET https://a.virtual.test/y cookie=v=1");
  CHECK(browser.open("http://a.virtual.test/y").response.body == "GET http://a.virtual.test/y cookie=none");
}

TEST_CASE_METHOD(BrowserFixture, "SameSite=Strict cookies stay home when another site starts the navigation") {
  browser.open(other("/set?c=strict%3D1%3B%20SameSite%3DStrict&c=lax%3D1%3B%20SameSite%3DLax"));
  CHECK_THAT(browser.open(other("/echo")).response.body, Catch::StartsWith("cookie=strict=1; lax=1\n"));
  browser.open(app("/form"));
  // Form g on app.test sends the browser to other.test: cross-site.
  Navigation cross = browser.submit_form("g", "", "");
  CHECK_THAT(cross.response.body, Catch::StartsWith("cookie=lax=1\n"));
}

TEST_CASE_METHOD(BrowserFixture, "the last callback URL and leaks are found in the history") {
  browser.set_callback_prefixes({app("/callback")});
  CHECK_FALSE(browser.last_callback_url());
  browser.open(app("/to-callback?code=c0de"));
  CHECK(browser.last_callback_url() == app("/callback?code=c0de&state=xyz"));
  browser.open(app("/callbacks"));  // not at a path boundary: not a callback
  CHECK(browser.last_callback_url() == app("/callback?code=c0de&state=xyz"));

  auto in_body = browser.find_leak({"", "SECRET123"});
  REQUIRE(in_body);
  CHECK(in_body->place == "page body");
  CHECK(in_body->url == app("/callback?code=c0de&state=xyz"));
  auto in_url = browser.find_leak({"c0de"});
  REQUIRE(in_url);
  CHECK(in_url->place == "URL");
  CHECK(in_url->url == app("/to-callback?code=c0de"));
  auto in_location = browser.find_leak({"state=xyz"});
  REQUIRE(in_location);
  CHECK(in_location->place == "Location header");
  CHECK_FALSE(browser.find_leak({"never-shown"}));
  CHECK_FALSE(browser.find_leak({}));
}
