// PKCE: RFC 7636's S256 test vector and fresh verifiers.
#include "client/pkce.hpp"
#include "support/random.hpp"

#include <catch2/catch.hpp>

TEST_CASE("the S256 challenge matches RFC 7636 appendix B") {
  CHECK(support::pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("make_pkce gives a fresh 43-character verifier and its challenge") {
  client::Pkce first = client::make_pkce();
  client::Pkce second = client::make_pkce();
  CHECK(first.verifier.size() == 43);
  CHECK(first.verifier.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(first.challenge == support::pkce_s256_challenge(first.verifier));
  CHECK(first.verifier != second.verifier);
}
