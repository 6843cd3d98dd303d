// What every benchmark program needs: a clock, min/median/max of repeated
// measurements, the process's resident memory, the machine's load (printed
// with the figures, so a noisy run shows itself) and a loop that runs a job
// on N threads. Header-only: bench/CMakeLists.txt makes one program per .cpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Spread {
  double min = 0;
  double median = 0;
  double max = 0;
};

// Of an odd count the middle value; of an even count the mean of the two middle ones.
inline Spread spread(std::vector<double> values) {
  Spread result;
  if (values.empty()) return result;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  result.min = values.front();
  result.max = values.back();
  result.median = values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  return result;
}

// The value at fraction `quantile` (0..1) of sorted `values`, nearest rank.
inline double percentile(std::vector<double> values, double quantile) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(quantile * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

inline std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

// "min / median / max"
inline std::string format(const Spread& s, int decimals) {
  return fixed(s.min, decimals) + " / " + fixed(s.median, decimals) + " / " + fixed(s.max, decimals);
}

// The number on the `field` line of /proc/<pid>/<file>: "VmRSS" (KiB) or
// "Threads" of status, "Anonymous" or "Private_Dirty" (KiB) of smaps_rollup;
// -1 when unreadable.
inline long proc_field(const std::string& file, const std::string& field, const std::string& pid = "self") {
  std::ifstream in("/proc/" + pid + "/" + file);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, field.size() + 1, field + ":") == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

inline long proc_status(const std::string& field, const std::string& pid = "self") {
  return proc_field("status", field, pid);
}

inline long rss_kib(const std::string& pid = "self") { return proc_status("VmRSS", pid); }

// Memory nobody else shares: anonymous pages (heap, stacks) of the process.
inline long anonymous_kib(const std::string& pid = "self") { return proc_field("smaps_rollup", "Anonymous", pid); }

inline std::string mib(long kib) { return fixed(static_cast<double>(kib) / 1024.0, 2) + " MiB"; }

// The 1, 5 and 15 minute load averages.
inline std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// TCP sockets in TIME-WAIT on this machine (/proc/net/sockstat "tw"); -1
// when unreadable. Every closed loopback connection leaves one for 60 s, and
// tens of thousands change which ports bind(0) hands out.
inline long time_wait_sockets() {
  std::ifstream file("/proc/net/sockstat");
  std::string word;
  while (file >> word)
    if (word == "tw") {
      long count = -1;
      file >> count;
      return count;
    }
  return -1;
}

// The first lines of every benchmark's output: what ran, when, where.
inline void print_header(const std::string& title) {
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::cout << "# " << title << "\n# " << date << ", " << std::thread::hardware_concurrency()
            << " cores, load average " << load_average() << ", " << time_wait_sockets()
            << " TCP sockets in TIME-WAIT\n";
}

// Runs job(thread_index) on `threads` threads and waits for them all.
inline void on_threads(int threads, const std::function<void(int)>& job) {
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(job, i);
  for (auto& thread : pool) thread.join();
}

// `total` split over `parts` as evenly as possible: the share of part `index`.
inline int share(int total, int parts, int index) { return total / parts + (index < total % parts ? 1 : 0); }

// Runs a benchmark's body; an exception means it could not run: exit 3.
inline int run_or_report(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& error) {
    std::cerr << program << ": " << error.what() << std::endl;
    return 3;
  }
}

}  // namespace bench
