// The json: expectation's subset rules.
#include "harness/json_match.hpp"

#include <catch2/catch.hpp>

using harness::match_json_subset;
using nlohmann::json;

TEST_CASE("objects match on the listed keys only") {
  json actual = {{"error", "invalid_grant"}, {"error_description", "Invalid \"code\" in request."}};
  CHECK_FALSE(match_json_subset({{"error", "invalid_grant"}}, actual));
  auto mismatch = match_json_subset({{"error", "invalid_client"}}, actual);
  REQUIRE(mismatch);
  CHECK(mismatch->path == "error");
  CHECK(mismatch->expected == "\"invalid_client\"");
  CHECK(mismatch->actual == "\"invalid_grant\"");
  auto absent = match_json_subset({{"scope", "identify"}}, actual);
  REQUIRE(absent);
  CHECK(absent->actual == "(absent)");
}

TEST_CASE("arrays match element-wise with the same length") {
  json actual = {{"scopes", {"identify", "email"}}};
  CHECK_FALSE(match_json_subset({{"scopes", {"identify", "email"}}}, actual));
  auto shorter = match_json_subset({{"scopes", {"identify"}}}, actual);
  REQUIRE(shorter);
  CHECK(shorter->path == "scopes");
  auto element = match_json_subset({{"scopes", {"identify", "guilds"}}}, actual);
  REQUIRE(element);
  CHECK(element->path == "scopes[1]");
}

TEST_CASE("re: patterns match whole strings and scalars") {
  json actual = {{"access_token", "6qrZcUqja7812RVdnEKjpzOL4CvHBF"}, {"expires_in", 604800}};
  CHECK_FALSE(match_json_subset({{"access_token", "re:[A-Za-z0-9]{30}"}}, actual));
  CHECK(match_json_subset({{"access_token", "re:[A-Za-z0-9]{10}"}}, actual));  // full match, not search
  CHECK_FALSE(match_json_subset({{"expires_in", "re:[0-9]+"}}, actual));
  CHECK_FALSE(match_json_subset({{"expires_in", 604800.0}}, actual));
  CHECK(match_json_subset({{"expires_in", "604800"}}, actual));  // a string is not a number
}
