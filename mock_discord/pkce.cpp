// PKCE checks shared by the authorize endpoint (the challenge) and the token
// endpoint (the verifier).
#include "mock_discord/pkce.hpp"

#include <algorithm>
#include <cctype>


namespace mock_discord {

bool valid_pkce_value(const std::string& text) {
  if (text.size() < 43 || text.size() > 128) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

}  // namespace mock_discord
