// mock_throughput: how fast the embedded mock Discord answers, against the
// roadmap's yardstick, a static cpp-httplib server that answers the same
// bytes without any logic (target: within 10%). A third server, the mock's
// own routes on a plain cpp-httplib server, splits the gap into the routes'
// work and the front door's. Two workloads, run on every server by the same
// client code, the order rotating, for several rounds:
//   requests  GET /api/v10/users/@me with a valid bearer token;
//   flows     a whole sign-in: GET /oauth2/authorize (consent: auto) -> 302
//             with a code, POST /api/oauth2/token, GET /api/v10/users/@me.
// Clients are httplib::Client with TCP_NODELAY, one per client thread, all on
// 127.0.0.1. Client connections "close": a new connection per request
// (cpp-httplib's default client); "keep-alive": the client keeps its
// connection when the server lets it. bench/http_ceiling.py measures the
// same with wrk, against oauth2-mock-server too.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/measure.hpp"
#include "mock_discord/routes.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "support/url.hpp"

namespace {

constexpr const char* kAppUrl = "http://127.0.0.1:9";
constexpr const char* kRedirectUri = "http://127.0.0.1:9/callback";
constexpr const char* kUsersMe = "/api/v10/users/@me";
constexpr const char* kTokenPath = "/api/oauth2/token";

struct Settings {
  int requests = 5000;  // per server, per round
  int flows = 1000;     // per server, per round
  int clients = 2;
  int rounds = 5;
  std::string mode = "both";  // close, keep-alive, both
};

// What the yardstick must answer byte for byte, taken from the mock's own answers.
struct Answers {
  std::string access_token;
  std::string token_body;  // a POST /api/oauth2/token answer
  std::string user_body;   // a GET /api/v10/users/@me answer
};

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

httplib::Headers client_basic_auth(const mock_discord::Application& app) {
  auto header = httplib::make_basic_authentication_header(app.id, app.secret);
  return {{header.first, header.second}};
}

std::string exchange_form(const std::string& code) {
  return support::build_form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}});
}

std::string authorize_target(const mock_discord::Application& app) {
  return "/oauth2/authorize?" + support::build_form({{"client_id", app.id},
                                                     {"response_type", "code"},
                                                     {"scope", "identify"},
                                                     {"redirect_uri", kRedirectUri},
                                                     {"state", "bench"}});
}

// A token through the admin-free C++ API: a code from `issue_code`, then
// the token exchange over HTTP; and the answers that the yardstick repeats.
Answers obtain_answers(int port, const mock_discord::Application& app, const std::string& code) {
  httplib::Client http("127.0.0.1", port);
  http.set_tcp_nodelay(true);
  auto token = http.Post(kTokenPath, client_basic_auth(app), exchange_form(code), "application/x-www-form-urlencoded");
  if (!token || token->status != 200) throw std::runtime_error("the token exchange failed");
  Answers answers;
  answers.token_body = token->body;
  answers.access_token = nlohmann::json::parse(token->body).at("access_token").get<std::string>();
  auto me = http.Get(kUsersMe, bearer(answers.access_token));
  if (!me || me->status != 200) throw std::runtime_error("GET /users/@me with a fresh token failed");
  answers.user_body = me->body;
  return answers;
}

