// The journal: secrets redacted, bounded history, counts since clear().
#include "mock_discord/journal.hpp"

#include <catch2/catch.hpp>

using mock_discord::Journal;
using mock_discord::JournalEntry;

namespace {

JournalEntry entry(const std::string& endpoint, int status = 200) {
  JournalEntry e;
  e.method = "POST";
  e.path = "/api/oauth2/token";
  e.endpoint = endpoint;
  e.status = status;
  return e;
}

}  // namespace

TEST_CASE("redact hides secret parameters and keeps the rest") {
  support::Params params{{"grant_type", "authorization_code"}, {"code", "abc"},         {"client_secret", "s"},
                         {"code_verifier", "v"},              {"token", "t"},          {"refresh_token", "r"},
                         {"access_token", "a"},               {"state", "keep-me"},    {"client_id", "1"}};
  auto redacted = mock_discord::redact(params);
  REQUIRE(redacted.size() == params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    bool secret = i >= 1 && i <= 6;
    INFO(params[i].first);
    CHECK(redacted[i].first == params[i].first);
    CHECK(redacted[i].second == (secret ? "[redacted]" : params[i].second));
  }
}

TEST_CASE("recorded entries are redacted, numbered and rendered") {
  Journal journal;
  JournalEntry e = entry("token", 400);
  e.form = {{"grant_type", "authorization_code"}, {"code", "NhhvTDYsFcdgNLnnLijcl7Ku7bEEeee"}};
  e.query = {{"access_token", "leak"}};
  e.rule = "token status 400 x1";
  journal.record(e);
  auto entries = journal.entries();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].sequence == 1);
  CHECK(entries[0].to_line() ==
        "POST /api/oauth2/token 400 (token) access_token=[redacted] grant_type=authorization_code "
        "code=[redacted] [rule: token status 400 x1]");
  auto json = entries[0].to_json();
  CHECK(json["form"][1][1] == "[redacted]");
  CHECK(json.dump().find("NhhvTDYs") == std::string::npos);
  CHECK(json["status"] == 400);
  CHECK(json["endpoint"] == "token");
}

TEST_CASE("the journal keeps the newest entries up to its capacity, and counts them all") {
  Journal journal(3);
  for (int i = 0; i < 5; ++i) journal.record(entry(i % 2 ? "users_me" : "token"));
  auto entries = journal.entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries.front().sequence == 3);
  CHECK(entries.back().sequence == 5);
  auto last = journal.last(2);
  REQUIRE(last.size() == 2);
  CHECK(last[0].sequence == 4);
  CHECK(journal.last(10).size() == 3);
  CHECK(journal.counts() == std::map<std::string, int>{{"token", 3}, {"users_me", 2}});
  journal.clear();
  CHECK(journal.entries().empty());
  CHECK(journal.counts().empty());
}

TEST_CASE("open counts an entry at once; close adds its outcome") {
  Journal journal;
  auto sequence = journal.open(entry("token", 0));
  CHECK(journal.counts().at("token") == 1);
  CHECK(journal.entries().back().status == 0);
  journal.close(sequence, 500, 12.5, 42);
  CHECK(journal.entries().back().status == 500);
  CHECK(journal.entries().back().latency_ms == 12.5);
  journal.clear();
  journal.close(sequence, 200, 1, 1);  // gone: nothing to update, nothing breaks
  CHECK(journal.entries().empty());
}

TEST_CASE("invalid UTF-8 in a request is journaled replaced, so the journal always serialises") {
  Journal journal;
  JournalEntry e = entry("users_me");
  e.path = "/api/v10/users/@me\xFF";
  e.query = {{"x", "\xFF"}, {"\xC0\xAF", "ok"}};
  journal.record(e);
  const auto kept = journal.entries().front();
  CHECK(kept.query[0].second == "\xEF\xBF\xBD");
  CHECK_NOTHROW(kept.to_json().dump());
  CHECK(kept.to_json()["path"] == "/api/v10/users/@me\xEF\xBF\xBD");
}

TEST_CASE("the journal is bounded in bytes, not only in entries: large values are cut") {
  Journal journal(10000, 256 * 1024);
  const std::string mebibyte(1024 * 1024, 'a');
  for (int i = 0; i < 200; ++i) {
    JournalEntry e = entry("token");
    e.form = {{"big", mebibyte}};
    journal.record(e);
  }
  const auto entries = journal.entries();
  std::size_t bytes = 0;
  for (const auto& kept : entries) bytes += kept.to_line().size();
  CHECK(bytes < 256 * 1024);
  CHECK_FALSE(entries.empty());
  CHECK_THAT(entries.back().form[0].second, Catch::EndsWith("...[1048576 bytes]"));
  CHECK(journal.counts().at("token") == 200);
}
