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
    : max_sessions_(std::max<std::size_t>(2, max_sessions)),
      max_anonymous_(max_sessions_ - max_sessions_ / 4),
      idle_timeout_(idle_timeout) {}

std::shared_ptr<Session> SessionStore::find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  auto now = SteadyClock::now();
  if (now - it->second.last_seen > idle_timeout_) {
    if (!it->second.signed_in) --anonymous_;
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
  sessions_[id] = Entry{session, now, false};
  ++anonymous_;
  return {id, session};
}

std::string SessionStore::rotate(const std::string& old_id) {
  std::string id = new_session_id();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(old_id);
  if (it == sessions_.end()) return "";
  Entry entry = std::move(it->second);
  sessions_.erase(it);
  if (!entry.signed_in) --anonymous_;
  entry.signed_in = true;
  entry.last_seen = SteadyClock::now();
  sessions_[id] = std::move(entry);
  return id;
}

void SessionStore::erase(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  if (!it->second.signed_in) --anonymous_;
  sessions_.erase(it);
}

void SessionStore::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.clear();
  anonymous_ = 0;
}

std::size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

// Makes room for one more anonymous session: idle sessions go first, then
// the least recently seen anonymous one; a signed-in session only when the
// signed-in ones alone fill the store.
void SessionStore::evict_locked(SteadyClock::time_point now) {
  if (sessions_.size() < max_sessions_ && anonymous_ < max_anonymous_) return;
  auto erase = [this](std::map<std::string, Entry>::iterator it) {
    if (!it->second.signed_in) --anonymous_;
    return sessions_.erase(it);
  };
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = now - it->second.last_seen > idle_timeout_ ? erase(it) : std::next(it);
  while (sessions_.size() >= max_sessions_ || anonymous_ >= max_anonymous_) {
    auto oldest = sessions_.end();
    for (int pass = 0; pass < 2 && oldest == sessions_.end(); ++pass)
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
        if ((pass == 1 || !it->second.signed_in) &&
            (oldest == sessions_.end() || it->second.last_seen < oldest->second.last_seen))
          oldest = it;
    if (oldest == sessions_.end()) break;
    erase(oldest);
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
