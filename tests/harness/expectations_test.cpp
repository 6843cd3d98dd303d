// URL prefix rules of url: and hops: expectations.
#include "harness/expectations.hpp"

#include <catch2/catch.hpp>

using harness::url_matches_prefix;

TEST_CASE("the query only counts where the prefix has one") {
  CHECK(url_matches_prefix("http://127.0.0.1:5000/callback?code=x&state=y", "http://127.0.0.1:5000/callback"));
  CHECK(url_matches_prefix("http://127.0.0.1:5000/callback?code=x", "http://127.0.0.1:5000/callback?code="));
  CHECK_FALSE(url_matches_prefix("http://127.0.0.1:5000/callback?error=access_denied",
                                 "http://127.0.0.1:5000/callback?code="));
  CHECK_FALSE(url_matches_prefix("http://127.0.0.1:5000/me", "http://127.0.0.1:5000/callback"));
  // Without a query in the prefix, the query is ignored; with one, it counts.
  CHECK(url_matches_prefix("http://h/ab?x=1", "http://h/a"));
  CHECK_FALSE(url_matches_prefix("http://h/a?x=1", "http://h/a?y"));
  CHECK_FALSE(url_matches_prefix("http://h/a?x=1", "http://h/a?x=1&y"));
}
