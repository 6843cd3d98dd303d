// mock_startup: how long the mock takes from nothing to its first answer,
// and how much memory it holds idle (roadmap: under 10 ms, under 10 MiB).
//   embedded    construct mock_discord::Server, start() it on port 0, send
//               GET /api/v10/users/@me (401, no token) and read the answer;
//               the process's VmRSS idle with one server running, against
//               its VmRSS before any server existed.
//   standalone  spawn build/bin/mock_discord --port 0, read the URL it
//               prints, send the same request; the child's VmRSS when idle.
// The first embedded round is reported apart: it pays for the first touch of
// the libraries' pages, as a test program's first fixture does.
#include <httplib.h>

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <limits.h>
#include <string>
#include <thread>
#include <vector>

#include "bench/measure.hpp"
#include "mock_discord/server.hpp"

extern char** environ;

namespace {

constexpr const char* kProbe = "/api/v10/users/@me";

struct Settings {
  int rounds = 20;
  int idle_ms = 200;   // how long "idle" waits before memory is read
  std::string program;  // the standalone mock; default: next to this program
};

// True when the mock answered the probe as Discord does (401, no token).
bool probe(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  auto answer = client.Get(kProbe);
  return answer && answer->status == 401;
}

struct EmbeddedRound {
  double construct_ms = 0, start_ms = 0, first_answer_ms = 0, stop_ms = 0;
  double total_ms() const { return construct_ms + start_ms + first_answer_ms; }
};

struct Memory {
  long rss_kib = 0, anonymous_kib = 0, threads = 0;
  static Memory of(const std::string& pid) {
    return {bench::rss_kib(pid), bench::anonymous_kib(pid), bench::proc_status("Threads", pid)};
  }
  std::string describe() const {
    return "VmRSS " + bench::mib(rss_kib) + " (anonymous " + bench::mib(anonymous_kib) + "), " +
           std::to_string(threads) + " threads";
  }
};

// `idle`: when given, memory is read after settings.idle_ms with the server up.
EmbeddedRound embedded_round(const Settings& settings, int threads, Memory* idle) {
  EmbeddedRound round;
  mock_discord::ServerOptions options;
  options.threads = threads;
  auto began = bench::Clock::now();
  mock_discord::Server server(mock_discord::Config::defaults("http://127.0.0.1:9"), options);
  round.construct_ms = bench::ms_since(began);
  began = bench::Clock::now();
  const int port = server.start();
  round.start_ms = bench::ms_since(began);
  began = bench::Clock::now();
  if (!probe(port)) throw std::runtime_error("the embedded mock did not answer 401 to " + std::string(kProbe));
  round.first_answer_ms = bench::ms_since(began);
  if (idle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(settings.idle_ms));
    *idle = Memory::of("self");
  }
  began = bench::Clock::now();
  server.stop();
  round.stop_ms = bench::ms_since(began);
  return round;
}

std::string program_next_to_this_one(const std::string& name) {
  char path[PATH_MAX];
  ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return name;
  std::string self(path, static_cast<std::size_t>(length));
  return self.substr(0, self.rfind('/') + 1) + name;
}

// The standalone program as a child whose standard output we read.
class Child {
 public:
  explicit Child(const std::string& program) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<std::string> args = {program, "--port", "0"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int status = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    output_ = fds[0];
    if (status != 0) {
      ::close(output_);
      throw std::runtime_error("cannot start " + program + ": " + std::strerror(status));
    }
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(output_);
  }

