// Sessions, pending sign-ins, cookies and constant-time comparison.
#include "client/session_store.hpp"

#include <catch2/catch.hpp>

namespace {

client::PendingLogin pending(const std::string& state) {
  return {state, std::nullopt, std::chrono::steady_clock::now()};
}

}  // namespace

TEST_CASE("a pending sign-in is taken once, by its exact state") {
  client::Session session;
  session.add_pending(pending("state-one"));
  session.add_pending({"state-two", std::string("verifier"), std::chrono::steady_clock::now()});
  CHECK_FALSE(session.take_pending(""));
  CHECK_FALSE(session.take_pending("state-on"));
  CHECK_FALSE(session.take_pending("state-onf"));
  auto two = session.take_pending("state-two");
  REQUIRE(two);
  CHECK(two->code_verifier == std::optional<std::string>("verifier"));
  CHECK_FALSE(session.take_pending("state-two"));  // single use
  CHECK(session.take_pending("state-one"));
}

TEST_CASE("a session keeps only the newest pending sign-ins, and drops stale ones") {
  client::Session session;
  for (int i = 0; i < 7; ++i) session.add_pending(pending("s" + std::to_string(i)));
  CHECK(session.pending.size() == client::Session::max_pending);
  CHECK_FALSE(session.take_pending("s0"));
  CHECK_FALSE(session.take_pending("s1"));
  CHECK(session.take_pending("s6"));

  session.add_pending({"old", std::nullopt, std::chrono::steady_clock::now() - std::chrono::minutes(11)});
  CHECK_FALSE(session.take_pending("old"));
}

TEST_CASE("sessions are found by id, rotated to a new id, erased, and bounded") {
  client::SessionStore store(3);
  auto [id, session] = store.create();
  CHECK(id.size() >= 43);
  CHECK(store.find(id) == session);
  CHECK(store.find("unknown") == nullptr);

  std::string rotated = store.rotate(id);
  CHECK(rotated != id);
  CHECK(store.find(id) == nullptr);
  CHECK(store.find(rotated) == session);
  CHECK(store.rotate("unknown").empty());

  store.erase(rotated);
  CHECK(store.find(rotated) == nullptr);

  for (int i = 0; i < 5; ++i) store.create();
  CHECK(store.size() == 3);
}

TEST_CASE("idle sessions expire") {
  client::SessionStore store(10, std::chrono::seconds(0));
  auto created = store.create();
  // Any measurable time is longer than a zero idle timeout.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
  while (std::chrono::steady_clock::now() < until) {
  }
  CHECK(store.find(created.first) == nullptr);
}

TEST_CASE("cookie_value reads one cookie from a Cookie header") {
  CHECK(client::cookie_value("sid=abc", "sid") == std::optional<std::string>("abc"));
  CHECK(client::cookie_value("a=1; sid=abc; b=2", "sid") == std::optional<std::string>("abc"));
  CHECK(client::cookie_value("xsid=1;sid=2", "sid") == std::optional<std::string>("2"));
  CHECK_FALSE(client::cookie_value("a=1; b=2", "sid"));
  CHECK_FALSE(client::cookie_value("", "sid"));
}

TEST_CASE("constant_time_equals") {
  CHECK(client::constant_time_equals("abc", "abc"));
  CHECK(client::constant_time_equals("", ""));
  CHECK_FALSE(client::constant_time_equals("abc", "abd"));
  CHECK_FALSE(client::constant_time_equals("abc", "abcd"));
}

TEST_CASE("a flood of anonymous sessions (GET /login) never evicts a signed-in one") {
  client::SessionStore store(8);
  std::vector<std::string> signed_in;
  for (int i = 0; i < 2; ++i) signed_in.push_back(store.rotate(store.create().first));
  for (int i = 0; i < 10050; ++i) store.create();
  for (const auto& id : signed_in) CHECK(store.find(id) != nullptr);
  CHECK(store.size() <= 8);
  // Anonymous sessions keep a quarter of the room free for sign-ins.
  for (int i = 0; i < 3; ++i) signed_in.push_back(store.rotate(store.create().first));
  for (const auto& id : signed_in) CHECK(store.find(id) != nullptr);
}
