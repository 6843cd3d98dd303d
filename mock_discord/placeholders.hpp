// ${name} substitution from a fixed table, for the places where the mock
// reads a config on its own (mock_discord --config, POST /_mock/config).
// The harness has richer placeholders (${last.code}, ...) and its own resolver.
#pragma once

#include <map>
#include <string>

#include "mock_discord/config.hpp"

namespace mock_discord {

// A Resolver that replaces ${NAME} by values.at(NAME), with the grammar of
// support/placeholders.hpp ($${ is a literal ${); any other placeholder (or an
// unterminated "${") throws support::PlaceholderError (a std::invalid_argument)
// naming the known ones.
Resolver table_resolver(std::map<std::string, std::string> values);

}  // namespace mock_discord
