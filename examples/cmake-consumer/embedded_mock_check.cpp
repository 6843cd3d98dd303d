// What a project's own test does with the embedded mock: start it on a free
// port, call it as the app under test would, check Discord's answer, stop.
// Exits 0 when the answers are Discord's, 1 (saying what differed) otherwise.
#include <httplib.h>

#include <iostream>
#include <string>

#include "mock_discord/server.hpp"

int main() {
  mock_discord::Server mock(mock_discord::Config::defaults("http://127.0.0.1:5000"));
  const int port = mock.start();

  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  auto unauthorized = client.Get("/api/v10/users/@me", {{"Authorization", "Bearer not-a-token"}});
  const std::string expected = R"({"message": "401: Unauthorized", "code": 0})";
  if (!unauthorized || unauthorized->status != 401 || unauthorized->body != expected) {
    std::cerr << "embedded_mock_check: users/@me with a bad token: expected 401 " << expected << ", got "
              << (unauthorized ? std::to_string(unauthorized->status) + " " + unauthorized->body : "no answer") << "\n";
    return 1;
  }
  std::cout << "embedded_mock_check: the embedded mock on port " << port << " answered as Discord does\n";
  mock.stop();
  return 0;
}
