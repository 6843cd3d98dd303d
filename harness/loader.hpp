// Loading one scenario file into the model (scenario.hpp), validating
// everything before anything runs: unknown or duplicate keys, missing keys,
// types, durations, status codes, URLs, regular expressions, placeholders,
// user names, and actions that cannot work in the scenario's world. Every
// error is a support::InputError naming file, line and column, with the
// line and a caret (and the closest valid key for a typo).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/scenario.hpp"

namespace harness {

// Reads and validates a scenario file. Throws support::InputError.
Scenario load_scenario(const std::string& path);

// The same from text (tests, fuzzers): `name` stands for the file in errors,
// and a relative `app: cwd` resolves against its folder.
Scenario load_scenario_text(const std::string& name, const std::string& text);

// The keys each map of a scenario file may hold (besides `x-` keys, which
// every map ignores), by the name docs/scenario.schema.json gives that map
// under $defs; the discord: section's are mock_discord::config_key_tables().
// A test keeps the schema and these tables equal.
const std::map<std::string, std::vector<std::string>>& scenario_key_tables();

}  // namespace harness
