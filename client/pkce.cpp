// PKCE verifiers and S256 challenges from support's randomness and digests.
#include "client/pkce.hpp"

#include "support/encoding.hpp"
#include "support/random.hpp"

namespace client {

Pkce make_pkce() {
  std::string verifier = support::secure_base64url(32);
  return {verifier, support::pkce_s256_challenge(verifier)};
}

}  // namespace client
