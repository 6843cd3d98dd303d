// Strict parameter parsing. cpp-httplib also fills Request::params, but it
// decodes broken escapes silently and merges query and body; OAuth needs to
// know exactly what was sent and where.
#include "mock_discord/request_params.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace mock_discord {

std::string StrictParams::get(const std::string& name) const {
  return support::find_param(params, name).value_or("");
}

bool StrictParams::has(const std::string& name) const { return support::find_param(params, name).has_value(); }

bool valid_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    unsigned minimum = 0;
    unsigned code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, minimum = 0x80, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, minimum = 0x800, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, minimum = 0x10000, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

StrictParams parse_strict(const std::string& text, const std::string& where) {
  StrictParams result;
  auto parsed = support::parse_form(text);
  if (!parsed) {
    result.error = "Malformed percent-encoding in the " + where;
    return result;
  }
  std::set<std::string> seen;
  for (const auto& [name, value] : *parsed) {
    if (!valid_utf8(name) || !valid_utf8(value)) {
      result.error = "Invalid UTF-8 in the " + where;
      return result;
    }
    if (!seen.insert(name).second) {
      result.error = "Parameter \"" + name + "\" given more than once in the " + where;
      return result;
    }
  }
  result.params = std::move(*parsed);
  return result;
}

StrictParams query_params(const httplib::Request& request) {
  std::size_t question = request.target.find('?');
  if (question == std::string::npos) return {};
  return parse_strict(request.target.substr(question + 1), "query string");
}

bool is_form_body(const httplib::Request& request) {
  std::string type = request.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type == "application/x-www-form-urlencoded";
}

StrictParams form_params(const httplib::Request& request) { return parse_strict(request.body, "request body"); }

}  // namespace mock_discord
