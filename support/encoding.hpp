// Base64 (RFC 4648): the standard alphabet for HTTP Basic credentials, the
// URL-safe one without padding for PKCE challenges and random tokens.
#pragma once

#include <optional>
#include <string>

namespace support {

std::string base64_encode(const std::string& bytes);
// Strict: nullopt on characters outside the alphabet or bad padding.
std::optional<std::string> base64_decode(const std::string& text);
std::string base64url_encode(const std::string& bytes);  // no padding

}  // namespace support
