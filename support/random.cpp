// OpenSSL-backed randomness and digests, and the seeded generator.
#include "support/random.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <vector>

#include "support/errors.hpp"

namespace support {
namespace {

const char kAlphanumeric[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string secure_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
    throw SystemError("OpenSSL RAND_bytes failed");
  return bytes;
}

}  // namespace

std::string secure_alphanumeric(std::size_t length) {
  std::string result;
  result.reserve(length);
  while (result.size() < length) {
    for (unsigned char byte : secure_bytes(length)) {
      if (byte >= 248) continue;  // 248 = 4 * 62: reject to keep the draw uniform
      result += kAlphanumeric[byte % 62];
      if (result.size() == length) break;
    }
  }
  return result;
}

std::string secure_hex(std::size_t bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string result;
  for (unsigned char byte : secure_bytes(bytes)) {
    result += digits[byte >> 4];
    result += digits[byte & 15];
  }
  return result;
}

std::string secure_base64url(std::size_t bytes) { return base64url_encode(secure_bytes(bytes)); }

std::uint64_t SeededGenerator::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string SeededGenerator::alphanumeric(std::size_t length) {
  std::string result;
  result.reserve(length);
  for (std::size_t i = 0; i < length; ++i) result += kAlphanumeric[next() % 62];
  return result;
}

std::string pkce_s256_challenge(const std::string& verifier) { return base64url_encode(sha256(verifier)); }

std::string sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

}  // namespace support
