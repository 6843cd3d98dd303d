// Set-Cookie parsing (RFC 6265 section 5.2, with Chrome's stricter checks)
// and the cookie jar (sections 5.3 and 5.4).
#include "harness/cookies.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "harness/host_table.hpp"
#include "support/text.hpp"

namespace harness {

namespace {

using support::text::ends_with;
using support::text::lower;
using support::text::trim;

// Chrome caps every cookie's lifetime at 400 days.
constexpr std::chrono::hours kMaxLifetime{24 * 400};

// The few public suffixes a harness run can meet: a Domain= naming one of
// them would share a cookie with every tunnel on the internet.
const char* const kPublicSuffixes[] = {"ngrok-free.app", "ngrok-free.dev", "ngrok.app", "ngrok.dev", "ngrok.io"};

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; });
}

bool is_ip_address(const std::string& host) {
  if (host.find(':') != std::string::npos) return true;  // IPv6
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

bool is_public_suffix(const std::string& domain) {
  if (domain.find('.') == std::string::npos) return true;  // a bare TLD
  return std::any_of(std::begin(kPublicSuffixes), std::end(kPublicSuffixes),
                     [&](const char* suffix) { return domain == suffix; });
}

// RFC 6265 5.1.3.
bool domain_matches(const std::string& host, const std::string& domain) {
  if (host == domain) return true;
  return !is_ip_address(host) && ends_with(host, "." + domain);
}

// RFC 6265 5.1.4.
std::string default_path(const std::string& request_path) {
  if (request_path.empty() || request_path[0] != '/') return "/";
  std::size_t last_slash = request_path.rfind('/');
  return last_slash == 0 ? "/" : request_path.substr(0, last_slash);
}

bool path_matches(const std::string& request_path, const std::string& cookie_path) {
  if (request_path == cookie_path) return true;
  if (request_path.rfind(cookie_path, 0) != 0) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

// --- cookie-date (RFC 6265 5.1.1) ---

bool is_date_delimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
         (c >= 0x7b && c <= 0x7e);
}

// Reads min..max digits at `pos`; they must be followed by a non-digit or
// the end. Advances `pos`.
bool read_digits(const std::string& token, std::size_t& pos, int min, int max, int& value) {
  std::size_t begin = pos;
  value = 0;
  while (pos < token.size() && std::isdigit(static_cast<unsigned char>(token[pos])) && pos - begin < std::size_t(max))
    value = value * 10 + (token[pos++] - '0');
  if (pos - begin < std::size_t(min)) return false;
  return pos == token.size() || !std::isdigit(static_cast<unsigned char>(token[pos]));
}

bool read_time(const std::string& token, int& hour, int& minute, int& second) {
  std::size_t pos = 0;
  if (!read_digits(token, pos, 1, 2, hour) || pos >= token.size() || token[pos++] != ':') return false;
  if (!read_digits(token, pos, 1, 2, minute) || pos >= token.size() || token[pos++] != ':') return false;
  return read_digits(token, pos, 1, 2, second);
}

int read_month(const std::string& token) {
  static const char* const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return 0;
  std::string prefix = lower(token.substr(0, 3));
  for (int i = 0; i < 12; ++i)
    if (prefix == months[i]) return i + 1;
  return 0;
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

std::optional<TimePoint> cap_expiry(TimePoint expiry, TimePoint now) {
  return std::min(expiry, now + kMaxLifetime);
}

}  // namespace

std::optional<TimePoint> parse_cookie_date(const std::string& text) {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_date_delimiter(static_cast<unsigned char>(text[pos]))) ++pos;
    std::size_t end = pos;
    while (end < text.size() && !is_date_delimiter(static_cast<unsigned char>(text[end]))) ++end;
    if (end == pos) break;
    std::string token = text.substr(pos, end - pos);
    pos = end;
    std::size_t day_end = 0, year_end = 0;
    if (!found_time && read_time(token, hour, minute, second)) {
      found_time = true;
    } else if (!found_day && read_digits(token, day_end, 1, 2, day)) {
      found_day = true;
    } else if (!found_month && (month = read_month(token)) != 0) {
      found_month = true;
    } else if (!found_year && read_digits(token, year_end, 2, 4, year)) {
      found_year = true;
    }
  }
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  if (year < 1601 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  std::tm broken{};
  broken.tm_year = year - 1900;
  broken.tm_mon = month - 1;
  broken.tm_mday = day;
  broken.tm_hour = hour;
  broken.tm_min = minute;
  broken.tm_sec = second;
  // Year 9999 does not fit the clock's nanoseconds (they end in 2262): such a
  // date is "as late as can be", and cap_expiry() makes it 400 days.
  // Likewise before 1678: "as early as can be", a cookie already expired.
  const std::time_t seconds = timegm(&broken);
  constexpr auto last_second = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max().time_since_epoch());
  constexpr auto first_second = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::min().time_since_epoch());
  if (seconds >= last_second.count()) return TimePoint::max();
  if (seconds <= first_second.count()) return TimePoint::min();
  return std::chrono::system_clock::from_time_t(seconds);
}

