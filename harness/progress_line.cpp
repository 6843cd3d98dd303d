// The live progress line (see progress_line.hpp).
#include "harness/progress_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include "support/utf8.hpp"

namespace harness {
namespace {

constexpr auto progress_tick = std::chrono::milliseconds(250);
constexpr const char* erase_line = "\r\033[K";

std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) return size.ws_col - 1;
  return 79;
}

}  // namespace

std::string progress_text(const RunProgress::Snapshot& snapshot, std::size_t width) {
  std::string line = "[" + std::to_string(snapshot.done) + "/" + std::to_string(snapshot.total) + "] " +
                     std::to_string(static_cast<long long>(snapshot.elapsed_ms / 1000)) + "s";
  if (!snapshot.running.empty()) {
    line += "  running: ";
    for (std::size_t i = 0; i < snapshot.running.size(); ++i) line += (i ? ", " : "") + snapshot.running[i];
  }
  if (line.size() > width) line = support::utf8_prefix(line, width > 3 ? width - 3 : width) + "...";
  return line;
}

ProgressLine::ProgressLine(const RunProgress& progress, std::ostream& out, std::mutex& console)
    : progress_(progress), out_(out), console_(console), thread_([this] { run(); }) {}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(console_);
  clear();
}

void ProgressLine::clear() {
  if (!shown_) return;
  out_ << erase_line << std::flush;
  shown_ = false;
}

void ProgressLine::run() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!stop_.wait_for(lock, progress_tick, [this] { return stopping_; })) {
    const std::string line = progress_text(progress_.snapshot(), terminal_width());
    std::lock_guard<std::mutex> console(console_);
    out_ << erase_line << line << std::flush;
    shown_ = true;
  }
}

}  // namespace harness
