// Query strings, form bodies, percent-decoding, Basic credentials (base64)
// and Cookie headers: what the mock and the reference app read from requests.
#include <cstddef>
#include <cstdint>
#include <string>

#include "client/session_store.hpp"
#include "mock_discord/request_params.hpp"
#include "support/encoding.hpp"
#include "support/url.hpp"
#include "support/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  support::parse_form(text);
  support::percent_decode(text);
  mock_discord::parse_strict(text, "the query");
  if (auto decoded = support::base64_decode(text)) support::base64_encode(*decoded);
  client::cookie_value(text, "session");
  support::to_valid_utf8(text);
  return 0;
}
