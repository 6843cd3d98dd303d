// PKCE verifiers and S256 challenges from support's randomness and digests.
#include "client/pkce.hpp"

#include "support/encoding.hpp"
#include "support/random.hpp"

namespace client {

std::string pkce_challenge(const std::string& verifier) {
  return support::base64url_encode(support::sha256(verifier));
}

Pkce make_pkce() {
  std::string verifier = support::secure_base64url(32);
  return {verifier, pkce_challenge(verifier)};
}

}  // namespace client
