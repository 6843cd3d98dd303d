// The contract between the mock's consent page and the harness's browser:
// the page holds one form with these names, so a browser can press
// Authorize or Cancel the way a person would.
#pragma once

namespace mock_discord::consent_form {

constexpr const char* form_id = "mock-discord-consent";     // <form id=...>
constexpr const char* marker = "data-mock-discord=\"consent\"";  // on <body>, for consent_page: true
constexpr const char* action_path = "/oauth2/authorize/consent";  // POST target
constexpr const char* token_field = "consent_token";          // hidden input, one per page
constexpr const char* decision_field = "decision";            // the submit buttons' name
constexpr const char* approve = "approve";                    // Authorize button's value
constexpr const char* deny = "deny";                          // Cancel button's value

}  // namespace mock_discord::consent_form
