// The app contract: environment, readiness, early exits, timeouts, and
// stopping with SIGTERM then SIGKILL, process group included.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "harness/app_under_test.hpp"
#include "harness/http_exchange.hpp"
#include "temp_dir.hpp"

using namespace harness;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A contract-following app in Python: answers every GET with its settings.
const char* const kEchoApp = R"(import http.server, os, sys
NAMES = ["PORT", "DISCORD_CLIENT_ID", "DISCORD_CLIENT_SECRET", "DISCORD_REDIRECT_URI", "DISCORD_SCOPES",
         "DISCORD_AUTHORIZE_URL", "DISCORD_TOKEN_URL", "DISCORD_API_BASE", "DISCORD_PKCE"]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = "\n".join(name + "=" + os.environ.get(name, "") for name in NAMES).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print("echo app in", os.getcwd())
print("to stderr", file=sys.stderr)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
)";

// A folder holding the echo app.
struct AppDir : test_support::TempDir {
  AppDir() : TempDir("command_app_test") { std::ofstream(path / "app.py") << kEchoApp; }
};

AppSettings settings() {
  AppSettings s;
  s.client_id = "157730590492196864";
  s.client_secret = "mock secret";
  s.redirect_uri = "https://abc.ngrok-free.app/callback";
  s.scopes = {"identify", "email"};
  s.authorize_url = "http://127.0.0.1:1/oauth2/authorize";
  s.token_url = "http://127.0.0.1:1/api/oauth2/token";
  s.api_base = "http://127.0.0.1:1/api/v10";
  s.pkce = true;
  s.ready_timeout = 20s;  // python's start-up on a loaded machine
  return s;
}

std::string get_page(int port) {
  HttpRequest request;
  request.url = *support::parse_url("http://127.0.0.1:" + std::to_string(port) + "/");
  HttpResult result = send_to_local_port(request, port);
  return result.ok() ? result.response->body : "no answer: " + result.error.code;
}

// Gone or a zombie waiting for init: either way, not running.
bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  std::size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("a command app gets its settings through the environment and its cwd") {
  AppDir dir;
  auto app = make_command_app({"exec python3 app.py", dir.path.string()});
  app->start(settings());
  REQUIRE(app->is_running());
  int port = app->port();
  CHECK(port > 0);
  CHECK(get_page(port) == "PORT=" + std::to_string(port) +
                         "\nDISCORD_CLIENT_ID=157730590492196864"
                         "\nDISCORD_CLIENT_SECRET=mock secret"
                         "\nDISCORD_REDIRECT_URI=https://abc.ngrok-free.app/callback"
                         "\nDISCORD_SCOPES=identify email"
                         "\nDISCORD_AUTHORIZE_URL=http://127.0.0.1:1/oauth2/authorize"
                         "\nDISCORD_TOKEN_URL=http://127.0.0.1:1/api/oauth2/token"
                         "\nDISCORD_API_BASE=http://127.0.0.1:1/api/v10"
                         "\nDISCORD_PKCE=true");
  app->stop();
  CHECK_FALSE(app->is_running());
  CHECK(get_page(port) == "no answer: ERR_CONNECTION_REFUSED");
  CHECK_THAT(app->output(), Catch::Contains("echo app in " + fs::canonical(dir.path).string()) &&
                                Catch::Contains("to stderr") && Catch::Contains("killed by signal SIGTERM"));
  CHECK(app->describe() == "command `exec python3 app.py`");
}

TEST_CASE("a restart keeps the port and starts a new process") {
  AppDir dir;
  auto app = make_command_app({"exec python3 app.py", dir.path.string()});
  app->start(settings());
  int port = app->port();
  AppSettings changed = settings();
  changed.redirect_uri = "https://new.ngrok-free.app/callback";
  app->restart(changed);
  CHECK(app->port() == port);
  CHECK_THAT(get_page(port), Catch::Contains("DISCORD_REDIRECT_URI=https://new.ngrok-free.app/callback"));
}

