// The mock's HTTP request parser (mock_discord/http_request.cpp): any bytes
// from a client, whole or cut at any point.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mock_discord/http_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  mock_discord::RequestLimits limits;
  limits.max_body_bytes = 4096;
  mock_discord::parse_request(bytes, limits);
  mock_discord::parse_request(bytes.substr(0, size / 2), limits);
  return 0;
}
