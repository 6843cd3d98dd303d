// The ngrok-style tunnel simulator: a public https://<random>.ngrok-free.app
// URL that only the harness resolves (register it in a HostTable with
// attach()), forwarding to the app's local port. It reproduces what makes
// ngrok bite OAuth apps (docs/discord-facts.md, "ngrok facts"):
//
// - Every start gets a new random host (a free tunnel never gets its old one
//   back): start after stop and restart() both move the URL; the random part
//   comes from the seed when one is given (reproducible runs), else from a
//   secure source.
// - Forwarding: same method, path, query, headers and body; Host stays the
//   public host; X-Forwarded-For (a documentation address, 203.0.113.7, as the
//   browser's public IP), X-Forwarded-Proto (the scheme the browser used:
//   https) and X-Forwarded-Host are set. The app's answer comes back as is.
// - Any *.ngrok-free.app host that is not the live one (an old URL, the URL
//   while stopped, a made-up one) answers 404 with ngrok's error page
//   ERR_NGROK_3200 ("The endpoint <host> is offline." / "Tunnel <host> not
//   found").
// - Tunnel up, app not answering (refused, reset, timed out): 502 with
//   ERR_NGROK_8012.
// - browser_warning: the free-tier interstitial ERR_NGROK_6024 (status 200)
//   answers a browser's first request to the endpoint instead of the app.
//   A request is a browser's when its User-Agent contains "Mozilla/"; the
//   header ngrok-skip-browser-warning (any value) or a non-browser
//   User-Agent skips it. The interstitial sets the host-only cookie
//   ngrok_skip_browser_warning=1 (Secure, 7 days) and links "Visit Site" to
//   the same URL, so the next request from that browser to that endpoint goes
//   through, as after a person presses Visit Site. A new URL (restart) shows
//   it again: it is once per browser per endpoint. The tunnel strips its own
//   cookie before forwarding, so the app never sees it.
// - Every page the tunnel itself answers carries the header
//   Ngrok-Error-Code: ERR_NGROK_NNNN and the code in its HTML;
//   tunnel_error_code() recognises it (the `tunnel_error:` expectation).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "harness/host_table.hpp"
#include "harness/http_exchange.hpp"
#include "support/random.hpp"

namespace harness {

struct TunnelOptions {
  bool browser_warning = false;        // the app's `tunnel_warning:`
  std::optional<std::uint64_t> seed;   // --seed: reproducible public URLs
  TransportOptions transport;          // tunnel -> app
  std::string client_address = "203.0.113.7";  // X-Forwarded-For
};

class Tunnel {
 public:
  static constexpr const char* host_pattern = "*.ngrok-free.app";
  static constexpr const char* skip_warning_header = "ngrok-skip-browser-warning";
  static constexpr const char* skip_warning_cookie = "ngrok_skip_browser_warning";

  // Down until start().
  explicit Tunnel(int app_port, TunnelOptions options = {});

  // Comes up at a new random URL and returns it; when already up, returns
  // the live URL unchanged.
  std::string start();
  // The URL dies; url() still names it.
  void stop();
  // stop() then start(): the old URL dies, a new one appears.
  std::string restart();

  bool is_up() const;
  // The live URL, or the last one while stopped; "" before the first start.
  std::string url() const;
  // The URL before the current one; "" if none.
  std::string previous_url() const;

  void set_app_port(int port);
  int app_port() const;

  // Answers a request for any *.ngrok-free.app host: the HostTable handler.
  HttpResult handle(const HttpRequest& request);
  // Routes *.ngrok-free.app in `hosts` to this tunnel (named "tunnel").
  // The tunnel must outlive the table's use.
  void attach(HostTable& hosts);

 private:
  std::string new_host();
  HttpResponse error_page(int status, const std::string& code, const std::string& title,
                          const std::string& detail) const;
  HttpResponse warning_page(const HttpRequest& request) const;
  bool shows_warning(const HttpRequest& request) const;

  mutable std::mutex mutex_;
  TunnelOptions options_;
  int app_port_;
  bool up_ = false;
  std::string host_;           // current or last
  std::string previous_host_;
  std::set<std::string> used_hosts_;
  std::optional<support::SeededGenerator> generator_;
};

// The ERR_NGROK_NNNN code of a page the tunnel itself answered, or nullopt
// for anything else (the app's own pages included).
std::optional<std::string> tunnel_error_code(const HttpResponse& response);

}  // namespace harness
