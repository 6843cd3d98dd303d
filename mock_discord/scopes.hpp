// Discord's OAuth2 scopes: the fixed list of exact strings the authorize and
// token endpoints accept, and how the consent page words them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mock_discord {

// Discord's error_description for error=invalid_scope.
constexpr const char* kInvalidScopeDescription = "The requested scope is invalid, unknown, or malformed.";

bool is_known_scope(const std::string& scope);
// What the consent page tells the user the application may do.
std::string scope_in_plain_words(const std::string& scope);

// Splits a space-separated scope parameter, dropping empty parts and
// repeats; nullopt when it is empty or names an unknown scope.
std::optional<std::vector<std::string>> parse_scopes(const std::string& text);
std::string join_scopes(const std::vector<std::string>& scopes);
// True when every scope of `wanted` is in `granted`.
bool covers(const std::vector<std::string>& granted, const std::vector<std::string>& wanted);

}  // namespace mock_discord
