// Percent-encoding, form bodies and absolute URLs.
#include "support/url.hpp"
#include "support/text.hpp"

#include <algorithm>
#include <cctype>

namespace support {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using text::lower;

}  // namespace

std::string percent_encode(const std::string& text) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

namespace {

std::optional<std::string> decode_escapes(const std::string& text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(const std::string& text) { return decode_escapes(text, true); }
std::optional<std::string> percent_decode_path(const std::string& text) { return decode_escapes(text, false); }

std::optional<Params> parse_form(const std::string& text) {
  Params params;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find('&', begin);
    if (end == std::string::npos) end = text.size();
    std::string pair = text.substr(begin, end - begin);
    if (!pair.empty()) {
      std::size_t equals = pair.find('=');
      auto name = percent_decode(pair.substr(0, equals));
      auto value = percent_decode(equals == std::string::npos ? "" : pair.substr(equals + 1));
      if (!name || !value) return std::nullopt;
      params.emplace_back(*name, *value);
    }
    begin = end + 1;
  }
  return params;
}

std::string build_form(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(name) + '=' + percent_encode(value);
  }
  return out;
}

std::optional<std::string> find_param(const Params& params, const std::string& name) {
  for (const auto& [key, value] : params)
    if (key == name) return value;
  return std::nullopt;
}

std::string Url::origin() const {
  std::string out = scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) out += ":" + std::to_string(port);
  return out;
}

std::string Url::target() const { return query.empty() ? path : path + "?" + query; }

std::string Url::str() const {
  std::string out = origin() + target();
  if (!fragment.empty()) out += "#" + fragment;
  return out;
}

std::optional<Url> parse_url(const std::string& text) {
  Url url;
  std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  url.scheme = lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::size_t authority_begin = scheme_end + 3;
  std::size_t authority_end = text.find_first_of("/?#", authority_begin);
  if (authority_end == std::string::npos) authority_end = text.size();
  std::string authority = text.substr(authority_begin, authority_end - authority_begin);
  if (authority.find('@') != std::string::npos || authority.empty()) return std::nullopt;
  std::string port_text;
  if (authority[0] == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port_text = authority.substr(close + 2);
      url.explicit_port = true;
    }
  } else {
    std::size_t colon = authority.find(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
      url.explicit_port = true;
    }
  }
  url.host = lower(url.host);
  if (url.host.empty()) return std::nullopt;
  for (unsigned char c : url.host)
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':')) return std::nullopt;
  if (url.explicit_port) {
    if (port_text.empty() || port_text.size() > 5) return std::nullopt;
    for (unsigned char c : port_text)
      if (!std::isdigit(c)) return std::nullopt;
    url.port = std::stoi(port_text);
    if (url.port < 1 || url.port > 65535) return std::nullopt;
  } else {
    url.port = url.scheme == "https" ? 443 : 80;
  }
  std::string rest = text.substr(authority_end);
  std::size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    url.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  std::size_t question = rest.find('?');
  url.path = rest.substr(0, question);
  if (question != std::string::npos) url.query = rest.substr(question + 1);
  if (url.path.empty()) url.path = "/";
  return url;
}

namespace {

// Whether the reference starts with a scheme ("https:"): only then is it
// absolute; a "://" later on (in a query, say) is part of a relative one.
bool has_scheme(const std::string& reference) {
  std::size_t colon = reference.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(reference[0]))) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(reference[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// RFC 3986 section 5.2.4: "/a/b/../c/./d" becomes "/a/c/d".
std::string remove_dot_segments(const std::string& path) {
  std::vector<std::string> kept;
  std::size_t start = 1;
  const bool absolute = !path.empty() && path[0] == '/';
  if (!absolute) start = 0;
  bool trailing_slash = false;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string segment = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    trailing_slash = false;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      trailing_slash = true;
    } else if (segment == ".") {
      trailing_slash = true;
    } else {
      kept.push_back(segment);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < kept.size(); ++i) out += (i ? "/" : "") + kept[i];
  if (trailing_slash && !kept.empty()) out += "/";
  return out;
}

}  // namespace

std::optional<Url> resolve_url(const Url& base, const std::string& reference) {
  if (has_scheme(reference)) {
    auto absolute = parse_url(reference);
    if (absolute) absolute->path = remove_dot_segments(absolute->path);
    return absolute;
  }
  if (reference.rfind("//", 0) == 0) return parse_url(base.scheme + ":" + reference);
  Url url = base;
  url.fragment.clear();
  std::string rest = reference;
  std::size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    url.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  std::size_t question = rest.find('?');
  std::string path = rest.substr(0, question);
  std::string query = question == std::string::npos ? "" : rest.substr(question + 1);
  if (path.empty()) {
    if (question != std::string::npos) url.query = query;
    return url;
  }
  if (path[0] != '/') {
    std::size_t slash = base.path.rfind('/');
    path = base.path.substr(0, slash == std::string::npos ? 0 : slash + 1) + path;
  }
  url.path = remove_dot_segments(path);
  url.query = query;
  return url;
}

}  // namespace support
