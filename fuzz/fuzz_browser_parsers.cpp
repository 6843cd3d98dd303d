// What the harness browser reads from apps: Set-Cookie values, cookie dates,
// Location references resolved against the page, and HTTP answers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/cookies.hpp"
#include "harness/http_wire.hpp"
#include "support/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const support::Url base = *support::parse_url("https://abc.ngrok-free.app/callback?code=1");
  const harness::TimePoint now = harness::TimePoint{} + std::chrono::seconds(1700000000);
  harness::parse_set_cookie(text, base, now);
  harness::parse_cookie_date(text);
  if (auto resolved = support::resolve_url(base, text)) resolved->str();
  harness::ResponseParser parser;
  parser.feed(text.data(), text.size());
  parser.end_of_stream();
  return 0;
}
