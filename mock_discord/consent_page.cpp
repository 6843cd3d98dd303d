// The authorize flow's HTML, styled after Discord's own authorize page (dark
// card, the app's icon and name, the user, the scopes in words, Cancel and
// Authorize) with no external asset: the icon is an inline SVG of the app's
// initial. Every user-controlled value is escaped; the consent form's names
// come from consent_form.hpp so the harness browser and this page cannot
// drift apart, and the data-testid selectors (docs/mock_discord.md) are
// stable for people's own browser tests.
#include "mock_discord/consent_page.hpp"

#include <cctype>

#include "mock_discord/consent_form.hpp"
#include "mock_discord/scopes.hpp"
#include "support/html.hpp"
#include "support/utf8.hpp"

namespace mock_discord {
namespace {

using support::html_escape;

const char* const discord_style = R"css(
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#1e1f22;
  background-image:radial-gradient(circle at 20% 10%,#404eed33,transparent 45%),radial-gradient(circle at 80% 90%,#5865f233,transparent 40%);
  font:16px/1.375 "gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,sans-serif;color:#dbdee1}
.card{width:440px;max-width:calc(100vw - 32px);background:#313338;border-radius:8px;box-shadow:0 8px 16px #0000003d;overflow:hidden}
.card-body{padding:32px 24px 16px}
.avatars{display:flex;align-items:center;justify-content:center;gap:12px;margin-bottom:16px}
.avatars .dots{display:flex;gap:4px}.avatars .dots i{width:4px;height:4px;border-radius:50%;background:#80848e;display:block}
.avatar{width:80px;height:80px;border-radius:50%;display:block}
.eyebrow{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.02em;color:#b5bac1;text-align:center;margin:0}
h1{font-size:24px;line-height:30px;font-weight:700;color:#f2f3f5;text-align:center;margin:4px 0 0}
.subtitle{text-align:center;color:#b5bac1;margin:4px 0 16px;font-size:14px}
.user{display:flex;align-items:center;gap:8px;justify-content:center;font-size:14px;color:#b5bac1;margin-bottom:20px}
.user strong{color:#f2f3f5;font-weight:600}.user .handle{color:#949ba4}
hr{border:0;border-top:1px solid #3f4147;margin:16px 0}
.allow{font-size:12px;font-weight:700;text-transform:uppercase;color:#b5bac1;margin:0 0 12px}
ul.scopes{list-style:none;margin:0;padding:0}
ul.scopes li{display:flex;align-items:center;gap:12px;padding:8px 0;color:#dbdee1;font-size:15px;border-bottom:1px solid #3f414766}
ul.scopes li:last-child{border-bottom:0}
.check{flex:none;width:24px;height:24px;border-radius:50%;background:#23a55a;display:flex;align-items:center;justify-content:center}
.fine{font-size:12px;color:#949ba4;margin:8px 0;display:flex;gap:8px;align-items:flex-start}
.fine b{color:#b5bac1;font-weight:600;word-break:break-all}
.footer{background:#2b2d31;padding:16px 24px;display:flex;justify-content:flex-end;align-items:center;gap:8px}
button{font:inherit;font-size:14px;font-weight:500;border:0;border-radius:3px;min-width:96px;height:38px;padding:2px 16px;cursor:pointer}
button.cancel{background:transparent;color:#f2f3f5}button.cancel:hover{text-decoration:underline}
button.authorize{background:#5865f2;color:#fff}button.authorize:hover{background:#4752c4}
button:focus-visible{outline:2px solid #00a8fc;outline-offset:2px}
.notice{padding:32px 24px;text-align:center}
.notice p{color:#b5bac1}
)css";

std::string page(const std::string& marker, const std::string& title, const std::string& content) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(title) + " | Discord</title>\n<style>" + discord_style + "</style>\n</head>\n<body data-mock-discord=\"" +
         marker + "\">\n" + content + "</body>\n</html>\n";
}

// The first character of `name` (whole, not a byte of it), upper-cased when ASCII.
std::string initial_of(const std::string& name) {
  if (name.empty()) return "?";
  std::size_t length = 1;
  while (length < name.size() && (static_cast<unsigned char>(name[length]) & 0xC0) == 0x80) ++length;
  std::string first = support::to_valid_utf8(name.substr(0, length));
  if (first.size() == 1) first[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(first[0])));
  return first;
}

// A round icon with the initial, coloured from the name (stable per app/user).
std::string initial_avatar(const std::string& name, const std::string& testid) {
  static const char* const colours[] = {"#5865f2", "#eb459e", "#57f287", "#fee75c", "#ed4245", "#3ba55c", "#faa61a"};
  unsigned hash = 0;
  for (unsigned char c : name) hash = hash * 31 + c;
  const char* colour = colours[hash % (sizeof colours / sizeof *colours)];
  return "<svg class=\"avatar\" data-testid=\"" + testid + "\" viewBox=\"0 0 80 80\" role=\"img\" aria-label=\"" +
         html_escape(name) + "\"><circle cx=\"40\" cy=\"40\" r=\"40\" fill=\"" + colour +
         "\"/><text x=\"40\" y=\"52\" text-anchor=\"middle\" font-size=\"34\" font-weight=\"700\" fill=\"#fff\" "
         "font-family=\"Helvetica,Arial,sans-serif\">" + html_escape(initial_of(name)) + "</text></svg>";
}

const char* const check_icon =
    "<span class=\"check\" aria-hidden=\"true\"><svg width=\"14\" height=\"14\" viewBox=\"0 0 24 24\"><path fill=\"#fff\" "
    "d=\"M8.99991 16.17L4.82991 12L3.40991 13.41L8.99991 19L20.9999 7L19.5899 5.59L8.99991 16.17Z\"/></svg></span>";

}  // namespace

std::string consent_page_html(const ConsentPageView& view) {
  namespace form = consent_form;
  const std::string app = html_escape(view.application_name);
  std::string scopes;
  for (const auto& scope : view.scopes)
    scopes += "  <li data-testid=\"consent-scope\" data-scope=\"" + html_escape(scope) + "\">" + check_icon + "<span>" +
              html_escape(scope_in_plain_words(scope)) + "</span></li>\n";
  std::string content =
      "<main class=\"card\" data-testid=\"consent-page\">\n<div class=\"card-body\">\n"
      "<div class=\"avatars\">" + initial_avatar(view.application_name, "consent-app-icon") +
      "<span class=\"dots\" aria-hidden=\"true\"><i></i><i></i><i></i></span>" +
      initial_avatar(view.display_name, "consent-user-avatar") + "</div>\n"
      "<p class=\"eyebrow\">An external application</p>\n"
      "<h1 data-testid=\"consent-app-name\">" + app + "</h1>\n"
      "<p class=\"subtitle\">wants to access your Discord account</p>\n"
      "<div class=\"user\" data-testid=\"consent-user\">Signed in as <strong data-testid=\"consent-user-display-name\">" +
      html_escape(view.display_name) + "</strong> <span class=\"handle\" data-testid=\"consent-username\">(" +
      html_escape(view.username) + ")</span></div>\n<hr>\n"
      "<p class=\"allow\">This will allow the developer of " + app + " to:</p>\n"
      "<ul class=\"scopes\" data-testid=\"consent-scopes\">\n" + scopes + "</ul>\n<hr>\n"
      "<p class=\"fine\" data-testid=\"consent-redirect\">Once you authorize, you will be redirected outside of Discord "
      "to: <b>" + html_escape(view.redirect_target) + "</b></p>\n"
      "<p class=\"fine\">The developer of " + app + "'s privacy policy and terms of service apply to this "
      "application.</p>\n</div>\n"
      "<form id=\"" + form::form_id + "\" method=\"post\" action=\"" + form::action_path + "\" class=\"footer\">\n"
      "  <input type=\"hidden\" name=\"" + form::token_field + "\" value=\"" + html_escape(view.consent_token) +
      "\">\n"
      "  <button type=\"submit\" name=\"" + form::decision_field + "\" value=\"" + form::deny +
      "\" class=\"cancel\" id=\"consent-cancel\" data-testid=\"consent-cancel\">Cancel</button>\n"
      "  <button type=\"submit\" name=\"" + form::decision_field + "\" value=\"" + form::approve +
      "\" class=\"authorize\" id=\"consent-authorize\" data-testid=\"consent-authorize\">Authorize</button>\n"
      "</form>\n</main>\n";
  return page("consent", "Authorize access to your account", content);
}

std::string login_required_page_html(const std::string& application_name) {
  return page("login", "Log in",
              "<main class=\"card notice\" data-testid=\"login-required\">\n<h1>You must log in to continue</h1>\n"
              "<p>Log in to Discord to authorize " +
                  html_escape(application_name) + ". Nobody is signed in to Discord in this browser.</p>\n</main>\n");
}

std::string error_page_html(const std::string& title, const std::string& message) {
  return page("error", title,
              "<main class=\"card notice\" data-testid=\"error\">\n<h1>" + html_escape(title) + "</h1>\n<p>" +
                  html_escape(message) + "</p>\n</main>\n");
}

}  // namespace mock_discord
