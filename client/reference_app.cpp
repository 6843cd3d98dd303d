// The reference app's routes, sessions cookie and request log on a
// cpp-httplib server. Tokens stay in SessionStore; pages come from pages.cpp
// and failures are worded by problems.cpp.
#include "client/reference_app.hpp"

#include <httplib.h>

#include <atomic>
#include <cmath>
#include <iostream>
#include <mutex>
#include <thread>

#include "client/oauth_client.hpp"
#include "client/pages.hpp"
#include "client/problems.hpp"
#include "client/session_store.hpp"
#include "support/errors.hpp"
#include "support/sockets.hpp"
#include "support/text.hpp"
#include "support/url.hpp"

namespace client {
namespace {

const char kSessionCookie[] = "sid";

// A secret-free reason a handler leaves for the request's log line; the
// logger runs on the handler's thread right after it.
thread_local std::string t_log_note;

std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return out;
}

// The app serves its callback where its redirect URI points.
std::string callback_path(const std::string& redirect_uri) {
  auto url = support::parse_url(redirect_uri);
  return url ? url->path : "/callback";
}

void send_html(httplib::Response& res, int status, const std::string& html) {
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

void send_problem(httplib::Response& res, const Problem& problem) {
  send_html(res, problem.status, message_page(problem.title, problem.message, problem.offer_sign_in));
  if (problem.retry_after_seconds) res.set_header("Retry-After", std::to_string(*problem.retry_after_seconds));
  t_log_note = problem.log_note;
}

void redirect(httplib::Response& res, const std::string& location) {
  res.status = 302;
  res.set_header("Location", location);
}

}  // namespace

LogSink stdout_log() {
  return [](const std::string& line) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    std::cout << line << std::endl;
  };
}

struct ReferenceApp::Impl {
  Impl(AppConfig app_config, LogSink log_sink)
      : config(std::move(app_config)), log(std::move(log_sink)), oauth(config.oauth) {
    // The public URL comes from the configured redirect URI, never from the
    // Host header, which a tunnel or an attacker controls.
    secure_cookies = support::parse_url(config.oauth.redirect_uri)->scheme == "https";
  }

  AppConfig config;
  LogSink log;
  OAuthClient oauth;
  SessionStore sessions;
  bool secure_cookies = false;

  std::unique_ptr<httplib::Server> http;  // a fresh one per start()
  std::thread listener;
  std::atomic<bool> listener_done{false};
  int port = 0;

  void build_server();
  void home(const httplib::Request& req, httplib::Response& res);
  void login(const httplib::Request& req, httplib::Response& res);
  void callback(const httplib::Request& req, httplib::Response& res);
  void me(const httplib::Request& req, httplib::Response& res);
  void logout(const httplib::Request& req, httplib::Response& res);

  std::string session_id_of(const httplib::Request& req) const {
    return cookie_value(req.get_header_value("Cookie"), kSessionCookie).value_or("");
  }
  std::shared_ptr<Session> session_of(const httplib::Request& req) {
    std::string id = session_id_of(req);
    return id.empty() ? nullptr : sessions.find(id);
  }
  std::string cookie_attributes() const {
    return std::string("; Path=/; HttpOnly; SameSite=Lax") + (secure_cookies ? "; Secure" : "");
  }
  void set_session_cookie(httplib::Response& res, const std::string& id) const {
    res.set_header("Set-Cookie", kSessionCookie + ("=" + id) + cookie_attributes());
  }
  void clear_session_cookie(httplib::Response& res) const {
    res.set_header("Set-Cookie", kSessionCookie + std::string("=; Max-Age=0") + cookie_attributes());
  }
  // Replaces the session's tokens through the refresh grant; false when there
  // is no refresh token to use. Call with the session's mutex held.
  bool refresh_tokens(Session& session) {
    if (session.tokens->refresh_token.empty()) return false;
    TokenSet fresh = oauth.refresh(session.tokens->refresh_token);
    if (fresh.refresh_token.empty()) fresh.refresh_token = session.tokens->refresh_token;
    session.tokens = std::move(fresh);
    return true;
  }
};

