// The reference app's HTML pages. Everything from outside (names, Discord's
// messages) is escaped; no page ever contains a token or the client secret.
#pragma once

#include <string>

#include "client/discord_types.hpp"

namespace client {

// A complete HTML document around `body_html`.
std::string render_page(const std::string& title, const std::string& body_html);

std::string home_page(bool signed_in);
// Username, global name, avatar and, when granted, the email address.
std::string profile_page(const DiscordUser& user);
// A short explanation, with a "Login with Discord" link when `offer_sign_in`.
std::string message_page(const std::string& title, const std::string& message, bool offer_sign_in);

}  // namespace client
