// World's methods and the shared state's bookkeeping: codes, consent pages,
// grants, tokens and what was last handed out. Driving calls from tests and
// the harness (revoke_tokens_of, set_signed_in, ...) reject unknown names
// with support::InputError.
#include "mock_discord/state.hpp"

#include <algorithm>

#include "mock_discord/ids.hpp"
#include "mock_discord/scopes.hpp"
#include "support/errors.hpp"

namespace mock_discord {
namespace {

constexpr int kPruneEvery = 256;

template <typename Map, typename Predicate>
void erase_if(Map& map, Predicate predicate) {
  for (auto it = map.begin(); it != map.end();) it = predicate(it->second) ? map.erase(it) : std::next(it);
}

nlohmann::json request_json(const AuthorizationRequest& request) {
  return {{"application_id", request.application_id},
          {"user_id", request.user_id},
          {"redirect_uri", request.redirect_uri},
          {"scopes", request.scopes},
          {"pkce", !request.code_challenge.empty()},
          {"implicit", request.implicit}};
}

}  // namespace

// ---- State ----

World::State::State(Config initial) : config(std::move(initial)), generator(config.seed) {}

void World::State::clear_locked(Config fresh) {
  config = std::move(fresh);
  generator = support::SeededGenerator(config.seed);
  consent_pages.clear();
  codes.clear();
  grants.clear();
  access_tokens.clear();
  refresh_tokens.clear();
  rate_buckets.clear();
  next_authorization = 1;
  last = IssuedValues{};
  issued_secrets.clear();
  codes_redeemed = 0;
  issued_since_prune_ = 0;
}

const User* World::State::user_locked(const std::string& name_or_id) const {
  return name_or_id.empty() ? nullptr : config.find_user(name_or_id);
}

const User* World::State::signed_in_user_locked() const { return user_locked(config.signed_in); }

const Application* World::State::application_locked(const std::string& id) const {
  if (id.empty()) return config.applications.empty() ? nullptr : &config.applications.front();
  return config.find_application(id);
}

std::string World::State::create_consent_page_locked(const AuthorizationRequest& request) {
  prune_expired_locked();
  std::string token = new_secret(generator);
  consent_pages[token] = PendingConsent{request, clock.now_ms() + kConsentPageTtlMs};
  return token;
}

std::optional<AuthorizationRequest> World::State::take_consent_page_locked(const std::string& token) {
  auto it = consent_pages.find(token);
  if (it == consent_pages.end()) return std::nullopt;
  PendingConsent pending = std::move(it->second);
  consent_pages.erase(it);
  if (pending.expires_ms <= clock.now_ms()) return std::nullopt;
  return pending.request;
}

std::string World::State::issue_code_locked(const AuthorizationRequest& request) {
  prune_expired_locked();
  std::string code = new_secret(generator);
  codes[code] = AuthorizationCode{request, clock.now_ms() + config.code_ttl.count()};
  last.code = code;
  last.state = request.state.value_or("");  // "the state it carried": none clears the last one
  return code;
}

void World::State::record_grant_locked(const AuthorizationRequest& request) {
  auto& granted = grants[{request.user_id, request.application_id}];
  for (const auto& scope : request.scopes)
    if (std::find(granted.begin(), granted.end(), scope) == granted.end()) granted.push_back(scope);
}

IssuedTokens World::State::issue_tokens_locked(const std::string& application_id, const std::string& user_id,
                                               const std::vector<std::string>& scopes, std::uint64_t authorization,
                                               bool with_refresh_token) {
  prune_expired_locked();
  IssuedTokens issued;
  issued.access_token = new_secret(generator);
  issued.expires_in_s = config.token_ttl.count() / 1000;
  issued.scopes = scopes;
  access_tokens[issued.access_token] =
      AccessToken{application_id, user_id, scopes, clock.now_ms() + config.token_ttl.count(), authorization};
  issued_secrets.push_back(issued.access_token);
  last.access_token = issued.access_token;
  if (with_refresh_token) {
    issued.refresh_token = new_secret(generator);
    refresh_tokens[issued.refresh_token] = RefreshToken{application_id, user_id, scopes, authorization};
    issued_secrets.push_back(issued.refresh_token);
    last.refresh_token = issued.refresh_token;
  }
  return issued;
}

void World::State::revoke_authorization_locked(std::uint64_t authorization) {
  erase_if(access_tokens, [&](const AccessToken& token) { return token.authorization == authorization; });
  erase_if(refresh_tokens, [&](const RefreshToken& token) { return token.authorization == authorization; });
}

const AccessToken* World::State::access_token_locked(const std::string& token) {
  auto it = access_tokens.find(token);
  if (it == access_tokens.end() || it->second.expires_ms <= clock.now_ms()) return nullptr;
  return &it->second;
}

// Expired entries are dropped now and then rather than on every request, so
// a long benchmark neither grows without bound nor pays a scan per request.
void World::State::prune_expired_locked() {
  if (++issued_since_prune_ < kPruneEvery) return;
  issued_since_prune_ = 0;
  std::int64_t now = clock.now_ms();
  erase_if(codes, [&](const AuthorizationCode& code) { return code.expires_ms <= now; });
  erase_if(consent_pages, [&](const PendingConsent& page) { return page.expires_ms <= now; });
  erase_if(access_tokens, [&](const AccessToken& token) { return token.expires_ms <= now; });
}

// ---- World ----

World::World(Config config) : state_(std::make_unique<State>(std::move(config))) {}
World::~World() = default;

World::State& World::state() { return *state_; }

void World::reset(Config config) {
  std::lock_guard lock(state_->mutex);
  state_->clear_locked(std::move(config));
}

Config World::config() const {
  std::lock_guard lock(state_->mutex);
  return state_->config;
}

std::int64_t World::now_ms() const { return state_->clock.now_ms(); }

void World::advance_clock(Duration by) { state_->clock.advance(by); }

void World::revoke_tokens_of(const std::string& user) {
  std::lock_guard lock(state_->mutex);
  const User* found = state_->user_locked(user);
  if (!found) throw support::InputError("revoke_tokens_of: unknown user '" + user + "'");
  std::string id = found->id;
  erase_if(state_->access_tokens, [&](const AccessToken& token) { return token.user_id == id; });
  erase_if(state_->refresh_tokens, [&](const RefreshToken& token) { return token.user_id == id; });
  for (auto it = state_->grants.begin(); it != state_->grants.end();)
    it = it->first.first == id ? state_->grants.erase(it) : std::next(it);
}

void World::set_signed_in(const std::string& user) {
  std::lock_guard lock(state_->mutex);
  if (user.empty()) {
    state_->config.signed_in.clear();
    return;
  }
  const User* found = state_->user_locked(user);
  if (!found) throw support::InputError("signed_in: unknown user '" + user + "'");
  state_->config.signed_in = found->username;
}

void World::set_redirect_uris(const std::string& application_id, const std::vector<std::string>& uris) {
  if (auto problem = check_redirect_uris(uris)) throw support::InputError("redirect_uris: " + problem->message);
  std::lock_guard lock(state_->mutex);
  auto& applications = state_->config.applications;
  auto it = application_id.empty() ? applications.begin()
                                   : std::find_if(applications.begin(), applications.end(),
                                                  [&](const Application& app) { return app.id == application_id; });
  if (it == applications.end())
    throw support::InputError("redirect_uris: unknown application '" + application_id + "'");
  it->redirect_uris = uris;
}

std::string World::issue_code(const std::string& user, const std::string& application_id,
                              const std::string& redirect_uri, const std::vector<std::string>& scopes,
                              const std::string& state) {
  std::lock_guard lock(state_->mutex);
  const User* found_user = state_->user_locked(user);
  if (!found_user) throw support::InputError("issue_code: unknown user '" + user + "'");
  const Application* app = state_->application_locked(application_id);
  if (!app) throw support::InputError("issue_code: unknown application '" + application_id + "'");
  for (const auto& scope : scopes)
    if (!is_known_scope(scope)) throw support::InputError("issue_code: unknown scope '" + scope + "'");
  AuthorizationRequest request;
  request.application_id = app->id;
  request.user_id = found_user->id;
  request.redirect_uri = redirect_uri;
  if (request.redirect_uri.empty()) {
    if (app->redirect_uris.empty())
      throw support::InputError("issue_code: application '" + app->id + "' has no redirect URI");
    request.redirect_uri = app->redirect_uris.front();
  }
  request.scopes = scopes.empty() ? std::vector<std::string>{"identify"} : scopes;
  if (!state.empty()) request.state = state;
  state_->record_grant_locked(request);
  return state_->issue_code_locked(request);
}

int World::codes_redeemed() const {
  std::lock_guard lock(state_->mutex);
  return state_->codes_redeemed;
}

int World::active_tokens() const {
  std::lock_guard lock(state_->mutex);
  std::int64_t now = state_->clock.now_ms();
  return static_cast<int>(std::count_if(state_->access_tokens.begin(), state_->access_tokens.end(),
                                        [&](const auto& entry) { return entry.second.expires_ms > now; }));
}

IssuedValues World::last_issued() const {
  std::lock_guard lock(state_->mutex);
  return state_->last;
}

std::vector<std::string> World::secrets() const {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> all = state_->issued_secrets;
  for (const auto& app : state_->config.applications)
    if (!app.secret.empty()) all.push_back(app.secret);
  return all;
}

nlohmann::json World::state_json() const {
  std::lock_guard lock(state_->mutex);
  const State& s = *state_;
  std::int64_t now = s.clock.now_ms();
  nlohmann::json codes = nlohmann::json::array();
  for (const auto& [code, entry] : s.codes) {
    if (entry.expires_ms <= now) continue;
    nlohmann::json item = request_json(entry.request);
    item["code"] = "[redacted]";
    item["expires_ms"] = entry.expires_ms;
    codes.push_back(item);
  }
  nlohmann::json grants = nlohmann::json::array();
  for (const auto& [key, scopes] : s.grants)
    grants.push_back({{"user_id", key.first}, {"application_id", key.second}, {"scopes", scopes}});
  nlohmann::json access = nlohmann::json::array();
  for (const auto& [token, entry] : s.access_tokens) {
    if (entry.expires_ms <= now) continue;
    access.push_back({{"token", "[redacted]"},
                      {"application_id", entry.application_id},
                      {"user_id", entry.user_id},
                      {"scopes", entry.scopes},
                      {"expires_ms", entry.expires_ms},
                      {"authorization", entry.authorization}});
  }
  nlohmann::json refresh = nlohmann::json::array();
  for (const auto& [token, entry] : s.refresh_tokens)
    refresh.push_back({{"token", "[redacted]"},
                       {"application_id", entry.application_id},
                       {"user_id", entry.user_id},
                       {"scopes", entry.scopes},
                       {"authorization", entry.authorization}});
  return {{"now_ms", now},
          {"signed_in", s.config.signed_in},
          {"consent_pages", s.consent_pages.size()},
          {"codes", codes},
          {"grants", grants},
          {"access_tokens", access},
          {"refresh_tokens", refresh},
          {"codes_redeemed", s.codes_redeemed},
          {"active_tokens", access.size()}};
}

}  // namespace mock_discord
