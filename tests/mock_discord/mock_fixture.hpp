// The mock Discord on a free port for the mock's own tests, with an
// httplib client (TCP_NODELAY, no redirects followed) and helpers that walk
// the OAuth2 flow the way an app and a browser would. The destructor stops it.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "raw_client.hpp"
#include "support/url.hpp"

namespace mock_tests {

constexpr const char* kAppUrl = "http://127.0.0.1:9";
constexpr const char* kRedirectUri = "http://127.0.0.1:9/callback";
constexpr const char* kClientId = "157730590492196864";
constexpr const char* kClientSecret = "mock-secret";
constexpr const char* kPublicClientId = "222222222222222222";
constexpr const char* kPublicRedirectUri = "http://127.0.0.1:9/public";
constexpr const char* kNellyId = "80351110224678912";
constexpr const char* kMalloryId = "90000000000000001";
// RFC 7636 appendix B.
constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

// The spec's defaults plus a public (PKCE-only) application and a second
// user with several guilds.
inline mock_discord::Config test_config() {
  auto config = mock_discord::Config::defaults(kAppUrl);
  mock_discord::Application public_app;
  public_app.id = kPublicClientId;
  public_app.name = "Public App";
  public_app.is_public = true;
  public_app.secret = "public-secret";
  public_app.redirect_uris = {kPublicRedirectUri, "com.example.app:/oauth"};
  config.applications.push_back(public_app);
  mock_discord::User mallory;
  mallory.id = kMalloryId;
  mallory.username = "mallory";
  for (const char* id : {"300", "100", "500", "200", "400"}) {
    mock_discord::Guild guild;
    guild.id = id;
    guild.name = std::string("guild ") + id;
    mallory.guilds.push_back(guild);
  }
  config.users.push_back(mallory);
  return config;
}

inline support::Params params_of(const std::string& text) {
  auto params = support::parse_form(text);
  REQUIRE(params);
  return *params;
}

// A Location header's value in a raw answer ("" when there is none).
inline std::string location_in(const RawAnswer& answer) {
  const std::string name = "\r\nLocation: ";
  std::size_t begin = answer.bytes.find(name);
  if (begin == std::string::npos) return "";
  begin += name.size();
  return answer.bytes.substr(begin, answer.bytes.find("\r\n", begin) - begin);
}

// The query of a redirect's Location, decoded.
inline support::Params query_of(const std::string& location) {
  auto url = support::parse_url(location);
  REQUIRE(url);
  return params_of(url->query);
}

inline std::string param(const support::Params& params, const std::string& name) {
  return support::find_param(params, name).value_or("<absent>");
}

// The status of an answer, -1 when none came (a failure, not a crash).
inline int status_of(const httplib::Result& answer) { return answer ? answer->status : -1; }

inline httplib::Headers basic_auth(const std::string& id, const std::string& secret) {
  auto header = httplib::make_basic_authentication_header(id, secret);
  return {{header.first, header.second}};
}

inline httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

struct Tokens {
  std::string access;
  std::string refresh;
};

class MockFixture {
 public:
  explicit MockFixture(mock_discord::Config config = test_config())
      : server(std::move(config)), port(server.start()), http("127.0.0.1", port) {
    http.set_tcp_nodelay(true);
    http.set_read_timeout(std::chrono::seconds(20));
  }
  ~MockFixture() { server.stop(); }

  httplib::Result get(const std::string& target, const httplib::Headers& headers = {}) {
    return http.Get(target.c_str(), headers);
  }
  httplib::Result post_form(const std::string& path, const support::Params& form, const httplib::Headers& headers = {}) {
    return http.Post(path.c_str(), headers, support::build_form(form), "application/x-www-form-urlencoded");
  }

  httplib::Result authorize(const support::Params& query) { return get("/oauth2/authorize?" + support::build_form(query)); }
  httplib::Result decide(const std::string& consent_token, const std::string& decision) {
    return post_form("/oauth2/authorize/consent", {{"consent_token", consent_token}, {"decision", decision}});
  }

  // cpp-httplib's client percent-decodes Location headers, so redirects are
  // read from raw answers to see the bytes the mock sent.
  RawAnswer raw_get(const std::string& target) { return raw_exchange(port, mock_tests::raw_get(target)); }
  RawAnswer raw_post_form(const std::string& path, const support::Params& form) {
    std::string body = support::build_form(form);
    return raw_exchange(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  // The Location of GET /oauth2/authorize?query ("" when it did not redirect).
  std::string authorize_redirect(const support::Params& query) {
    return location_in(raw_get("/oauth2/authorize?" + support::build_form(query)));
  }
  std::string decide_redirect(const std::string& consent_token, const std::string& decision) {
    return location_in(raw_post_form("/oauth2/authorize/consent", {{"consent_token", consent_token}, {"decision", decision}}));
  }

  // The hidden form token of a consent page.
  static std::string consent_token(const std::string& html) {
    const std::string marker = "name=\"consent_token\" value=\"";
    std::size_t begin = html.find(marker);
    REQUIRE(begin != std::string::npos);
    begin += marker.size();
    return html.substr(begin, html.find('"', begin) - begin);
  }

  // authorize; the form token of the consent page it must show.
  std::string open_consent(const support::Params& query) {
    auto page = authorize(query);
    REQUIRE(status_of(page) == 200);
    return consent_token(page->body);
  }

  // authorize, then press Authorize on the consent page; the final Location.
  std::string approve(const support::Params& query) {
    std::string location = decide_redirect(open_consent(query), "approve");
    REQUIRE_FALSE(location.empty());
    return location;
  }

  std::string obtain_code(const std::string& scope = "identify", support::Params extra = {}) {
    support::Params query{{"client_id", kClientId}, {"response_type", "code"}, {"scope", scope},
                          {"redirect_uri", kRedirectUri}};
    query.insert(query.end(), extra.begin(), extra.end());
    return param(query_of(approve(query)), "code");
  }

  httplib::Result exchange(const std::string& code, support::Params extra = {}) {
    support::Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}};
    form.insert(form.end(), extra.begin(), extra.end());
    return post_form("/api/oauth2/token", form, basic_auth(kClientId, kClientSecret));
  }

  Tokens login(const std::string& scope = "identify") {
    auto answer = exchange(obtain_code(scope));
    REQUIRE(answer);
    REQUIRE(answer->status == 200);
    auto body = nlohmann::json::parse(answer->body);
    return {body.at("access_token").get<std::string>(), body.value("refresh_token", "")};
  }

  mock_discord::Server server;
  int port;
  httplib::Client http;
};

}  // namespace mock_tests
