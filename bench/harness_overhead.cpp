// harness_overhead: what the harness costs per scenario (roadmap: under
// 5 ms, and 1,000 scenarios in seconds). It writes scenario files into a
// temporary folder and measures, through the harness library:
//   trivial  K scenarios of one raw request (GET ${discord}/api/v10/users/@me
//            expecting 401) with `app: {kind: none}`: the cost of a world
//            (its own mock) around one request;
//   sign-in  M scenarios of the happy path through the in-process reference
//            app (open ${app}/login, consent approve, signed in as nelly).
// For each: load_suite (discover + parse + validate), run_scenarios with
// --jobs 1 and with one job per core, each scenario's own duration, and what
// parts of it cost alone: setting up and tearing down a ScenarioWorld, and
// the same HTTP work without the harness (the request; the sign-in's browser
// requests made by hand against a mock and a reference app that stay up).
// `--write DIR` only writes the files, so that the harness program itself
// can be timed on them.
#include <httplib.h>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/measure.hpp"
#include "client/reference_app.hpp"
#include "harness/html_form.hpp"
#include "harness/runner.hpp"
#include "harness/scenario_world.hpp"
#include "harness/suite.hpp"
#include "mock_discord/consent_form.hpp"
#include "mock_discord/server.hpp"
#include "support/url.hpp"

namespace fs = std::filesystem;

namespace {

struct Settings {
  int trivial = 1000;
  int sign_ins = 200;
  int rounds = 3;
  int world_samples = 200;
  std::string write_only;  // a folder: write the files there and stop
};

std::string number(int value, int width) {
  std::string text = std::to_string(value);
  return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(text.size()))), '0') + text;
}

std::string trivial_scenario(int index) {
  return "name: trivial " + number(index, 5) +
         "\n"
         "app: {kind: none}\n"
         "steps:\n"
         "  - request: {url: \"${discord}/api/v10/users/@me\"}\n"
         "    expect: {status: 401}\n";
}

std::string sign_in_scenario(int index) {
  return "name: sign in " + number(index, 5) +
         "\n"
         "steps:\n"
         "  - open: ${app}/login\n"
         "    expect: {consent_page: true}\n"
         "  - consent: approve\n"
         "    expect: {status: 200, signed_in_as: nelly}\n";
}

void write_files(const fs::path& folder, const std::string& prefix, int count, std::string (*scenario)(int)) {
  fs::create_directories(folder);
  for (int i = 1; i <= count; ++i) {
    std::ofstream file(folder / (prefix + "-" + number(i, 5) + ".yaml"));
    file << scenario(i);
    if (!file) throw std::runtime_error("cannot write in " + folder.string());
  }
}

// A temporary folder, removed at the end.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern = (fs::temp_directory_path() / "harness_overhead.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct RunFigures {
  double total_ms = 0;
  std::vector<double> scenario_ms;  // each scenario's own duration_ms
  int failed = 0;
  std::string first_failure;
};

RunFigures run_all(const std::vector<const harness::Scenario*>& scenarios, int jobs) {
  harness::RunOptions options;
  options.jobs = jobs;
  RunFigures figures;
  const auto began = bench::Clock::now();
  harness::RunSummary summary = harness::run_scenarios(scenarios, options, [](const harness::ScenarioResult&) {});
  figures.total_ms = bench::ms_since(began);
  for (const auto& result : summary.results) {
    figures.scenario_ms.push_back(result.duration_ms);
    if (result.passed()) continue;
    ++figures.failed;
    if (figures.first_failure.empty() && !result.failures.empty())
      figures.first_failure = result.name + ": " + result.failures.front().message + " (" +
                              result.failures.front().expected + " / " + result.failures.front().actual + ")";
  }
  return figures;
}

// Setting up and tearing down the world of `scenario`, without its steps.
std::vector<double> world_cost(const harness::Scenario& scenario, int samples) {
  std::vector<double> costs;
  for (int i = 0; i < samples; ++i) {
    const auto began = bench::Clock::now();
    { harness::ScenarioWorld world(scenario, harness::WorldOptions{}); }
    costs.push_back(bench::ms_since(began));
  }
  return costs;
}

// The trivial scenario's request without the harness: a new connection to a
// running mock, GET /api/v10/users/@me, 401.
std::vector<double> bare_request_cost(int samples) {
  mock_discord::Server mock(mock_discord::Config::defaults("http://127.0.0.1:9"));
  const int port = mock.start();
  std::vector<double> costs;
  for (int i = 0; i < samples; ++i) {
    const auto began = bench::Clock::now();
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    auto answer = client.Get("/api/v10/users/@me");
    if (!answer || answer->status != 401) throw std::runtime_error("the bare request did not get its 401");
    costs.push_back(bench::ms_since(began));
  }
  return costs;
}

