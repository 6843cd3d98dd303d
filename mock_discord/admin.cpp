// The admin API under /_mock/ (see docs/mock_discord.md). Bodies are YAML or
// JSON (JSON is YAML), read strictly with located errors; answers are JSON.
// Errors answer 400 {"error": MESSAGE}. Access control is the front door's.
#include "mock_discord/admin.hpp"

#include <httplib.h>

#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "mock_discord/admin_page.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/placeholders.hpp"
#include "mock_discord/responses.hpp"
#include "mock_discord/scopes.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "support/errors.hpp"

namespace mock_discord {
namespace {

using httplib::Request;
using httplib::Response;

void send_json(Response& response, const nlohmann::json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

// What ${app} means in a POSTed config: the base of the redirect URI the
// server started with, or the app_url the last POST /_mock/config gave.
struct AdminState {
  std::mutex mutex;
  std::string app_url;  // ${app} and the default redirect URI's base
};

// ${app}/callback is the default redirect URI; recover ${app} from it so a
// posted config without redirect_uris registers what the server started with.
std::string app_url_of(const Config& config) {
  const std::string suffix = "/callback";
  if (!config.applications.empty() && !config.applications.front().redirect_uris.empty()) {
    const std::string& uri = config.applications.front().redirect_uris.front();
    if (uri.size() > suffix.size() && uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0)
      return uri.substr(0, uri.size() - suffix.size());
  }
  return "http://127.0.0.1:5000";
}

// Runs `action`; input errors become 400 with their (located) message.
template <typename Action>
void guarded(Response& response, Action action) {
  try {
    action();
  } catch (const support::Error& error) {
    send_json(response, {{"error", error.what()}}, 400);
  }
}

support::YamlReader body_reader(const Request& request, const std::string& name) {
  return support::YamlReader::from_string(name, request.body);
}

// A body may be empty ({}), a map, or (for /_mock/config) a map under `discord:`.
YAML::Node body_map(const support::YamlReader& reader, const std::string& what) {
  YAML::Node root = reader.root();
  if (!root.IsDefined() || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) reader.fail(root, "expected a map for " + what);
  return root;
}

// A list, or one string "identify email" as in an authorize URL.
std::vector<std::string> scopes_of(const support::YamlReader& reader, const YAML::Node& node) {
  if (!node) return {};
  if (!node.IsScalar()) return reader.string_list(node, "'scopes'");
  auto scopes = parse_scopes(node.Scalar());
  if (!scopes) reader.fail(node, "unknown or empty scopes '" + node.Scalar() + "'");
  return *scopes;
}

// What GET /_mock/state answers and GET /_mock/ shows.
nlohmann::json state_with_rules(Server& mock) {
  nlohmann::json state = mock.world().state_json();
  state["failures"] = mock.failures().to_json();
  return state;
}

struct AdminRoute {
  const char* method;
  const char* path;
  RouteHandler handler;
};

}  // namespace

RouteHandler admin_routes(Server& mock) {
  auto state = std::make_shared<AdminState>();
  state->app_url = app_url_of(mock.config());
  auto routes = std::make_shared<std::vector<AdminRoute>>();
  auto add = [&routes](const char* method) {
    return [&routes, method](const char* path, RouteHandler handler) {
      routes->push_back({method, path, std::move(handler)});
    };
  };
  auto get = add("GET");
  auto post = add("POST");
  auto del = add("DELETE");

  get("/_mock/health", [&mock](const Request&, Response& response) {
    send_json(response, {{"status", "ok"}, {"url", mock.url()}});
  });

  post("/_mock/reset", [&mock](const Request&, Response& response) {
    mock.reset();
    send_json(response, {{"status", "reset"}});
  });

  post("/_mock/config", [&mock, state](const Request& request, Response& response) {
    guarded(response, [&] {
      std::string app_url;
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        app_url = request.has_param("app_url") ? request.get_param_value("app_url") : state->app_url;
      }
      Resolver resolve = table_resolver({{"app", app_url}, {"discord", mock.url()}});
      auto reader = body_reader(request, "POST /_mock/config");
      YAML::Node root = body_map(reader, "the config");
      if (root["discord"]) {
        reader.check_map(root, {"discord"}, "the config (its top level is the discord: map)");
        root = root["discord"];
      }
      Config config = parse_config(reader, root, resolve, app_url);
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        state->app_url = app_url;
      }
      mock.reset(config);
      send_json(response, {{"status", "loaded"},
                           {"applications", config.applications.size()},
                           {"users", config.users.size()}});
    });
  });