// A cpp-httplib server on 127.0.0.1:ephemeral with TCP_NODELAY, serving on
// its own thread until destroyed; `install` adds the routes.
class LocalServer {
 public:
  explicit LocalServer(const std::function<void(httplib::Server&)>& install) {
    http_.set_tcp_nodelay(true);
    install(http_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    if (port_ < 0) throw std::runtime_error("cannot bind a server on 127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::yield();
  }
  ~LocalServer() {
    http_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = -1;
};

// The yardstick: cpp-httplib's defaults, fixed answers, no logic.
void install_static_answers(httplib::Server& http, const Answers& answers) {
  http.Get(kUsersMe, [body = answers.user_body](const httplib::Request&, httplib::Response& response) {
    response.set_content(body, "application/json");
  });
  http.Post(kTokenPath, [body = answers.token_body](const httplib::Request&, httplib::Response& response) {
    response.set_content(body, "application/json");
  });
  http.Get("/oauth2/authorize", [](const httplib::Request& request, httplib::Response& response) {
    response.status = 302;
    response.set_header("Location", std::string(kRedirectUri) + "?code=static-code&state=" +
                                        support::percent_encode(request.get_param_value("state")));
  });
}

// One unit of work on a client: true when every answer was the right one.
using Operation = std::function<bool(httplib::Client&)>;

struct LoadResult {
  double seconds = 0;
  int done = 0;
  int failed = 0;
  std::vector<double> latencies_ms;
  double per_second() const { return seconds > 0 ? done / seconds : 0; }
};

LoadResult drive(int port, int total, int clients, bool keep_alive, const Operation& operation) {
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::atomic<int> failed{0};
  const auto started = bench::Clock::now();
  bench::on_threads(clients, [&](int index) {
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    client.set_keep_alive(keep_alive);
    client.set_read_timeout(std::chrono::seconds(10));
    auto& mine = latencies[static_cast<std::size_t>(index)];
    const int count = bench::share(total, clients, index);
    mine.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const auto began = bench::Clock::now();
      if (!operation(client)) ++failed;
      mine.push_back(bench::ms_since(began));
    }
  });
  LoadResult result;
  result.seconds = bench::ms_since(started) / 1000.0;
  result.done = total;
  result.failed = failed;
  for (auto& part : latencies) result.latencies_ms.insert(result.latencies_ms.end(), part.begin(), part.end());
  return result;
}

Operation users_me_request(const Answers& answers) {
  return [answers](httplib::Client& client) {
    auto answer = client.Get(kUsersMe, bearer(answers.access_token));
    return answer && answer->status == 200 && answer->body == answers.user_body;
  };
}

// What an app does for one sign-in, with the browser's redirect read by hand.
Operation sign_in_flow(const mock_discord::Application& app) {
  return [target = authorize_target(app), auth = client_basic_auth(app)](httplib::Client& client) {
    auto redirect = client.Get(target.c_str());
    if (!redirect || redirect->status != 302) return false;
    auto location = support::parse_url(redirect->get_header_value("Location"));
    auto query = location ? support::parse_form(location->query) : std::nullopt;
    auto code = query ? support::find_param(*query, "code") : std::nullopt;
    if (!code) return false;
    auto token = client.Post(kTokenPath, auth, exchange_form(*code), "application/x-www-form-urlencoded");
    if (!token || token->status != 200) return false;
    auto access = nlohmann::json::parse(token->body, nullptr, false);
    if (!access.is_object() || !access.contains("access_token")) return false;
    auto me = client.Get(kUsersMe, bearer(access["access_token"].get<std::string>()));
    return me && me->status == 200;
  };
}

// A server under measurement and the work it is given.
struct Contender {
  std::string name;
  int port = 0;
  Operation operation;
};

struct Tally {
  std::vector<double> rate;        // one per round
  std::vector<double> ratio;       // rate / the yardstick's rate, paired by round
  std::vector<double> latency_ms;  // every operation of every round
  int failures = 0;
};

// Every round runs every contender once, the order rotating so that none
// always runs first or last. The last contender is the yardstick.
std::vector<Tally> compare(const std::vector<Contender>& contenders, const Settings& settings, int per_round,
                           bool keep_alive) {
  const std::size_t count = contenders.size();
  for (const auto& contender : contenders)  // warm-up, not counted
    drive(contender.port, per_round / 10 + 1, settings.clients, keep_alive, contender.operation);
  std::vector<Tally> tallies(count);
  for (int round = 0; round < settings.rounds; ++round) {
    std::vector<double> rates(count);
    for (std::size_t step = 0; step < count; ++step) {
      const std::size_t index = (static_cast<std::size_t>(round) + step) % count;
      const auto& contender = contenders[index];
      LoadResult result = drive(contender.port, per_round, settings.clients, keep_alive, contender.operation);
      rates[index] = result.per_second();
      auto& tally = tallies[index];
      tally.latency_ms.insert(tally.latency_ms.end(), result.latencies_ms.begin(), result.latencies_ms.end());
      tally.failures += result.failed;
    }
    for (std::size_t index = 0; index < count; ++index) {
      tallies[index].rate.push_back(rates[index]);
      tallies[index].ratio.push_back(rates[index] / rates.back());
    }
  }
  return tallies;
}

int print(const std::string& what, const std::string& unit, const std::vector<Contender>& contenders,
          const std::vector<Tally>& tallies) {
  std::cout << what << "  [" << unit << " min / median / max; ratio to static paired by round; latency]\n";
  int failures = 0;
  for (std::size_t i = 0; i < contenders.size(); ++i) {
    const Tally& tally = tallies[i];
    std::cout << "  " << std::left << std::setw(12) << contenders[i].name << std::right
              << bench::format(bench::spread(tally.rate), 0) << "  ratio " << bench::format(bench::spread(tally.ratio), 3)
              << "  p50 " << bench::fixed(bench::percentile(tally.latency_ms, 0.5), 3) << " ms, p99 "
              << bench::fixed(bench::percentile(tally.latency_ms, 0.99), 3) << " ms\n";
    if (tally.failures) std::cout << "    FAILED operations: " << tally.failures << "\n";
    failures += tally.failures;
  }
  return failures;
}

int run(const Settings& settings) {
  auto config = mock_discord::Config::defaults(kAppUrl);
  config.consent = mock_discord::ConsentMode::auto_approve;
  const mock_discord::Application app = config.applications.front();

  mock_discord::Server mock(config);
  const int mock_port = mock.start();
  const Answers mock_answers = obtain_answers(mock_port, app, mock.issue_code("nelly", app.id, kRedirectUri, {"identify"}));

  // The mock's Discord routes served by cpp-httplib directly, without the
  // front door: the gap to the yardstick is the routes' own work, the gap to
  // the mock is the front door's.
  mock_discord::World routes_world(config);
  LocalServer routes_only([&](httplib::Server& http) {
    auto routes = [&](const httplib::Request& request, httplib::Response& response) {
      mock_discord::handle_discord(routes_world, request, response);
    };
    http.Get(".*", routes);
    http.Post(".*", routes);
  });
  const Answers routes_answers =
      obtain_answers(routes_only.port(), app, routes_world.issue_code("nelly", app.id, kRedirectUri, {"identify"}, ""));

  LocalServer yardstick([&](httplib::Server& http) { install_static_answers(http, mock_answers); });

  bench::print_header("mock_throughput: the embedded mock against a static cpp-httplib server");
  std::cout << "# " << settings.clients << " client threads, " << settings.rounds << " rounds, " << settings.requests
            << " requests and " << settings.flows << " flows per server per round\n"
            << "# mock: mock_discord::Server (transport + front door); routes-only: the mock's routes on a\n"
            << "# plain cpp-httplib server (no front door); static: fixed answers, cpp-httplib defaults\n";
  int failures = 0;
  for (bool keep_alive : {false, true}) {
    const std::string mode = keep_alive ? "keep-alive" : "close";
    if (settings.mode != "both" && settings.mode != mode) continue;

    std::vector<Contender> requests = {{"mock", mock_port, users_me_request(mock_answers)},
                                       {"routes-only", routes_only.port(), users_me_request(routes_answers)},
                                       {"static", yardstick.port(), users_me_request(mock_answers)}};
    failures += print("GET /api/v10/users/@me, client connections: " + mode, "req/s", requests,
                      compare(requests, settings, settings.requests, keep_alive));

    const long rss_before = bench::rss_kib();
    std::vector<Contender> flows = {{"mock", mock_port, sign_in_flow(app)},
                                    {"routes-only", routes_only.port(), sign_in_flow(app)},
                                    {"static", yardstick.port(), sign_in_flow(app)}};
    failures += print("sign-in flow (authorize -> token -> users/@me), client connections: " + mode, "flows/s", flows,
                      compare(flows, settings, settings.flows, keep_alive));
    std::cout << "  process RSS " << bench::mib(rss_before) << " before the flows, " << bench::mib(bench::rss_kib())
              << " after; the mock holds " << mock.active_tokens() << " active tokens\n";
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"mock_throughput: req/s and flows/s of the mock against a static cpp-httplib server"};
  app.add_option("--requests", settings.requests, "requests per server per round")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--flows", settings.flows, "sign-in flows per server per round")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--clients", settings.clients, "client threads")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--rounds", settings.rounds, "rounds (each runs both servers)")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--mode", settings.mode, "client connections: close, keep-alive or both")
      ->capture_default_str()
      ->check(CLI::IsMember({"close", "keep-alive", "both"}));
  CLI11_PARSE(app, argc, argv);
  return bench::run_or_report("mock_throughput", [&] { return run(settings); });
}