void ReferenceApp::Impl::build_server() {
  http = std::make_unique<httplib::Server>();
  http->set_tcp_nodelay(true);
  http->set_socket_options(support::reuse_address_only);
  http->set_keep_alive_timeout(config.keep_alive_seconds);
  http->set_payload_max_length(64 * 1024);
  // Meant to sit behind a public tunnel: slow clients get short read
  // timeouts, and enough workers that a few of them cannot take them all.
  http->set_read_timeout(std::chrono::seconds(2));
  http->set_keep_alive_max_count(20);
  http->new_task_queue = [] { return new httplib::ThreadPool(64); };
  // cpp-httplib inflates gzip and br request bodies with no bound (the
  // 64 KiB limit holds for the compressed bytes only): the app takes none,
  // refused before the body is read.
  http->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    for (std::size_t i = 0; i < req.get_header_value_count("Content-Encoding"); ++i) {
      if (support::text::lower(support::text::trim(req.get_header_value("Content-Encoding", i))) == "identity") continue;
      send_html(res, 415, message_page("Unsupported request", "Compressed request bodies are not accepted.", false));
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http->set_default_headers({{"Cache-Control", "no-store"},
                            {"Referrer-Policy", "no-referrer"},
                            {"X-Content-Type-Options", "nosniff"},
                            {"X-Frame-Options", "DENY"},
                            {"Content-Security-Policy",
                             "default-src 'none'; img-src https://cdn.discordapp.com; style-src 'unsafe-inline'; "
                             "form-action 'self'; frame-ancestors 'none'"}});

  http->Get("/", [this](const httplib::Request& req, httplib::Response& res) { home(req, res); });
  // cpp-httplib patterns are regular expressions: paths are matched literally.
  for (const std::string& path : {std::string("/login"), config.login_path})
    http->Get(support::text::regex_escape(path),
              [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
  http->Get(support::text::regex_escape(callback_path(config.oauth.redirect_uri)),
            [this](const httplib::Request& req, httplib::Response& res) { callback(req, res); });
  http->Get("/me", [this](const httplib::Request& req, httplib::Response& res) { me(req, res); });
  // GET too, so a plain link works; signing someone out is all a forged request could do.
  http->Get("/logout", [this](const httplib::Request& req, httplib::Response& res) { logout(req, res); });
  http->Post("/logout", [this](const httplib::Request& req, httplib::Response& res) { logout(req, res); });
  http->Get(".*", [](const httplib::Request&, httplib::Response& res) {
    send_html(res, 404, message_page("Not found", "There is no page here.", false));
  });

  http->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(error);
    } catch (const support::Error& e) {
      what = e.name();
    } catch (const std::exception&) {
      what = "std::exception";
    } catch (...) {
    }
    send_html(res, 500, message_page("Something went wrong", "The app failed to answer this request.", true));
    t_log_note = "internal error: " + what;
  });
  http->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    std::string line = req.method + " " + printable(req.path) + " " + std::to_string(res.status);
    if (!t_log_note.empty()) line += " (" + printable(t_log_note) + ")";
    t_log_note.clear();
    log(line);
  });
}

void ReferenceApp::Impl::home(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req);
  bool signed_in = false;
  if (session) {
    std::lock_guard<std::mutex> lock(session->mutex);
    signed_in = session->tokens.has_value();
  }
  send_html(res, 200, home_page(signed_in));
}

void ReferenceApp::Impl::login(const httplib::Request& req, httplib::Response& res) {
  std::string id = session_id_of(req);
  auto session = id.empty() ? nullptr : sessions.find(id);
  if (!session) {
    std::tie(id, session) = sessions.create();
    set_session_cookie(res, id);
  }
  AuthorizationRequest request = oauth.authorization_request(config.pkce);
  {
    std::lock_guard<std::mutex> lock(session->mutex);
    session->add_pending({request.state, request.code_verifier, std::chrono::steady_clock::now()});
  }
  redirect(res, request.url);
}

void ReferenceApp::Impl::callback(const httplib::Request& req, httplib::Response& res) {
  std::string id = session_id_of(req);
  auto session = id.empty() ? nullptr : sessions.find(id);
  // Only a callback for a sign-in this browser started goes any further:
  // anything else could be an attacker's code (login CSRF) or a replay.
  std::optional<PendingLogin> login;
  if (session && req.get_param_value_count("state") == 1) {
    std::lock_guard<std::mutex> lock(session->mutex);
    login = session->take_pending(req.get_param_value("state"));
  }
  if (!login) return send_problem(res, unknown_callback_problem());
  if (req.has_param("error"))
    return send_problem(res, authorize_error_problem(req.get_param_value("error"),
                                                     req.get_param_value("error_description")));
  if (req.get_param_value_count("code") != 1 || req.get_param_value("code").empty())
    return send_problem(res, missing_code_problem());

  try {
    TokenSet tokens = oauth.exchange_code(req.get_param_value("code"), login->code_verifier);
    {
      std::lock_guard<std::mutex> lock(session->mutex);
      session->tokens = std::move(tokens);
    }
    // A new id once signed in, so an id planted before sign-in is worthless.
    std::string new_id = sessions.rotate(id);
    if (!new_id.empty()) set_session_cookie(res, new_id);
    t_log_note = "signed in";
    redirect(res, "/me");
  } catch (const ClientError& error) {
    send_problem(res, client_error_problem(error, Stage::sign_in));
  }
}

