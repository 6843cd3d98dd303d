// PKCE (RFC 7636) as Discord supports it: S256 only.
#pragma once

#include <string>

namespace mock_discord {

// 43 to 128 characters of [A-Za-z0-9-._~], for verifiers and challenges.
bool valid_pkce_value(const std::string& text);
// BASE64URL(SHA256(verifier)) without padding.
std::string s256_challenge(const std::string& verifier);

}  // namespace mock_discord
