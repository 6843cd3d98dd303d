// Randomness: secure bytes from OpenSSL for secrets (states, session ids),
// and a seeded generator for the mock's reproducible codes, tokens and ids.
#pragma once

#include <cstdint>
#include <string>

#include "support/encoding.hpp"  // base64url_encode, for PKCE callers of sha256

namespace support {

// `length` characters from [A-Za-z0-9], from a cryptographically secure source.
std::string secure_alphanumeric(std::size_t length);
// `bytes` secure random bytes, hex encoded.
std::string secure_hex(std::size_t bytes);
// `bytes` secure random bytes, base64url encoded without padding.
std::string secure_base64url(std::size_t bytes);

// Deterministic: the same seed gives the same sequence (splitmix64).
class SeededGenerator {
 public:
  explicit SeededGenerator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::string alphanumeric(std::size_t length);

 private:
  std::uint64_t state_;
};

std::string sha256(const std::string& data);  // raw 32-byte digest
// PKCE (RFC 7636) S256: BASE64URL(SHA256(verifier)), no padding.
std::string pkce_s256_challenge(const std::string& verifier);

}  // namespace support