void ReferenceApp::Impl::me(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req);
  if (!session) return send_problem(res, not_signed_in_problem());
  // Held across the calls so that two tabs never spend the same refresh token.
  std::lock_guard<std::mutex> lock(session->mutex);
  if (!session->tokens) return send_problem(res, not_signed_in_problem());

  try {
    bool refreshed = false;
    if (session->tokens->expired(Clock::now())) {
      if (!refresh_tokens(*session)) {
        session->tokens.reset();
        return send_problem(res, sign_in_ended_problem("token expired and no refresh token"));
      }
      refreshed = true;
    }
    std::optional<DiscordUser> user;
    try {
      user = oauth.current_user(session->tokens->access_token);
    } catch (const ApiError& error) {
      // Expired or revoked early: refresh once, then give up.
      if (!error.unauthorized() || refreshed) throw;
      if (!refresh_tokens(*session)) throw;
      refreshed = true;
      user = oauth.current_user(session->tokens->access_token);
    }
    if (refreshed) t_log_note = "tokens refreshed";
    send_html(res, 200, profile_page(*user));
  } catch (const ClientError& error) {
    Problem problem = client_error_problem(error, Stage::profile);
    if (problem.status == 401) session->tokens.reset();
    send_problem(res, problem);
  }
}

void ReferenceApp::Impl::logout(const httplib::Request& req, httplib::Response& res) {
  std::string id = session_id_of(req);
  auto session = id.empty() ? nullptr : sessions.find(id);
  bool revoke_failed = false;
  if (session) {
    std::lock_guard<std::mutex> lock(session->mutex);
    if (session->tokens) {
      // Revoking either token ends the whole authorization; the refresh token
      // is the one that would keep it alive.
      const TokenSet& tokens = *session->tokens;
      try {
        if (!tokens.refresh_token.empty())
          oauth.revoke(tokens.refresh_token, "refresh_token");
        else
          oauth.revoke(tokens.access_token, "access_token");
      } catch (const ClientError& error) {
        revoke_failed = true;
        t_log_note = "revocation failed: " + error.name();
      }
      session->tokens.reset();
    }
  }
  if (!id.empty()) sessions.erase(id);
  clear_session_cookie(res);
  if (revoke_failed)
    return send_html(res, 200, message_page("Signed out",
                                            "You are signed out of this app, but Discord did not confirm that it "
                                            "revoked the app's access. You can remove it under Discord's User "
                                            "Settings > Authorized Apps.",
                                            false));
  if (session) t_log_note = "signed out";
  redirect(res, "/");
}

ReferenceApp::ReferenceApp(AppConfig config, LogSink log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(log))) {}

ReferenceApp::~ReferenceApp() { stop(); }

int ReferenceApp::start() {
  if (impl_->listener.joinable()) return impl_->port;
  const AppConfig& config = impl_->config;
  // A restart keeps the port (a tunnel still points at it) and, like a
  // restarted process, forgets every session.
  int wanted = impl_->port != 0 ? impl_->port : config.port;
  impl_->sessions.clear();
  impl_->build_server();
  httplib::Server& http = *impl_->http;
  int port = wanted == 0 ? http.bind_to_any_port(config.host) : (http.bind_to_port(config.host, wanted) ? wanted : -1);
  if (port <= 0)
    throw support::SystemError("reference_app cannot listen on " + config.host + ":" + std::to_string(wanted) +
                               " (is the port in use?)");
  impl_->port = port;
  impl_->listener_done = false;
  impl_->listener = std::thread([this] {
    impl_->http->listen_after_bind();
    impl_->listener_done = true;
  });
  while (!http.is_running() && !impl_->listener_done) std::this_thread::yield();
  if (!http.is_running()) {
    impl_->listener.join();
    throw support::SystemError("reference_app stopped right after binding " + config.host + ":" + std::to_string(port));
  }
  impl_->log("reference_app listening on " + url() + " (client id " + config.oauth.client_id + ", redirect URI " +
             config.oauth.redirect_uri + (config.pkce ? ", PKCE" : "") + ")");
  return port;
}

void ReferenceApp::stop() {
  if (!impl_->listener.joinable()) return;
  impl_->http->stop();
  impl_->listener.join();
}

int ReferenceApp::port() const { return impl_->port; }

std::string ReferenceApp::url() const { return "http://" + impl_->config.host + ":" + std::to_string(impl_->port); }

const AppConfig& ReferenceApp::config() const { return impl_->config; }

std::size_t ReferenceApp::session_count() const { return impl_->sessions.size(); }

}  // namespace client
