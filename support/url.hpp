// URLs, percent-encoding and form bodies. Each parser is a pure function from
// text to a value or nullopt, so fuzzers and tests can call it directly.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace support {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 unreserved characters stay, everything else becomes %XX.
// Spaces become %20 (Discord's docs write scopes as identify%20email).
std::string percent_encode(const std::string& text);
// '+' is a space (forms); nullopt on a broken %-escape.
std::optional<std::string> percent_decode(const std::string& text);
// A URL path: as percent_decode, but '+' stays '+'.
std::optional<std::string> percent_decode_path(const std::string& text);

// a=1&b=2 -> {{a,1},{b,2}}; nullopt on broken percent-encoding.
std::optional<Params> parse_form(const std::string& text);
std::string build_form(const Params& params);
// The first value for `name`, if any.
std::optional<std::string> find_param(const Params& params, const std::string& name);

struct Url {
  std::string scheme;  // "http", "https", lower case
  std::string host;    // lower case, no brackets
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/" at least
  std::string query;   // without '?'
  std::string fragment;
  bool explicit_port = false;

  // scheme://host[:port]: the origin as the browser sees it.
  std::string origin() const;
  // path[?query]
  std::string target() const;
  std::string str() const;
};

// Absolute http(s) URLs only; nullopt for anything else.
std::optional<Url> parse_url(const std::string& text);
// A Location value relative to `base` (absolute, //host, /path or relative path).
std::optional<Url> resolve_url(const Url& base, const std::string& reference);

}  // namespace support
