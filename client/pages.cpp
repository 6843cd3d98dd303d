// HTML for the reference app: one tiny template, a few pages.
#include "client/pages.hpp"

#include "support/html.hpp"

namespace client {

using support::html_escape;

namespace {

const char kLoginLink[] = "<p><a class=\"button\" href=\"/login\">Login with Discord</a></p>";

}  // namespace

std::string render_page(const std::string& title, const std::string& body_html) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + html_escape(title) + "</title>"
         "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}"
         ".button{background:#5865f2;color:#fff;padding:.6em 1.2em;border-radius:4px;text-decoration:none}"
         "img.avatar{border-radius:50%;width:96px;height:96px}dt{font-weight:bold}</style>"
         "</head><body>\n<h1>" + html_escape(title) + "</h1>\n" + body_html + "\n</body></html>\n";
}

std::string home_page(bool signed_in) {
  std::string body = "<p>A Discord sign-in done right: state, server-side tokens, and clear answers when "
                     "something goes wrong.</p>";
  if (signed_in)
    body += "<p><a href=\"/me\">Your profile</a> &middot; <a href=\"/logout\">Log out</a></p>";
  else
    body += kLoginLink;
  return render_page("Reference login app", body);
}

std::string profile_page(const DiscordUser& user) {
  std::string body = "<p><img class=\"avatar\" src=\"" + html_escape(user.avatar_url()) + "\" alt=\"avatar\"></p><dl>";
  body += "<dt>Username</dt><dd id=\"username\">" + html_escape(user.username) + "</dd>";
  body += "<dt>Global name</dt><dd id=\"global-name\">" +
          (user.global_name ? html_escape(*user.global_name) : std::string("<em>none</em>")) + "</dd>";
  body += "<dt>Avatar</dt><dd id=\"avatar-url\">" + html_escape(user.avatar_url()) + "</dd>";
  body += "<dt>User id</dt><dd id=\"user-id\">" + html_escape(user.id) + "</dd>";
  if (user.email) body += "<dt>Email</dt><dd id=\"email\">" + html_escape(*user.email) + "</dd>";
  body += "</dl><form method=\"post\" action=\"/logout\"><button type=\"submit\">Log out</button></form>";
  return render_page("Signed in as " + user.display_name(), body);
}

std::string message_page(const std::string& title, const std::string& message, bool offer_sign_in) {
  std::string body = "<p>" + html_escape(message) + "</p>";
  body += offer_sign_in ? kLoginLink : "<p><a href=\"/\">Home</a></p>";
  return render_page(title, body);
}

}  // namespace client
