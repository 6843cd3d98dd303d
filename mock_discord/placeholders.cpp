// Table-driven ${name} substitution on the shared grammar (see placeholders.hpp).
#include "mock_discord/placeholders.hpp"

#include "support/placeholders.hpp"

namespace mock_discord {

Resolver table_resolver(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& text) {
    return support::expand(text, [&values](const std::string& name) -> std::optional<std::string> {
      auto found = values.find(name);
      if (found != values.end()) return found->second;
      std::string known;
      for (const auto& entry : values) known += (known.empty() ? "${" : ", ${") + entry.first + "}";
      throw support::PlaceholderError(
          "unknown placeholder '${" + name + "}' (known here: " + (known.empty() ? "none" : known) + ")", 0);
    });
  };
}

}  // namespace mock_discord
