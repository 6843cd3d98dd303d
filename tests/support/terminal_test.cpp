// Colour only on a terminal, never with NO_COLOR or TERM=dumb.
#include "support/terminal.hpp"

#include <catch2/catch.hpp>

#include <pty.h>
#include <unistd.h>

#include <cstdlib>

TEST_CASE("colour on a terminal, not on a pipe, not with NO_COLOR or TERM=dumb") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  int leader = -1, follower = -1;
  REQUIRE(::openpty(&leader, &follower, nullptr, nullptr, nullptr) == 0);
  ::unsetenv("NO_COLOR");
  ::setenv("TERM", "xterm", 1);
  CHECK(support::is_terminal(follower));
  CHECK(support::colour_wanted(follower));
  CHECK_FALSE(support::colour_wanted(pipe_fds[1]));
  ::setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(support::colour_wanted(follower));
  ::setenv("NO_COLOR", "", 1);  // empty: no-color.org says it does not count
  CHECK(support::colour_wanted(follower));
  ::setenv("TERM", "dumb", 1);
  CHECK_FALSE(support::colour_wanted(follower));
  ::unsetenv("NO_COLOR");
  for (int fd : {pipe_fds[0], pipe_fds[1], leader, follower}) ::close(fd);
}