// One request of a hand-made browser: a new connection, no redirect
// followed, the session cookie sent and kept.
class ManualBrowser {
 public:
  httplib::Result go(const std::string& url, const std::string& form = "") {
    auto target = support::parse_url(url);
    if (!target) throw std::runtime_error("not a URL: " + url);
    httplib::Client client(target->host, target->port);
    client.set_tcp_nodelay(true);
    httplib::Headers headers;
    if (!cookie_.empty()) headers.emplace("Cookie", cookie_);
    auto answer = form.empty() ? client.Get(target->target().c_str(), headers)
                               : client.Post(target->target().c_str(), headers, form, "application/x-www-form-urlencoded");
    if (!answer) throw std::runtime_error("no answer from " + url);
    if (answer->has_header("Set-Cookie")) {
      const std::string set_cookie = answer->get_header_value("Set-Cookie");
      cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    }
    return answer;
  }
  static std::string location(const httplib::Result& answer, int status) {
    if (answer->status != status) throw std::runtime_error("expected " + std::to_string(status) + ", got " +
                                                           std::to_string(answer->status));
    return answer->get_header_value("Location");
  }

 private:
  std::string cookie_;
};

// The consent form's submission for Authorize, found as the harness's browser finds it.
std::string approve_form(const std::string& page) {
  auto form = harness::find_form(page, mock_discord::consent_form::form_id);
  if (!form) throw std::runtime_error("no consent form on the page");
  support::Params fields;
  for (const auto& field : form->fields) fields.emplace_back(field.name, field.value);
  fields.emplace_back(mock_discord::consent_form::decision_field, mock_discord::consent_form::approve);
  return support::build_form(fields);
}

// The sign-in's HTTP work without the harness: a mock and a reference app
// that stay up, and the browser's five requests made by hand (the app adds
// its token exchange and users/@me). The registered redirect URI names no
// listener; the browser takes the callback to the app, as a tunnel would,
// so no port has to be known before the app listens.
std::vector<double> bare_sign_in_cost(int samples) {
  const std::string registered = "http://127.0.0.1:9";
  mock_discord::Server mock(mock_discord::Config::defaults(registered));
  mock.start();
  const mock_discord::Application app = mock.config().applications.front();
  client::AppConfig config;
  config.port = 0;
  config.oauth.client_id = app.id;
  config.oauth.client_secret = app.secret;
  config.oauth.redirect_uri = app.redirect_uris.front();
  config.oauth.scopes = {"identify"};
  config.oauth.authorize_url = mock.url() + "/oauth2/authorize";
  config.oauth.token_url = mock.url() + "/api/oauth2/token";
  config.oauth.api_base = mock.url() + "/api/v10";
  client::ReferenceApp reference(config, [](const std::string&) {});
  const std::string app_url = "http://127.0.0.1:" + std::to_string(reference.start());
  auto to_app = [&](const std::string& url) {
    auto parsed = support::parse_url(url);
    if (!parsed || parsed->origin() != registered) throw std::runtime_error("not the callback: " + url);
    return app_url + parsed->target();
  };

  std::vector<double> costs;
  for (int i = 0; i < samples; ++i) {
    const auto began = bench::Clock::now();
    ManualBrowser browser;
    std::string authorize = ManualBrowser::location(browser.go(app_url + "/login"), 302);
    auto page = browser.go(authorize);
    if (page->status != 200) throw std::runtime_error("no consent page");
    std::string callback = ManualBrowser::location(
        browser.go(mock.url() + mock_discord::consent_form::action_path, approve_form(page->body)), 302);
    std::string me = ManualBrowser::location(browser.go(to_app(callback)), 302);
    auto profile = browser.go(support::resolve_url(*support::parse_url(app_url), me)->str());
    if (profile->status != 200 || profile->body.find("nelly") == std::string::npos)
      throw std::runtime_error("the manual sign-in did not end signed in");
    costs.push_back(bench::ms_since(began));
  }
  return costs;
}

