// static_server: the yardstick of bench/http_ceiling.py, a cpp-httplib
// server with its defaults (plus TCP_NODELAY, as every server of the project)
// that answers the routes of a sign-in with fixed bytes and no logic:
//   GET  /oauth2/authorize     302 to REDIRECT?code=CODE(&state=...)
//   POST /api/oauth2/token     the token body
//   GET  /api/v10/users/@me    the user body
// The bodies are files, taken by the bench script from the mock's own
// answers, so both servers send the same bytes. Prints "listening on PORT".
#include <httplib.h>

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

httplib::Server* running = nullptr;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"static_server: fixed answers for the sign-in routes (the yardstick of bench/http_ceiling.py)"};
  std::string user_file, token_file, redirect = "http://127.0.0.1:5000/callback", code = "0123456789abcdef0123456789abcd";
  app.add_option("--user-body", user_file, "file: the body of GET /api/v10/users/@me")->required();
  app.add_option("--token-body", token_file, "file: the body of POST /api/oauth2/token")->required();
  app.add_option("--redirect", redirect, "where /oauth2/authorize redirects")->capture_default_str();
  app.add_option("--code", code, "the code in that redirect")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const std::string user_body = read_file(user_file);
    const std::string token_body = read_file(token_file);
    httplib::Server http;
    http.set_tcp_nodelay(true);
    http.Get("/api/v10/users/@me", [&](const httplib::Request&, httplib::Response& response) {
      response.set_content(user_body, "application/json");
    });
    http.Post("/api/oauth2/token", [&](const httplib::Request&, httplib::Response& response) {
      response.set_content(token_body, "application/json");
    });
    http.Get("/oauth2/authorize", [&](const httplib::Request& request, httplib::Response& response) {
      std::string location = redirect + "?code=" + code;
      if (request.has_param("state")) location += "&state=" + request.get_param_value("state");
      response.status = 302;
      response.set_header("Location", location);
    });
    int port = http.bind_to_any_port("127.0.0.1");
    if (port < 0) throw std::runtime_error("cannot listen on 127.0.0.1");
    running = &http;
    std::signal(SIGTERM, [](int) { running->stop(); });
    std::signal(SIGINT, [](int) { running->stop(); });
    std::cout << "listening on " << port << std::endl;
    http.listen_after_bind();
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "static_server: " << error.what() << std::endl;
    return 3;
  }
}