TEST_CASE("an app that exits before listening fails at once with its output") {
  auto app = make_command_app({"echo 'missing DISCORD_TOKEN'; echo oops >&2; exit 3", ""});
  AppSettings s = settings();
  s.ready_timeout = 600s;  // would hang the test if the early exit went unnoticed
  try {
    app->start(s);
    FAIL("start() should have thrown");
  } catch (const AppStartError& error) {
    CHECK_THAT(error.what(), Catch::Contains("ended before listening") && Catch::Contains("missing DISCORD_TOKEN") &&
                                 Catch::Contains("oops") && Catch::Contains("exited with status 3"));
    CHECK(error.exit_code() == support::ExitCode::failed);
  }
  CHECK_FALSE(app->is_running());
}

TEST_CASE("a missing working directory is reported") {
  auto app = make_command_app({"true", "/nonexistent/app/dir"});
  REQUIRE_THROWS_WITH(app->start(settings()), Catch::Contains("cannot enter the app's working directory /nonexistent/app/dir") &&
                                                  Catch::Contains("exited with status 127"));
}

TEST_CASE("an app that never listens fails after ready_timeout and is stopped") {
  auto app = make_command_app({"echo started; echo pid=$$; exec sleep 60", ""});
  AppSettings s = settings();
  s.ready_timeout = 300ms;
  REQUIRE_THROWS_AS(app->start(s), AppStartError);
  CHECK_FALSE(app->is_running());
  std::smatch match;
  std::string output = app->output();
  REQUIRE(std::regex_search(output, match, std::regex("pid=(\\d+)")));
  CHECK_FALSE(process_alive(std::stoi(match[1])));
  CHECK_THAT(output, Catch::Contains("started"));
}

TEST_CASE("stop escalates to SIGKILL and takes the whole process group down") {
  AppDir dir;
  // The shell ignores SIGTERM and so does python (inherited); a background
  // child shares the group. Its pid is in a file written before python starts.
  CommandAppOptions options{"trap '' TERM; sleep 60 & echo $! > child.pid; exec python3 app.py", dir.path.string()};
  options.stop_grace = 200ms;
  auto app = make_command_app(options);
  app->start(settings());
  pid_t child = 0;
  std::ifstream(dir.path / "child.pid") >> child;
  REQUIRE(child > 0);
  CHECK(process_alive(child));
  app->stop();
  CHECK_FALSE(app->is_running());
  CHECK_FALSE(process_alive(child));
  CHECK_THAT(app->output(), Catch::Contains("killed by signal SIGKILL") &&
                                Catch::Contains("200ms without exiting on SIGTERM"));
  app->stop();  // idempotent
}

TEST_CASE("output keeps only the tail") {
  auto app = make_command_app({"i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done; exit 1", "", 1024});
  REQUIRE_THROWS_AS(app->start(settings()), AppStartError);
  std::string output = app->output();
  CHECK(output.size() <= 1024);
  CHECK_THAT(output, Catch::Contains("line 1999") && !Catch::Contains("line 0\n"));
  CHECK_THAT(app->output_tail(2), Catch::StartsWith("line 1999\n") &&
                                     Catch::EndsWith("[harness] the app exited with status 1\n"));
  CHECK(last_lines("a\nb\nc\n", 2) == "b\nc\n");
  CHECK(last_lines("a\nb", 5) == "a\nb");
}

TEST_CASE("the grace period after SIGTERM waits for the app under `sh -c`, not just the shell") {
  AppDir dir;
  // Not exec'ed: the shell leads the group and dies at once on SIGTERM,
  // while the app needs a moment to shut down cleanly.
  std::ofstream(dir.path / "graceful.py") << R"(import http.server, os, signal, sys, time
def shut_down(*_):
    time.sleep(0.3)
    open("clean-exit", "w").write("done")
    sys.exit(0)
signal.signal(signal.SIGTERM, shut_down)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), http.server.BaseHTTPRequestHandler).serve_forever()
)";
  auto app = make_command_app({"python3 graceful.py; true", dir.path.string()});
  app->start(settings());
  app->stop();
  CHECK(fs::exists(dir.path / "clean-exit"));
}
