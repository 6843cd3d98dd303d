// The mock's config (`mock_discord --config`, a scenario's `discord:`, the
// admin API's bodies): any YAML or JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mock_discord/config.hpp"
#include "support/errors.hpp"
#include "support/yaml_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto reader = support::YamlReader::from_string("fuzz.yaml", text);
    mock_discord::parse_config(reader, reader.root(), mock_discord::no_placeholders, "http://127.0.0.1:5000");
    if (reader.root().IsMap()) mock_discord::parse_failure_rule(reader, reader.root(), "the rule");
  } catch (const support::InputError&) {
  }
  return 0;
}
