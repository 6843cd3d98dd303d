// The HTML pages of the authorize flow: the consent page (its form follows
// consent_form.hpp, the harness browser's contract), the "log in first"
// page and the error pages Discord shows instead of redirecting.
#pragma once

#include <string>
#include <vector>

namespace mock_discord {

struct ConsentPageView {
  std::string application_name;
  std::string username;
  std::string display_name;  // global_name, or the username
  std::vector<std::string> scopes;
  std::string redirect_target;  // where the browser goes afterwards (origin)
  std::string consent_token;
};

std::string consent_page_html(const ConsentPageView& view);
std::string login_required_page_html(const std::string& application_name);
// <body data-mock-discord="error">; `title` is the heading, `message` the detail.
std::string error_page_html(const std::string& title, const std::string& message);

}  // namespace mock_discord
