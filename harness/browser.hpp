// The scripted browser, one per scenario: it opens URLs and presses form
// buttons the way Chrome would, and remembers everything it saw.
//
// - URLs are escaped as Chrome's parser escapes them (a space becomes %20),
//   so hops show what went on the wire.
// - Requests carry a Chrome User-Agent, Accept headers and the cookies of
//   its jar (harness/cookies.hpp); every Set-Cookie is stored, or the reason
//   it was refused is recorded on the hop.
// - Redirects (301, 302, 303, 307, 308 with a Location) are followed up to
//   20 times, as Chrome does; the 21st ends the navigation with
//   ERR_TOO_MANY_REDIRECTS. 301/302 after a POST and every 303 become GETs.
// - Hosts resolve through its HostTable; a transport failure (refused, reset,
//   timeout, unknown host, https to a plain port) ends the navigation with an
//   error hop (status 0, Chrome's error code), never an exception.
// - SameSite: open() is an address-bar navigation (same-site for cookies);
//   a form submission is initiated by its page's site, so SameSite=Strict
//   cookies of another site stay home on the redirects that follow it.
// - It keeps the full history (every URL requested, every Location, every
//   page shown) for the runner's `no_leaks` check, and the last callback URL
//   it requested, for `replay: callback`.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/cookies.hpp"
#include "harness/host_table.hpp"
#include "harness/html_form.hpp"
#include "harness/http_exchange.hpp"

namespace harness {

// One request and what came back.
struct Hop {
  std::string method;
  support::Url url;
  int status = 0;  // 0: no answer; see error_code and error
  std::string location;                     // the Location header, as sent
  std::vector<std::string> set_cookies;     // the Set-Cookie headers, as sent
  std::vector<std::string> refused_cookies;  // "Set-Cookie value: why it was refused"
  std::string error_code;                   // ERR_NAME_NOT_RESOLVED, ...
  std::string error;                        // one sentence
  std::string route;                        // "127.0.0.1:PORT" or the host handler's name ("tunnel")
  std::chrono::system_clock::time_point started;
  double elapsed_ms = 0;
};

// What one open() or form submission did.
struct Navigation {
  std::vector<Hop> hops;
  support::Url url;       // the URL of the last request
  HttpResponse response;  // the final answer; status 0 when there is none
  std::string error_code;  // set when the navigation ended in an error
  std::string error;

  bool failed() const { return !error_code.empty(); }
};

struct BrowserOptions {
  std::string user_agent =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
  int max_redirects = 20;
  TransportOptions transport;
  // The time cookies expire against; the runner passes its virtual clock.
  std::function<TimePoint()> clock = [] { return std::chrono::system_clock::now(); };
};

// A secret the browser was shown, and where.
struct Leak {
  std::string secret;
  std::string place;  // "URL", "Location header" or "page body"
  std::string url;    // the URL requested (for a body: the page's URL)
};

class Browser {
 public:
  explicit Browser(BrowserOptions options = {});

  HostTable& hosts() { return hosts_; }
  const HostTable& hosts() const { return hosts_; }
  CookieJar& cookies() { return cookies_; }
  const BrowserOptions& options() const { return options_; }

  // Types `url` into the address bar and follows the redirects (with
  // `follow` false: stops at the first answer, redirect or not).
  Navigation open(const std::string& url, bool follow = true);
  // Presses the submit button (name, value) of the form `form_id` on the
  // page shown now, and follows the redirects. An empty button name submits
  // without a button. A missing page, form or button gives a failed
  // Navigation without hops (error_code "NO_SUCH_FORM" / "NO_SUCH_BUTTON").
  Navigation submit_form(const std::string& form_id, const std::string& button_name,
                         const std::string& button_value, bool follow = true);
  // Submits `form` of the page shown now with its own fields, each of
  // `overrides` replacing the field of that name (or added).
  Navigation submit(const HtmlForm& form, const support::Params& overrides, bool follow = true);
  // Goes on where a navigation that did not follow redirects stopped: the
  // Location of the page shown now. A failed Navigation without hops
  // (error_code "NO_REDIRECT") when that page is no redirect.
  Navigation follow_redirect();

  // The page shown now (the last navigation), if any.
  const Navigation* current_page() const;
  const std::vector<Navigation>& history() const { return history_; }

  // URLs that start with one of these (at a path boundary) are callbacks.
  void set_callback_prefixes(std::vector<std::string> prefixes) { callback_prefixes_ = std::move(prefixes); }
  // The last callback URL requested, fragment dropped.
  std::optional<std::string> last_callback_url() const { return last_callback_url_; }

  // The first of `secrets` (raw or percent-encoded) found in a URL requested,
  // a Location header, a page shown or a cookie set (also decoded where a
  // framework encodes it: cookie_decoding.hpp); empty secrets are ignored.
  std::optional<Leak> find_leak(const std::vector<std::string>& secrets) const;

 private:
  Navigation navigate(HttpRequest request, const std::optional<std::string>& initiator_site, bool follow = true);
  Hop exchange(const HttpRequest& request, const std::optional<std::string>& initiator_site,
               std::optional<HttpResponse>& answer);
  HttpHeaders request_headers() const;
  void note_callback(const support::Url& url);
  Navigation record(Navigation navigation);

  BrowserOptions options_;
  HostTable hosts_;
  CookieJar cookies_;
  std::vector<Navigation> history_;
  std::vector<std::string> callback_prefixes_;
  std::optional<std::string> last_callback_url_;
};

}  // namespace harness