  // The URL from "mock_discord listening on URL"; throws after `timeout`.
  std::string wait_for_url(std::chrono::milliseconds timeout) {
    const std::string marker = "mock_discord listening on ";
    const auto deadline = bench::Clock::now() + timeout;
    std::string text;
    while (true) {
      std::size_t at = text.find(marker);
      std::size_t end = at == std::string::npos ? at : text.find('\n', at);
      if (end != std::string::npos) return text.substr(at + marker.size(), end - at - marker.size());
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - bench::Clock::now()).count();
      pollfd entry{output_, POLLIN, 0};
      if (left <= 0 || ::poll(&entry, 1, static_cast<int>(left)) <= 0)
        throw std::runtime_error("the standalone mock printed no URL in time; it printed: " + text);
      char chunk[512];
      ssize_t n = ::read(output_, chunk, sizeof chunk);
      if (n <= 0) throw std::runtime_error("the standalone mock exited before listening; it printed: " + text);
      text.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // SIGTERM, then wait; the exit status.
  int terminate() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string pid() const { return std::to_string(pid_); }

 private:
  pid_t pid_ = -1;
  int output_ = -1;
};

struct StandaloneRound {
  double listening_ms = 0, first_answer_ms = 0, stop_ms = 0;
  Memory idle;
};

StandaloneRound standalone_round(const Settings& settings, bool measure_memory) {
  StandaloneRound round;
  auto began = bench::Clock::now();
  Child child(settings.program);
  const std::string url = child.wait_for_url(std::chrono::seconds(10));
  round.listening_ms = bench::ms_since(began);
  const int port = std::stoi(url.substr(url.rfind(':') + 1));
  if (!probe(port)) throw std::runtime_error("the standalone mock did not answer 401 to " + std::string(kProbe));
  round.first_answer_ms = bench::ms_since(began);
  if (measure_memory) {
    std::this_thread::sleep_for(std::chrono::milliseconds(settings.idle_ms));
    round.idle = Memory::of(child.pid());
  }
  began = bench::Clock::now();
  int status = child.terminate();
  round.stop_ms = bench::ms_since(began);
  if (status != 0) throw std::runtime_error("the standalone mock exited with " + std::to_string(status));
  return round;
}

template <typename Round, typename Field>
std::string spread_of(const std::vector<Round>& rounds, Field field, int decimals = 2) {
  std::vector<double> values;
  for (const auto& round : rounds) values.push_back(static_cast<double>(field(round)));
  return bench::format(bench::spread(values), decimals);
}

void run_embedded(const Settings& settings) {
  const int default_threads = mock_discord::ServerOptions{}.threads;
  const Memory before = Memory::of("self");
  Memory idle;
  const EmbeddedRound first = embedded_round(settings, default_threads, &idle);
  std::vector<EmbeddedRound> rounds;
  for (int i = 0; i < settings.rounds; ++i) rounds.push_back(embedded_round(settings, default_threads, nullptr));

  std::cout << "embedded mock_discord::Server (default options): construct + start() + first answer\n"
            << "  first round in this process: " << bench::fixed(first.total_ms(), 2) << " ms (construct "
            << bench::fixed(first.construct_ms, 2) << ", start " << bench::fixed(first.start_ms, 2) << ", first answer "
            << bench::fixed(first.first_answer_ms, 2) << "), stop " << bench::fixed(first.stop_ms, 2) << " ms\n"
            << "  next " << settings.rounds << " rounds, ms (min / median / max):\n"
            << "    to first answer " << spread_of(rounds, [](auto& r) { return r.total_ms(); }) << "\n"
            << "    construct       " << spread_of(rounds, [](auto& r) { return r.construct_ms; }) << "\n"
            << "    start()         " << spread_of(rounds, [](auto& r) { return r.start_ms; }) << "\n"
            << "    first answer    " << spread_of(rounds, [](auto& r) { return r.first_answer_ms; }) << "\n"
            << "    stop()          " << spread_of(rounds, [](auto& r) { return r.stop_ms; }) << "\n"
            << "  this process before any server: " << before.describe() << "\n"
            << "  idle with one server:           " << idle.describe() << "\n"
            << "  the server's share: VmRSS +" << bench::mib(idle.rss_kib - before.rss_kib) << ", anonymous +"
            << bench::mib(idle.anonymous_kib - before.anonymous_kib) << "\n";

  // Every server starts ServerOptions::threads event loops: what their
  // number costs a short-lived mock.
  std::cout << "  by ServerOptions::threads, ms (min / median / max):\n";
  for (int threads : {default_threads, 4, 1}) {
    std::vector<EmbeddedRound> sized;
    for (int i = 0; i < settings.rounds; ++i) sized.push_back(embedded_round(settings, threads, nullptr));
    Memory memory;
    embedded_round(settings, threads, &memory);
    std::cout << "    threads " << std::setw(2) << threads << ": to first answer "
              << spread_of(sized, [](auto& r) { return r.total_ms(); }) << ", stop() "
              << spread_of(sized, [](auto& r) { return r.stop_ms; }) << "; idle " << memory.describe() << "\n";
  }
}

void run_standalone(const Settings& settings) {
  std::vector<StandaloneRound> rounds;
  for (int i = 0; i < settings.rounds; ++i) rounds.push_back(standalone_round(settings, i == 0));
  std::cout << "standalone " << settings.program << " --port 0\n"
            << "  ms (min / median / max) over " << settings.rounds << " processes:\n"
            << "    spawn -> URL printed   " << spread_of(rounds, [](auto& r) { return r.listening_ms; }) << "\n"
            << "    spawn -> first answer  " << spread_of(rounds, [](auto& r) { return r.first_answer_ms; }) << "\n"
            << "    SIGTERM -> exit        " << spread_of(rounds, [](auto& r) { return r.stop_ms; }) << "\n"
            << "  idle: " << rounds.front().idle.describe() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"mock_startup: time to the first answer and idle memory of the mock, embedded and standalone"};
  app.add_option("--rounds", settings.rounds, "rounds of each measurement")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--idle-ms", settings.idle_ms, "idle time before memory is read")->capture_default_str()->check(CLI::Range(0, 10000));
  app.add_option("--program", settings.program, "the standalone mock (default: mock_discord next to this program; '' skips it)");
  bool embedded_only = false;
  app.add_flag("--embedded-only", embedded_only, "skip the standalone program");
  CLI11_PARSE(app, argc, argv);
  if (settings.program.empty()) settings.program = program_next_to_this_one("mock_discord");
  return bench::run_or_report("mock_startup", [&] {
    bench::print_header("mock_startup: the mock's start-up time and idle memory");
    run_embedded(settings);
    if (!embedded_only) run_standalone(settings);
    return 0;
  });
}
