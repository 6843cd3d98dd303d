// Reading Discord's answers, and the avatar URL rule.
#include "client/discord_types.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/errors.hpp"

using nlohmann::json;

TEST_CASE("avatar_url: the user's avatar, else Discord's default avatar") {
  client::DiscordUser user;
  user.id = "80351110224678912";
  user.avatar = "8342729096ea3675442027381ff50dfe";
  CHECK(user.avatar_url() == "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png");

  user.avatar.reset();
  // New username system: (id >> 22) % 6.
  CHECK(user.avatar_url() ==
        "https://cdn.discordapp.com/embed/avatars/" + std::to_string((80351110224678912ULL >> 22) % 6) + ".png");
  // Legacy discriminator: discriminator % 5.
  user.discriminator = "1337";
  CHECK(user.avatar_url() == "https://cdn.discordapp.com/embed/avatars/2.png");
}

TEST_CASE("user_from_json reads nullable and absent fields") {
  auto user = client::user_from_json(
      json::parse(R"({"id":"1","username":"nelly","discriminator":"0","global_name":null,"avatar":null})"), "user");
  CHECK(user.username == "nelly");
  CHECK_FALSE(user.global_name);
  CHECK_FALSE(user.email);
  CHECK(user.display_name() == "nelly");

  user = client::user_from_json(
      json::parse(R"({"id":"1","username":"nelly","global_name":"Nelly","email":"n@example.com","verified":true})"),
      "user");
  CHECK(user.display_name() == "Nelly");
  CHECK(user.email == std::optional<std::string>("n@example.com"));
  CHECK(user.verified == std::optional<bool>(true));
}

TEST_CASE("answers without the documented shape are TransportErrors naming the field") {
  CHECK_THROWS_WITH(client::user_from_json(json::parse(R"({"id":"1"})"), "the user answer"),
                    Catch::Contains("the user answer") && Catch::Contains("'username' is missing"));
  CHECK_THROWS_AS(client::user_from_json(json::parse("[]"), "x"), client::TransportError);
  CHECK_THROWS_AS(client::token_set_from_json(json::parse(R"({"access_token":"a"})"), client::Clock::now(), "x"),
                  client::TransportError);
  CHECK_THROWS_AS(client::guilds_from_json(json::parse("{}"), "x"), client::TransportError);
}

TEST_CASE("token_set_from_json and expiry") {
  auto now = client::Clock::now();
  auto tokens = client::token_set_from_json(
      json::parse(R"({"access_token":"a","token_type":"Bearer","expires_in":604800,"refresh_token":"r","scope":"identify email"})"),
      now, "x");
  CHECK(tokens.refresh_token == "r");
  CHECK(tokens.has_scope("email"));
  CHECK_FALSE(tokens.has_scope("guilds"));
  CHECK_FALSE(tokens.expired(now));
  CHECK(tokens.expired(now + std::chrono::seconds(604800)));
  // A little early, so a token never dies in the middle of a call.
  CHECK(tokens.expired(now + std::chrono::seconds(604800 - 10)));
}
