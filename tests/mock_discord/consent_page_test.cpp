// The consent page as Discord draws it: the app's icon and name, the user,
// the scopes in words, Cancel and Authorize, with stable data-testid
// selectors (docs/mock_discord.md) and no external asset.
#include "mock_discord/consent_page.hpp"

#include <catch2/catch.hpp>


namespace {

mock_discord::ConsentPageView consent_view() {
  mock_discord::ConsentPageView view;
  view.application_name = "airhorn <script>";
  view.username = "nelly";
  view.display_name = "Nelly";
  view.scopes = {"identify", "email"};
  view.redirect_target = "http://127.0.0.1:5000";
  view.consent_token = "t0k";
  return view;
}

}  // namespace

TEST_CASE("the consent page has the documented selectors, each once") {
  const std::string html = mock_discord::consent_page_html(consent_view());
  for (const char* id : {"consent-page", "consent-app-icon", "consent-app-name", "consent-user",
                         "consent-user-display-name", "consent-username", "consent-scopes", "consent-redirect",
                         "consent-cancel", "consent-authorize"}) {
    INFO(id);
    const std::string attribute = std::string("data-testid=\"") + id + "\"";
    const std::size_t first = html.find(attribute);
    CHECK(first != std::string::npos);
    CHECK(html.find(attribute, first + 1) == std::string::npos);
  }
  CHECK(html.find("data-testid=\"consent-scope\" data-scope=\"email\"") != std::string::npos);
  CHECK(html.find("<span>Access your email address</span>") != std::string::npos);
  CHECK(html.find("<h1 data-testid=\"consent-app-name\">airhorn &lt;script&gt;</h1>") != std::string::npos);
  CHECK(html.find("<script>") == std::string::npos);
}

TEST_CASE("the consent page's icon is the app's initial, inline; nothing is loaded from elsewhere") {
  const std::string html = mock_discord::consent_page_html(consent_view());
  CHECK(html.find("fill=\"#fff\" font-family=\"Helvetica,Arial,sans-serif\">A</text>") != std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("background:#313338") != std::string::npos);  // Discord's dark card
}