// Loads and runs one suite `rounds` times with 1 job and with one per core.
// Returns the number of failed scenarios.
int measure_suite(const std::string& title, const fs::path& folder, const Settings& settings,
                  const std::vector<double>& world_ms, const std::vector<double>& bare_ms) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<double> load_ms;
  std::vector<double> total_ms[2];
  std::vector<double> scenario_ms[2];
  int failed = 0;
  std::size_t count = 0;
  std::string first_failure;
  const long rss_before = bench::rss_kib();
  std::string rss_after_rounds;
  for (int round = 0; round < settings.rounds; ++round) {
    const auto began = bench::Clock::now();
    harness::LoadedSuite suite = harness::load_suite({folder.string()});
    load_ms.push_back(bench::ms_since(began));
    if (!suite.ok()) throw std::runtime_error("the generated suite does not load: " + suite.errors.front());
    const auto selected = harness::select_scenarios(suite.scenarios, {});
    count = selected.size();
    for (int variant = 0; variant < 2; ++variant) {
      RunFigures figures = run_all(selected, variant == 0 ? 1 : cores);
      total_ms[variant].push_back(figures.total_ms);
      scenario_ms[variant].insert(scenario_ms[variant].end(), figures.scenario_ms.begin(), figures.scenario_ms.end());
      failed += figures.failed;
      if (first_failure.empty()) first_failure = figures.first_failure;
    }
    rss_after_rounds += (round ? ", " : "") + bench::mib(bench::rss_kib());
  }
  const double n = static_cast<double>(count);
  auto per_scenario = [n](std::vector<double> totals) {
    for (auto& total : totals) total /= n;
    return bench::format(bench::spread(totals), 3);
  };
  auto seconds = [](std::vector<double> totals) {
    for (auto& total : totals) total /= 1000.0;
    return bench::format(bench::spread(totals), 2);
  };
  const bench::Spread world = bench::spread(world_ms);
  const bench::Spread bare = bench::spread(bare_ms);
  const bench::Spread serial = bench::spread(scenario_ms[0]);
  std::cout << title << ": " << count << " scenarios, " << settings.rounds << " rounds  [min / median / max]\n"
            << "  load_suite (discover, parse, validate)  " << bench::format(bench::spread(load_ms), 1) << " ms, per file "
            << per_scenario(load_ms) << " ms\n"
            << "  run, --jobs 1        total " << seconds(total_ms[0]) << " s, per scenario " << per_scenario(total_ms[0])
            << " ms\n"
            << "  run, --jobs " << cores << "        total " << seconds(total_ms[1]) << " s, per scenario "
            << per_scenario(total_ms[1]) << " ms\n"
            << "  one scenario's duration_ms, --jobs 1  " << bench::format(serial, 3) << " ms, p99 "
            << bench::fixed(bench::percentile(scenario_ms[0], 0.99), 3) << " ms\n"
            << "  one scenario's duration_ms, --jobs " << cores << "  " << bench::format(bench::spread(scenario_ms[1]), 3)
            << " ms\n"
            << "  its parts alone: world set-up + tear-down " << bench::format(world, 3) << " ms";
  std::cout << "; its HTTP work without the harness " << bench::format(bare, 3) << " ms\n"
            << "  harness overhead per scenario (median duration - median HTTP work): "
            << bench::fixed(serial.median - bare.median, 3) << " ms\n"
            << "  process VmRSS " << bench::mib(rss_before) << " before; after each round " << rss_after_rounds << "\n";
  if (failed) std::cout << "  FAILED scenarios: " << failed << " (first: " << first_failure << ")\n";
  return failed;
}

int run(const Settings& settings) {
  if (!settings.write_only.empty()) {
    write_files(fs::path(settings.write_only) / "trivial", "trivial", settings.trivial, trivial_scenario);
    write_files(fs::path(settings.write_only) / "sign-in", "sign-in", settings.sign_ins, sign_in_scenario);
    std::cout << "wrote " << settings.trivial << " scenarios in " << settings.write_only << "/trivial and "
              << settings.sign_ins << " in " << settings.write_only << "/sign-in\n";
    return 0;
  }
  TemporaryFolder temporary;
  const fs::path trivial = temporary.path() / "trivial";
  const fs::path sign_in = temporary.path() / "sign-in";
  write_files(trivial, "trivial", settings.trivial, trivial_scenario);
  write_files(sign_in, "sign-in", settings.sign_ins, sign_in_scenario);

  bench::print_header("harness_overhead: per-scenario cost of the harness");
  int failed = 0;
  {
    harness::LoadedSuite one = harness::load_suite({(trivial / "trivial-00001.yaml").string()});
    auto world = world_cost(one.scenarios.at(0), settings.world_samples);
    failed += measure_suite("trivial (one request, app kind none)", trivial, settings, world,
                            bare_request_cost(settings.world_samples));
  }
  {
    harness::LoadedSuite one = harness::load_suite({(sign_in / "sign-in-00001.yaml").string()});
    auto world = world_cost(one.scenarios.at(0), settings.world_samples);
    failed += measure_suite("sign-in (reference app, happy path)", sign_in, settings, world,
                            bare_sign_in_cost(settings.world_samples));
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"harness_overhead: per-scenario cost of the harness, and 1,000 scenarios end to end"};
  app.add_option("--trivial", settings.trivial, "trivial scenarios")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--sign-ins", settings.sign_ins, "sign-in scenarios")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--rounds", settings.rounds, "rounds of load + run")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--world-samples", settings.world_samples, "worlds set up alone, and bare requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--write", settings.write_only, "only write the scenario files under this folder");
  CLI11_PARSE(app, argc, argv);
  return bench::run_or_report("harness_overhead", [&] { return run(settings); });
}
