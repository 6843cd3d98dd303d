// PKCE (RFC 7636) as Discord supports it: S256 only.
#pragma once

#include <string>

namespace mock_discord {

// 43 to 128 characters of [A-Za-z0-9-._~], for verifiers and challenges.
bool valid_pkce_value(const std::string& text);

}  // namespace mock_discord
