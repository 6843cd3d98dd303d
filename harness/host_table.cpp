// Hostname resolution for the browser and the runner's raw requests.
#include "harness/host_table.hpp"

#include "support/text.hpp"

namespace harness {

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || support::text::ends_with(host, ".localhost") || host == "::1" || host.rfind("127.", 0) == 0;
}

void HostTable::map_to_port(const std::string& host, int port) { ports_[host] = port; }

void HostTable::serve_https(int port, std::shared_ptr<const TlsTrust> trust) { https_ports_[port] = std::move(trust); }

void HostTable::map_to_handler(const std::string& pattern, const std::string& name, Handler handler) {
  handlers_[pattern] = HandlerEntry{name, std::move(handler)};
}

void HostTable::unmap(const std::string& host_or_pattern) {
  ports_.erase(host_or_pattern);
  handlers_.erase(host_or_pattern);
}

const HostTable::HandlerEntry* HostTable::find_handler(const std::string& host) const {
  if (auto exact = handlers_.find(host); exact != handlers_.end()) return &exact->second;
  for (const auto& [pattern, entry] : handlers_)
    if (pattern.rfind("*.", 0) == 0 && support::text::ends_with(host, pattern.substr(1))) return &entry;
  return nullptr;
}

HostTable::Route HostTable::resolve(const support::Url& url) const {
  if (const HandlerEntry* entry = find_handler(url.host)) return {Route::Kind::handler, 0, entry->name};
  if (auto mapped = ports_.find(url.host); mapped != ports_.end())
    return {Route::Kind::local_port, mapped->second, ""};
  if (is_loopback_host(url.host)) return {Route::Kind::local_port, url.port, ""};
  return {};
}

HttpResult HostTable::send(const HttpRequest& request, const TransportOptions& options) const {
  Route route = resolve(request.url);
  switch (route.kind) {
    case Route::Kind::handler:
      return find_handler(request.url.host)->handler(request);
    case Route::Kind::local_port:
      if (auto https = https_ports_.find(route.port); https != https_ports_.end() && request.url.scheme == "https") {
        TransportOptions secure = options;
        secure.tls = https->second;
        return send_to_local_port(request, route.port, secure);
      }
      if (request.url.scheme == "https")
        return HttpResult::failure(TransportError::Kind::tls_error, "ERR_SSL_PROTOCOL_ERROR",
                                   request.url.host + " sent an invalid response: https to a plain-HTTP port (" +
                                       std::to_string(route.port) + ")");
      return send_to_local_port(request, route.port, options);
    case Route::Kind::unresolved:
      break;
  }
  return HttpResult::failure(TransportError::Kind::name_not_resolved, "ERR_NAME_NOT_RESOLVED",
                             "the host '" + request.url.host + "' cannot be resolved");
}

}  // namespace harness