  post("/_mock/clock", [&mock](const Request& request, Response& response) {
    guarded(response, [&] {
      auto reader = body_reader(request, "POST /_mock/clock");
      YAML::Node body = body_map(reader, "the clock request");
      reader.check_map(body, {"advance"}, "the clock request");
      Duration by = reader.duration(reader.require(body, "advance", "the clock request"), "'advance'");
      mock.advance_clock(by);
      send_json(response, {{"now_ms", mock.world().now_ms()}});
    });
  });

  post("/_mock/failures", [&mock](const Request& request, Response& response) {
    guarded(response, [&] {
      auto reader = body_reader(request, "POST /_mock/failures");
      FailureRule rule = parse_failure_rule(reader, body_map(reader, "the failure rule"), "the failure rule");
      mock.add_failure(rule);
      send_json(response, {{"added", rule.describe()}, {"rules", mock.failures().to_json()}});
    });
  });
  get("/_mock/failures", [&mock](const Request&, Response& response) {
    send_json(response, {{"rules", mock.failures().to_json()}});
  });
  del("/_mock/failures", [&mock](const Request&, Response& response) {
    mock.failures().clear();
    send_json(response, {{"rules", nlohmann::json::array()}});
  });

  // The same, for people: a page (admin_page.hpp).
  get("/_mock/", [&mock](const Request&, Response& response) {
    send_html(response, 200,
              admin_page_html(mock.url(), mock.config(), state_with_rules(mock),
                              mock.journal_store().last(admin_page_journal_entries)));
  });

  get("/_mock/state", [&mock](const Request&, Response& response) {
    send_json(response, state_with_rules(mock));
  });

  get("/_mock/journal", [&mock](const Request& request, Response& response) {
    guarded(response, [&] {
      std::vector<JournalEntry> entries;
      if (request.has_param("last")) {
        const std::string text = request.get_param_value("last");
        if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
          throw support::InputError("'last' must be a whole number, found '" + text + "'");
        entries = mock.journal_store().last(std::stoul(text));
      } else {
        entries = mock.journal();
      }
      nlohmann::json list = nlohmann::json::array();
      for (const auto& entry : entries) list.push_back(entry.to_json());
      send_json(response, {{"entries", list}});
    });
  });

  get("/_mock/counts", [&mock](const Request&, Response& response) {
    send_json(response, {{"requests", mock.request_counts()},
                         {"codes_redeemed", mock.codes_redeemed()},
                         {"active_tokens", mock.active_tokens()}});
  });

  post("/_mock/issue_code", [&mock](const Request& request, Response& response) {
    guarded(response, [&] {
      auto reader = body_reader(request, "POST /_mock/issue_code");
      YAML::Node body = body_map(reader, "the issue_code request");
      const std::string where = "the issue_code request";
      reader.check_map(body, {"user", "application_id", "redirect_uri", "scopes", "state"}, where);
      auto optional = [&](const char* key) { return body[key] ? reader.string(body[key], key) : std::string(); };
      std::string user = reader.string(reader.require(body, "user", where), "'user'");
      std::string application_id = optional("application_id");
      if (application_id.empty()) {
        Config config = mock.config();
        if (!config.applications.empty()) application_id = config.applications.front().id;
      }
      std::string code = mock.issue_code(user, application_id, optional("redirect_uri"),
                                         scopes_of(reader, body["scopes"]), optional("state"));
      send_json(response, {{"code", code}});
    });
  });

  post("/_mock/world", [&mock](const Request& request, Response& response) {
    guarded(response, [&] {
      auto reader = body_reader(request, "POST /_mock/world");
      YAML::Node body = body_map(reader, "the world change");
      const std::string where = "the world change";
      reader.check_map(body, {"revoke_tokens_of", "signed_in", "redirect_uris", "application_id"}, where);
      if (body["revoke_tokens_of"]) mock.revoke_tokens_of(reader.string(body["revoke_tokens_of"], "'revoke_tokens_of'"));
      if (body["signed_in"])
        mock.set_signed_in(body["signed_in"].IsNull() ? "" : reader.string(body["signed_in"], "'signed_in'"));
      if (body["redirect_uris"])
        mock.set_redirect_uris(body["application_id"] ? reader.string(body["application_id"], "'application_id'") : "",
                               reader.string_list(body["redirect_uris"], "'redirect_uris'"));
      send_json(response, {{"status", "changed"}});
    });
  });

  return [routes](const Request& request, Response& response) {
    bool known = false;
    for (const auto& route : *routes) {
      if (request.path != route.path) continue;
      known = true;
      if (request.method == route.method || (request.method == "HEAD" && std::string(route.method) == "GET"))
        return route.handler(request, response);
    }
    response.status = known ? 405 : 404;
  };
}

}  // namespace mock_discord
