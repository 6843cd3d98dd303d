// The authorize flow's HTML. Every user-controlled value is escaped; the
// consent form's names come from consent_form.hpp so the harness browser
// and this page cannot drift apart.
#include "mock_discord/consent_page.hpp"

#include "mock_discord/consent_form.hpp"
#include "mock_discord/scopes.hpp"
#include "support/html.hpp"

namespace mock_discord {
namespace {

using support::html_escape;

std::string page(const std::string& marker, const std::string& title, const std::string& content) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
         " | Discord</title>\n</head>\n<body data-mock-discord=\"" + marker + "\">\n" + content + "</body>\n</html>\n";
}

}  // namespace

std::string consent_page_html(const ConsentPageView& view) {
  namespace form = consent_form;
  std::string scopes;
  for (const auto& scope : view.scopes)
    scopes += "  <li data-scope=\"" + html_escape(scope) + "\">" + html_escape(scope_in_plain_words(scope)) + "</li>\n";
  std::string content =
      "<main>\n<h1>" + html_escape(view.application_name) + "</h1>\n"
      "<p>An external application wants to access your Discord account.</p>\n"
      "<p>Signed in as <strong>" + html_escape(view.display_name) + "</strong> (" + html_escape(view.username) +
      ")</p>\n"
      "<p>This will allow the developer of " + html_escape(view.application_name) + " to:</p>\n"
      "<ul>\n" + scopes + "</ul>\n"
      "<p>Once you authorize, you will be redirected outside of Discord to: " + html_escape(view.redirect_target) +
      "</p>\n"
      "<form id=\"" + form::form_id + "\" method=\"post\" action=\"" + form::action_path + "\">\n"
      "  <input type=\"hidden\" name=\"" + form::token_field + "\" value=\"" + html_escape(view.consent_token) +
      "\">\n"
      "  <button type=\"submit\" name=\"" + form::decision_field + "\" value=\"" + form::deny + "\">Cancel</button>\n"
      "  <button type=\"submit\" name=\"" + form::decision_field + "\" value=\"" + form::approve +
      "\">Authorize</button>\n"
      "</form>\n</main>\n";
  return page("consent", "Authorize access to your account", content);
}

std::string login_required_page_html(const std::string& application_name) {
  return page("login", "Log in",
              "<main>\n<h1>You must log in to continue</h1>\n<p>Log in to Discord to authorize " +
                  html_escape(application_name) + ". Nobody is signed in to Discord in this browser.</p>\n</main>\n");
}

std::string error_page_html(const std::string& title, const std::string& message) {
  return page("error", title,
              "<main>\n<h1>" + html_escape(title) + "</h1>\n<p>" + html_escape(message) + "</p>\n</main>\n");
}

}  // namespace mock_discord
