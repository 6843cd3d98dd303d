// The progress line's text: counts, seconds, what runs, cut to the width.
#include "harness/progress_line.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace harness;

TEST_CASE("the progress line says how many are done, for how long, and what runs") {
  RunProgress::Snapshot snapshot;
  snapshot.done = 3;
  snapshot.total = 40;
  snapshot.elapsed_ms = 12500;
  snapshot.running = {"sign in", "token 500"};
  CHECK(progress_text(snapshot, 100) == "[3/40] 12s  running: sign in, token 500");
  CHECK(progress_text(snapshot, 20) == "[3/40] 12s  runni...");
  snapshot.running.clear();
  CHECK(progress_text(snapshot, 100) == "[3/40] 12s");
}

TEST_CASE("the progress line draws over itself and is erased when the run ends") {
  RunProgress progress;
  std::ostringstream out;
  std::mutex console;
  {
    ProgressLine line(progress, out, console);
    // No sleep: wait until the line has been drawn at least once.
    for (;;) {
      std::lock_guard<std::mutex> lock(console);
      if (!out.str().empty()) break;
    }
  }
  const std::string text = out.str();
  CHECK(text.rfind("\r\033[K[0/0] ", 0) == 0);
  CHECK(text.size() >= 4);
  CHECK(text.compare(text.size() - 4, 4, "\r\033[K") == 0);
}
