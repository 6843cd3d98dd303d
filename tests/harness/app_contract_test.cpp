// The --app-* flags and the app a scenario runs against.
#include "harness/app_contract.hpp"

#include <catch2/catch.hpp>

#include "support/errors.hpp"

using harness::AppFlagText;
using harness::AppOverrides;
using harness::AppSpec;

TEST_CASE("the flags apply to scenarios that do not set kind, and a redirect path moves the redirect URI") {
  AppOverrides overrides;
  overrides.login_path = "/auth/discord";
  overrides.redirect_path = "/auth/discord/callback";
  overrides.user_page = "/profile";
  overrides.refreshes = true;
  AppSpec spec;
  AppSpec app = harness::effective_app(spec, overrides);
  CHECK(app.login_path == "/auth/discord");
  CHECK(app.redirect_path == "/auth/discord/callback");
  CHECK(app.redirect_uri == "${app}/auth/discord/callback");
  CHECK(app.user_page == "/profile");
  CHECK(app.refreshes);

  spec.redirect_uri = "${app}/other";
  spec.redirect_uri_given = true;
  CHECK(harness::effective_app(spec, overrides).redirect_uri == "${app}/other");

  spec.kind_given = true;  // the scenario names its own app
  CHECK(harness::effective_app(spec, overrides).login_path == "/login");
}

TEST_CASE("bad flag values are usage errors naming the flag") {
  AppFlagText text;
  text.login_path = "login";
  CHECK_THROWS_WITH(harness::parse_app_flags(text), Catch::Contains("--app-login-path must be a path"));
  text = {};
  text.refreshes = "yes";
  CHECK_THROWS_WITH(harness::parse_app_flags(text), Catch::Contains("--app-refreshes is true or false"));
  text = {};
  text.ready_timeout = "10";
  CHECK_THROWS_AS(harness::parse_app_flags(text), support::UsageError);
  CHECK_FALSE(harness::parse_app_flags(AppFlagText{}).any());
}

TEST_CASE("the reference app brings its own contract: /me shows the user, and it refreshes") {
  AppSpec spec;  // no kind: the reference app, unless --app-cmd replaces it
  AppSpec reference = harness::effective_app(spec, AppOverrides{});
  CHECK(reference.user_page == "/me");
  CHECK(reference.refreshes);

  AppSpec command = harness::effective_app(spec, AppOverrides{}, /*app_command=*/true);
  CHECK(command.user_page.empty());
  CHECK_FALSE(command.refreshes);

  AppOverrides said_otherwise;
  said_otherwise.refreshes = false;
  said_otherwise.user_page = "/profile";
  AppSpec overridden = harness::effective_app(spec, said_otherwise);
  CHECK(overridden.user_page == "/profile");
  CHECK_FALSE(overridden.refreshes);

  AppSpec none;
  none.kind = AppSpec::Kind::none;
  none.kind_given = true;
  CHECK(harness::effective_app(none, AppOverrides{}).user_page.empty());
}
