// The scripted browser: navigation, redirects, cookies, forms, history.
#include "harness/browser.hpp"

#include "harness/cookie_decoding.hpp"
#include "harness/html_form.hpp"
#include "harness/http_wire.hpp"

namespace harness {

namespace {

bool is_redirect_status(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// A prefix match that ends at a path boundary: /callback matches
// /callback?code=x and /callback/ but not /callbacks.
bool starts_at_boundary(const std::string& text, const std::string& prefix) {
  if (prefix.empty() || text.rfind(prefix, 0) != 0) return false;
  if (text.size() == prefix.size() || prefix.back() == '/') return true;
  char next = text[prefix.size()];
  return next == '?' || next == '#' || next == '/';
}

// As Chrome's URL parser leaves it: spaces and other unsafe bytes escaped,
// so hops show what went on the wire.
support::Url canonical(support::Url url) {
  url.path = escape_url_text(url.path);
  url.query = escape_url_text(url.query);
  return url;
}

Navigation failed_navigation(std::string code, std::string message) {
  Navigation navigation;
  navigation.error_code = std::move(code);
  navigation.error = std::move(message);
  return navigation;
}

}  // namespace

Browser::Browser(BrowserOptions options) : options_(std::move(options)) {}

HttpHeaders Browser::request_headers() const {
  return HttpHeaders{
      {"User-Agent", options_.user_agent},
      {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
      {"Accept-Language", "en-US,en;q=0.9"},
  };
}

Navigation Browser::open(const std::string& url, bool follow) {
  auto parsed = support::parse_url(url);
  if (!parsed) {
    Navigation navigation = failed_navigation("ERR_INVALID_URL", "'" + url + "' is not an absolute http(s) URL");
    return record(std::move(navigation));
  }
  HttpRequest request;
  request.url = canonical(*parsed);
  return record(navigate(std::move(request), std::nullopt, follow));
}

Navigation Browser::submit_form(const std::string& form_id, const std::string& button_name,
                                const std::string& button_value, bool follow) {
  const Navigation* page = current_page();
  if (!page || page->response.status == 0)
    return failed_navigation("NO_SUCH_FORM", "the browser shows no page, so no form '" + form_id + "'");
  auto form = find_form(page->response.body, form_id);
  if (!form)
    return failed_navigation("NO_SUCH_FORM", "the page " + page->url.str() + " has no form with id '" + form_id + "'");
  support::Params pressed;
  if (!button_name.empty()) {
    if (!form->button(button_name, button_value))
      return failed_navigation("NO_SUCH_BUTTON", "the form '" + form_id + "' has no button " + button_name + "=" +
                                                     button_value);
    pressed.emplace_back(button_name, button_value);
  }
  return submit(*form, pressed, follow);
}

Navigation Browser::submit(const HtmlForm& form, const support::Params& overrides, bool follow) {
  const Navigation* page = current_page();
  if (!page || page->response.status == 0) return failed_navigation("NO_SUCH_FORM", "the browser shows no page");
  support::Params fields;
  for (const FormField& field : form.fields) {
    bool replaced = false;
    for (const auto& [name, value] : overrides) replaced = replaced || name == field.name;
    if (!replaced) fields.emplace_back(field.name, field.value);
  }
  fields.insert(fields.end(), overrides.begin(), overrides.end());
  auto action = support::resolve_url(page->url, form.action);
  if (!action)
    return failed_navigation("ERR_INVALID_URL", "the form '" + form.id + "' has an unusable action '" + form.action + "'");
  action->fragment.clear();

  HttpRequest request;
  request.method = form.method;
  request.url = canonical(*action);
  if (form.method == "POST") {
    request.body = support::build_form(fields);
    request.headers.add("Content-Type", "application/x-www-form-urlencoded");
    request.headers.add("Origin", page->url.origin());
  } else {
    request.url.query = support::build_form(fields);
  }
  return record(navigate(std::move(request), site_of(page->url), follow));
}

Navigation Browser::follow_redirect() {
  const Navigation* page = current_page();
  if (!page || page->hops.empty() || !is_redirect_status(page->hops.back().status) || page->hops.back().location.empty())
    return failed_navigation("NO_REDIRECT", "the page the browser shows is not a redirect");
  auto next = support::resolve_url(page->url, page->hops.back().location);
  if (!next) return failed_navigation("ERR_INVALID_REDIRECT", "the browser cannot follow Location: " + page->hops.back().location);
  HttpRequest request;
  request.method = "GET";
  request.url = canonical(*next);
  // The redirect continues the navigation that stopped: the same initiator.
  return record(navigate(std::move(request), site_of(page->url)));
}

const Navigation* Browser::current_page() const { return history_.empty() ? nullptr : &history_.back(); }

Navigation Browser::record(Navigation navigation) {
  history_.push_back(navigation);
  return navigation;
}

void Browser::note_callback(const support::Url& url) {
  support::Url without_fragment = url;
  without_fragment.fragment.clear();
  std::string text = without_fragment.str();
  for (const std::string& prefix : callback_prefixes_)
    if (starts_at_boundary(text, prefix)) last_callback_url_ = text;
}

Hop Browser::exchange(const HttpRequest& request, const std::optional<std::string>& initiator_site,
                      std::optional<HttpResponse>& answer) {
  Hop hop;
  hop.method = request.method;
  hop.url = request.url;
  note_callback(request.url);

  HostTable::Route route = hosts_.resolve(request.url);
  hop.route = route.kind == HostTable::Route::Kind::local_port ? "127.0.0.1:" + std::to_string(route.port)
              : route.kind == HostTable::Route::Kind::handler  ? route.name
                                                               : "unresolved";
  HttpRequest wire = request;
  wire.url.fragment.clear();
  HttpHeaders defaults = request_headers();
  for (const auto& [name, value] : defaults.entries())
    if (!wire.headers.has(name)) wire.headers.add(name, value);
  CookieContext context;
  context.same_site = !initiator_site || *initiator_site == site_of(request.url);
  context.top_level_get = request.method == "GET" || request.method == "HEAD";
  std::string cookie = cookies_.cookie_header(request.url, options_.clock(), context);
  if (!cookie.empty()) wire.headers.set("Cookie", cookie);

  hop.started = std::chrono::system_clock::now();
  auto started = std::chrono::steady_clock::now();
  HttpResult result = hosts_.send(wire, options_.transport);
  hop.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  if (!result.ok()) {
    hop.error_code = result.error.code;
    hop.error = result.error.message;
    answer.reset();
    return hop;
  }
  HttpResponse& response = *result.response;
  hop.status = response.status;
  hop.location = response.headers.get("Location").value_or("");
  hop.set_cookies = response.headers.get_all("Set-Cookie");
  for (const std::string& set_cookie : hop.set_cookies) {
    std::string refused = cookies_.store(set_cookie, request.url, options_.clock());
    if (!refused.empty()) hop.refused_cookies.push_back(set_cookie + ": " + refused);
  }
  answer = std::move(response);
  return hop;
}

Navigation Browser::navigate(HttpRequest request, const std::optional<std::string>& initiator_site, bool follow) {
  Navigation navigation;
  for (int redirects = 0;; ++redirects) {
    std::optional<HttpResponse> answer;
    navigation.hops.push_back(exchange(request, initiator_site, answer));
    navigation.url = request.url;
    const Hop& hop = navigation.hops.back();
    if (!answer) {
      navigation.response = HttpResponse{};
      navigation.error_code = hop.error_code;
      navigation.error = hop.error;
      return navigation;
    }
    navigation.response = std::move(*answer);
    if (!follow || !is_redirect_status(hop.status) || hop.location.empty()) return navigation;

    auto next = support::resolve_url(request.url, hop.location);
    if (!next) {
      bool other_scheme = hop.location.find("://") != std::string::npos;
      navigation.error_code = other_scheme ? "ERR_UNKNOWN_URL_SCHEME" : "ERR_INVALID_REDIRECT";
      navigation.error = "the browser cannot follow Location: " + hop.location;
      return navigation;
    }
    if (redirects == options_.max_redirects) {
      navigation.response = HttpResponse{};
      navigation.error_code = "ERR_TOO_MANY_REDIRECTS";
      navigation.error = "more than " + std::to_string(options_.max_redirects) + " redirects";
      return navigation;
    }
    bool becomes_get = hop.status == 303 ? request.method != "HEAD"
                                         : (hop.status == 301 || hop.status == 302) && request.method == "POST";
    if (becomes_get) {
      request.method = "GET";
      request.body.clear();
      request.headers.remove("Content-Type");
      request.headers.remove("Origin");
    }
    request.url = canonical(*next);
  }
}

std::optional<Leak> Browser::find_leak(const std::vector<std::string>& secrets) const {
  auto contains = [](const std::string& text, const std::string& secret) {
    return text.find(secret) != std::string::npos || text.find(support::percent_encode(secret)) != std::string::npos;
  };
  for (const Navigation& navigation : history_) {
    for (const std::string& secret : secrets) {
      if (secret.empty()) continue;
      for (const Hop& hop : navigation.hops) {
        if (contains(hop.url.str(), secret)) return Leak{secret, "URL", hop.url.str()};
        if (contains(hop.location, secret)) return Leak{secret, "Location header", hop.url.str()};
        for (const std::string& set_cookie : hop.set_cookies)
          for (const DecodedCookie& form : decode_cookie(set_cookie))
            if (contains(form.text, secret)) return Leak{secret, form.how, hop.url.str()};
      }
      if (contains(navigation.response.body, secret)) return Leak{secret, "page body", navigation.url.str()};
    }
  }
  return std::nullopt;
}

}  // namespace harness
