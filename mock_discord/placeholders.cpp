// Table-driven ${name} substitution (see placeholders.hpp).
#include "mock_discord/placeholders.hpp"

#include <stdexcept>

namespace mock_discord {

Resolver table_resolver(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& text) {
    auto known = [&] {
      std::string names;
      for (const auto& [name, value] : values) names += (names.empty() ? "${" : ", ${") + name + "}";
      return names.empty() ? std::string("none") : names;
    };
    std::string out;
    std::size_t position = 0;
    while (true) {
      std::size_t open = text.find("${", position);
      if (open == std::string::npos) break;
      std::size_t close = text.find('}', open);
      if (close == std::string::npos) throw std::invalid_argument("unterminated placeholder in '" + text + "'");
      std::string name = text.substr(open + 2, close - open - 2);
      auto found = values.find(name);
      if (found == values.end())
        throw std::invalid_argument("unknown placeholder '${" + name + "}' (known here: " + known() + ")");
      out += text.substr(position, open - position) + found->second;
      position = close + 1;
    }
    return out + text.substr(position);
  };
}

}  // namespace mock_discord
