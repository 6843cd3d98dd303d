// The mock_discord program: config errors exit 2 with the located message;
// it prints its URL, serves, and stops cleanly on SIGTERM; https with a
// certificate it makes or one given by path.
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/tls_identity.hpp"
#include "tls_test_client.hpp"

namespace {

const std::string program = std::string(BIN_DIR) + "/mock_discord";

struct Finished {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs the program to its end (it must not start serving).
Finished run(const std::vector<std::string>& arguments) {
  std::string command = program;
  for (const auto& argument : arguments) command += " '" + argument + "'";
  Finished finished;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) finished.output.append(buffer, n);
  int status = ::pclose(pipe);
  if (WIFEXITED(status)) finished.exit_code = WEXITSTATUS(status);
  return finished;
}

std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

// The program serving in the background, its stdout on a pipe.
class Running {
 public:
  explicit Running(const std::vector<std::string>& arguments) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv{const_cast<char*>(program.c_str())};
      for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
      argv.push_back(nullptr);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Running() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }

  // Reads stdout until it holds `text` or ends (with a generous safety limit).
  std::string read_until(const std::string& text) {
    return read_while([&] { return output_.find(text) == std::string::npos; });
  }
  // Reads stdout until it holds a whole line with `text` in it.
  std::string read_line_with(const std::string& text) {
    return read_while([&] {
      std::size_t at = output_.find(text);
      return at == std::string::npos || output_.find('\n', at) == std::string::npos;
    });
  }

  template <typename More>
  std::string read_while(More more) {
    char buffer[4096];
    while (more()) {
      pollfd entry{out_, POLLIN, 0};
      if (::poll(&entry, 1, 30000) <= 0) break;
      ssize_t n = ::read(out_, buffer, sizeof buffer);
      if (n <= 0) break;
      output_.append(buffer, static_cast<std::size_t>(n));
    }
    return output_;
  }

  int terminate_and_wait() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
};

}  // namespace

TEST_CASE("mock_discord: a config error exits 2 with file, line, column and the line") {
  std::string path = temp_file("bad-config.yaml", "users:\n  - id: \"1\"\n    usrname: bob\n");
  Finished finished = run({"--config", path});
  CHECK(finished.exit_code == 2);
  CHECK(finished.output == path + ":3:5: unknown key 'usrname' in user 1 (did you mean 'username'?)\n"
                                  "   3 |     usrname: bob\n"
                                  "     |     ^\n");
  std::filesystem::remove(path);
}

TEST_CASE("mock_discord: a missing config file and bad options exit 2") {
  Finished missing = run({"--config", "/nonexistent/mock.yaml"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("/nonexistent/mock.yaml: cannot read file") != std::string::npos);
  CHECK(run({"--port", "abc"}).exit_code == 2);
  CHECK(run({"--port", "70000"}).exit_code == 2);
  CHECK(run({"--frobnicate"}).exit_code == 2);
}

TEST_CASE("mock_discord: prints its URL, serves, and stops on SIGTERM") {
  std::string path = temp_file("good-config.yaml", "signed_in: nelly\nseed: 3\n");
  Running mock({"--config", path, "--port", "0", "--app-url", "http://127.0.0.1:9"});
  const std::string banner = "mock_discord listening on http://127.0.0.1:";
  std::string output = mock.read_until("\n");
  REQUIRE(output.rfind(banner, 0) == 0);
  int port = std::stoi(output.substr(banner.size()));

  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  auto health = client.Get("/_mock/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto me = client.Get("/api/users/@me");
  REQUIRE(me);
  CHECK(me->status == 401);

  CHECK(mock.terminate_and_wait() == 0);
  CHECK(mock.read_until("stopped").find("mock_discord stopped") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("mock_discord: --tls serves https with a certificate made at start-up, and --print-ca, --ca-out and --truststore-out give its CA") {
  const std::string ca_path = temp_file("printed-ca.pem", "");
  const std::string truststore_path = temp_file("truststore.jks", "");
  Running mock({"--port", "0", "--tls", "--tls-name", "mock.test", "--print-ca", "--ca-out", ca_path, "--truststore-out",
                truststore_path});
  const std::string banner = "mock_discord listening on https://127.0.0.1:";
  std::string output = mock.read_line_with(banner);
  const std::string end_marker = "-----END CERTIFICATE-----\n";
  std::size_t begin = output.find("-----BEGIN CERTIFICATE-----");
  std::size_t end = output.find(end_marker);
  REQUIRE(begin == 0);  // the CA comes first, so a script can read it before the URL
  REQUIRE(end != std::string::npos);
  const std::string printed = output.substr(begin, end + end_marker.size() - begin);
  std::ifstream written_file(ca_path);
  std::string written((std::istreambuf_iterator<char>(written_file)), std::istreambuf_iterator<char>());
  CHECK(written == printed);
  std::ifstream truststore_file(truststore_path, std::ios::binary);
  std::string truststore((std::istreambuf_iterator<char>(truststore_file)), std::istreambuf_iterator<char>());
  CHECK(truststore.compare(0, 4, "\xFE\xED\xFE\xED") == 0);  // JKS; tests/mock_discord/java_trusts_the_ca.sh runs Java on it
  std::size_t at = output.find(banner);
  REQUIRE(at != std::string::npos);
  int port = std::stoi(output.substr(at + banner.size()));

  for (const char* host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    auto health = test_tls::client_trusting(printed, port, host)->Get("/_mock/health");
    REQUIRE(health);
    CHECK(health->status == 200);
  }
  CHECK(mock.terminate_and_wait() == 0);
  std::filesystem::remove(ca_path);
  std::filesystem::remove(truststore_path);
}

TEST_CASE("mock_discord: --tls-cert, --tls-key and --tls-ca serve the certificate given") {
  auto identity = support::make_tls_identity({"127.0.0.1"});
  const std::string cert = temp_file("given-cert.pem", identity.cert_pem);
  const std::string key = temp_file("given-key.pem", identity.key_pem);
  const std::string ca = temp_file("given-ca.pem", identity.ca_pem);
  Running mock({"--port", "0", "--tls-cert", cert, "--tls-key", key, "--tls-ca", ca});
  const std::string banner = "mock_discord listening on https://127.0.0.1:";
  std::string output = mock.read_until("\n");
  REQUIRE(output.rfind(banner, 0) == 0);
  int port = std::stoi(output.substr(banner.size()));
  auto me = test_tls::client_trusting(identity.ca_pem, port)->Get("/api/users/@me");
  REQUIRE(me);
  CHECK(me->status == 401);
  CHECK(mock.terminate_and_wait() == 0);
  for (const auto& path : {cert, key, ca}) std::filesystem::remove(path);
}

TEST_CASE("mock_discord: https flags that do not go together exit 2 and say why") {
  auto incomplete = run({"--tls-cert", "/tmp/cert.pem"});
  CHECK(incomplete.exit_code == 2);
  CHECK(incomplete.output.find("--tls-cert, --tls-key and --tls-ca go together") != std::string::npos);
  auto print_without_tls = run({"--print-ca"});
  CHECK(print_without_tls.exit_code == 2);
  CHECK(print_without_tls.output.find("--print-ca, --ca-out and --truststore-out need --tls") != std::string::npos);
  auto bad_name = run({"--tls", "--tls-name", "not a name"});
  CHECK(bad_name.exit_code == 2);
  CHECK(bad_name.output.find("'not a name' is neither a host name") != std::string::npos);
  auto missing = run({"--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem", "--tls-ca", "/nonexistent/a.pem"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("/nonexistent/") != std::string::npos);
}