bool is_secure_origin(const support::Url& url) {
  return url.scheme == "https" || is_loopback_host(url.host);
}

std::string site_of(const support::Url& url) {
  const std::string& host = url.host;
  std::string registrable = host;
  if (!is_ip_address(host)) {
    const char* const* suffix = std::find_if(std::begin(kPublicSuffixes), std::end(kPublicSuffixes),
                                             [&](const char* s) { return ends_with(host, std::string(".") + s); });
    std::string tail = suffix != std::end(kPublicSuffixes) ? std::string(*suffix) : host.substr(host.rfind('.') + 1);
    if (host.size() > tail.size()) {
      std::size_t label_start = host.rfind('.', host.size() - tail.size() - 2);
      registrable = label_start == std::string::npos ? host : host.substr(label_start + 1);
    }
  }
  return url.scheme + "://" + registrable;
}

ParsedCookie parse_set_cookie(const std::string& header_value, const support::Url& request_url, TimePoint now) {
  auto refuse = [](std::string why) { return ParsedCookie{std::nullopt, std::move(why)}; };
  std::size_t first_semicolon = header_value.find(';');
  std::string pair = header_value.substr(0, first_semicolon);
  std::size_t equals = pair.find('=');
  if (equals == std::string::npos) return refuse("no '=' in the name=value pair");
  Cookie cookie;
  cookie.name = trim(pair.substr(0, equals));
  cookie.value = trim(pair.substr(equals + 1));
  if (cookie.name.empty()) return refuse("empty cookie name");
  if (has_control_character(cookie.name) || has_control_character(cookie.value))
    return refuse("control character in the cookie name or value");
  cookie.path = default_path(request_url.path);
  cookie.created = now;

  std::optional<TimePoint> expires_attribute, max_age_expiry;
  std::string domain_attribute;
  std::size_t pos = first_semicolon;
  while (pos != std::string::npos) {
    std::size_t next = header_value.find(';', pos + 1);
    std::string attribute = header_value.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    pos = next;
    std::size_t attribute_equals = attribute.find('=');
    std::string name = lower(trim(attribute.substr(0, attribute_equals)));
    std::string value = attribute_equals == std::string::npos ? "" : trim(attribute.substr(attribute_equals + 1));
    if (name == "expires") {
      if (auto date = parse_cookie_date(value)) expires_attribute = date;
    } else if (name == "max-age") {
      bool well_formed = !value.empty() && (std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '-') &&
                         std::all_of(value.begin() + 1, value.end(), [](unsigned char c) { return std::isdigit(c); }) &&
                         value != "-";
      if (!well_formed) continue;
      bool negative = value[0] == '-';
      std::string digits = value.substr(negative ? 1 : 0);
      // Capped before it is added to `now`: Max-Age=9300000000 would overflow.
      const long long longest = std::chrono::duration_cast<std::chrono::seconds>(kMaxLifetime).count();
      long long seconds = digits.size() > 12 ? longest : std::min(std::stoll(digits), longest);
      max_age_expiry = negative || seconds == 0 ? TimePoint::min() : *cap_expiry(now + std::chrono::seconds(seconds), now);
    } else if (name == "domain") {
      if (value.empty()) continue;
      domain_attribute = lower(value[0] == '.' ? value.substr(1) : value);
    } else if (name == "path") {
      cookie.path = !value.empty() && value[0] == '/' ? value : default_path(request_url.path);
    } else if (name == "secure") {
      cookie.secure = true;
    } else if (name == "httponly") {
      cookie.http_only = true;
    } else if (name == "samesite") {
      std::string mode = lower(value);
      cookie.same_site = mode == "strict" ? SameSite::strict
                         : mode == "lax"  ? SameSite::lax
                         : mode == "none" ? SameSite::none
                                          : SameSite::unspecified;
    }
  }
  if (max_age_expiry) cookie.expires = max_age_expiry;
  else if (expires_attribute) cookie.expires = cap_expiry(*expires_attribute, now);

  const std::string& host = request_url.host;
  if (domain_attribute.empty() || domain_attribute == host) {
    cookie.domain = host;
  } else {
    if (is_public_suffix(domain_attribute))
      return refuse("Domain=" + domain_attribute + " is a public suffix");
    if (!domain_matches(host, domain_attribute))
      return refuse("Domain=" + domain_attribute + " does not cover the host " + host);
    cookie.domain = domain_attribute;
    cookie.host_only = false;
  }
  if (cookie.secure && !is_secure_origin(request_url))
    return refuse("a Secure cookie cannot be set from an insecure origin (" + request_url.origin() + ")");
  if (cookie.same_site == SameSite::none && !cookie.secure)
    return refuse("SameSite=None requires Secure");
  if (cookie.name.rfind("__Secure-", 0) == 0 && !cookie.secure)
    return refuse("a __Secure- cookie must be Secure");
  if (cookie.name.rfind("__Host-", 0) == 0 && (!cookie.secure || !cookie.host_only || cookie.path != "/"))
    return refuse("a __Host- cookie must be Secure, without Domain, with Path=/");
  return {cookie, ""};
}

