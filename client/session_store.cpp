// Session ids, pending sign-ins and their bounded, expiring storage.
#include "client/session_store.hpp"
#include "support/text.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "support/random.hpp"

namespace client {
namespace {

using SteadyClock = std::chrono::steady_clock;

using support::text::trim;

std::string new_session_id() { return support::secure_base64url(32); }

}  // namespace

void Session::add_pending(PendingLogin login) {
  pending.push_back(std::move(login));
  if (pending.size() > max_pending) pending.erase(pending.begin(), pending.end() - max_pending);
}

std::optional<PendingLogin> Session::take_pending(const std::string& state) {
  auto now = SteadyClock::now();
  pending.erase(std::remove_if(pending.begin(), pending.end(),
                               [&](const PendingLogin& login) { return now - login.started > pending_lifetime; }),
                pending.end());
  if (state.empty()) return std::nullopt;
  // Every entry is compared, so the time taken says nothing about which one matched.
  auto match = pending.end();
  for (auto it = pending.begin(); it != pending.end(); ++it)
    if (constant_time_equals(it->state, state)) match = it;
  if (match == pending.end()) return std::nullopt;
  PendingLogin login = std::move(*match);
  pending.erase(match);
  return login;
}

SessionStore::SessionStore(std::size_t max_sessions, std::chrono::seconds idle_timeout)
    : max_sessions_(std::max<std::size_t>(1, max_sessions)), idle_timeout_(idle_timeout) {}

std::shared_ptr<Session> SessionStore::find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  auto now = SteadyClock::now();
  if (now - it->second.last_seen > idle_timeout_) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_seen = now;
  return it->second.session;
}

std::pair<std::string, std::shared_ptr<Session>> SessionStore::create() {
  std::string id = new_session_id();
  auto session = std::make_shared<Session>();
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = SteadyClock::now();
  evict_locked(now);
  sessions_[id] = Entry{session, now};
  return {id, session};
}

std::string SessionStore::rotate(const std::string& old_id) {
  std::string id = new_session_id();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(old_id);
  if (it == sessions_.end()) return "";
  Entry entry = std::move(it->second);
  sessions_.erase(it);
  entry.last_seen = SteadyClock::now();
  sessions_[id] = std::move(entry);
  return id;
}

void SessionStore::erase(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(id);
}

void SessionStore::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.clear();
}

std::size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

// Makes room for one more: idle sessions go first, then the least recently seen.
void SessionStore::evict_locked(SteadyClock::time_point now) {
  if (sessions_.size() < max_sessions_) return;
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = now - it->second.last_seen > idle_timeout_ ? sessions_.erase(it) : std::next(it);
  while (sessions_.size() >= max_sessions_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    sessions_.erase(oldest);
  }
}

std::optional<std::string> cookie_value(const std::string& cookie_header, const std::string& name) {
  std::size_t begin = 0;
  while (begin < cookie_header.size()) {
    std::size_t end = cookie_header.find(';', begin);
    if (end == std::string::npos) end = cookie_header.size();
    std::string pair = cookie_header.substr(begin, end - begin);
    std::size_t equals = pair.find('=');
    if (equals != std::string::npos && trim(pair.substr(0, equals)) == name) return trim(pair.substr(equals + 1));
    begin = end + 1;
  }
  return std::nullopt;
}

bool constant_time_equals(const std::string& a, const std::string& b) {
  // The length of a state or session id is public; only the content is secret.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace client
