// PKCE (RFC 7636) with the S256 method, the only one Discord accepts.
#pragma once

#include <string>

namespace client {

struct Pkce {
  std::string verifier;   // kept server-side, sent with the code exchange
  std::string challenge;  // sent in the authorize URL
};

// A fresh verifier of 43 characters (256 secure random bits) and its challenge.
Pkce make_pkce();

}  // namespace client
