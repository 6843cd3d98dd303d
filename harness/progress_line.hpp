// The live progress line of `harness run` and `check-app` on a terminal:
// "[3/40] 12s  running: sign in, token 500 ..." rewritten in place every
// quarter second while scenarios run, so a slow scenario never looks like a
// hang. Results are printed above it (clear() first). Never used when the
// output is piped: CI logs get results only.
#pragma once

#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "harness/runner.hpp"

namespace harness {

// The line for `snapshot`, at most `width` characters (names are cut).
std::string progress_text(const RunProgress::Snapshot& snapshot, std::size_t width);

class ProgressLine {
 public:
  // Writes to `out` under `console`, the mutex every writer of `out` holds.
  ProgressLine(const RunProgress& progress, std::ostream& out, std::mutex& console);
  ~ProgressLine();  // stops, and clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Erases the line; the caller holds `console`.
  void clear();

 private:
  void run();

  const RunProgress& progress_;
  std::ostream& out_;
  std::mutex& console_;
  std::mutex stop_mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  bool shown_ = false;
  std::thread thread_;
};

}  // namespace harness