std::string CookieJar::store(const std::string& set_cookie, const support::Url& request_url, TimePoint now) {
  ParsedCookie parsed = parse_set_cookie(set_cookie, request_url, now);
  if (!parsed.cookie) return parsed.error;
  Cookie& cookie = *parsed.cookie;
  bool expired = cookie.expires && *cookie.expires <= now;
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& old) {
    return old.name == cookie.name && old.domain == cookie.domain && old.host_only == cookie.host_only &&
           old.path == cookie.path;
  });
  if (same != cookies_.end()) {
    if (expired) {
      cookies_.erase(same);
    } else {
      cookie.created = same->created;
      *same = cookie;
    }
  } else if (!expired) {
    cookies_.push_back(cookie);
  }
  return "";
}

std::string CookieJar::cookie_header(const support::Url& url, TimePoint now, const CookieContext& context) const {
  std::vector<const Cookie*> matching;
  for (const Cookie& cookie : cookies_) {
    if (cookie.expires && *cookie.expires <= now) continue;
    if (cookie.host_only ? url.host != cookie.domain : !domain_matches(url.host, cookie.domain)) continue;
    if (!path_matches(url.path, cookie.path)) continue;
    if (cookie.secure && !is_secure_origin(url)) continue;
    bool allowed = cookie.same_site == SameSite::none ||
                   (cookie.same_site == SameSite::strict ? context.same_site
                                                         : context.same_site || context.top_level_get);
    if (!allowed) continue;
    matching.push_back(&cookie);
  }
  std::stable_sort(matching.begin(), matching.end(), [](const Cookie* a, const Cookie* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    return a->created < b->created;
  });
  std::string header;
  for (const Cookie* cookie : matching) {
    if (!header.empty()) header += "; ";
    header += cookie->name + "=" + cookie->value;
  }
  return header;
}

std::vector<Cookie> CookieJar::cookies(TimePoint now) const {
  std::vector<Cookie> live;
  for (const Cookie& cookie : cookies_)
    if (!cookie.expires || *cookie.expires > now) live.push_back(cookie);
  return live;
}

}  // namespace harness
