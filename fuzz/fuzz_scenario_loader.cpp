// The scenario loader and the YAML reader under it: any file a user writes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/loader.hpp"
#include "support/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    harness::load_scenario_text("fuzz.yaml", text);
  } catch (const support::InputError&) {
    // A located error is the expected answer to a bad file.
  }
  return 0;
}
