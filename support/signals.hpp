// Clean shutdown for the programs: SIGINT, SIGTERM and SIGHUP are blocked in every
// thread and received by one sigwait call, so servers stop from ordinary
// code instead of a signal handler; SIGPIPE is ignored (a peer that went
// away is an error value, not a death).
#pragma once

#include <csignal>

namespace support {

class StopSignals {
 public:
  // Call before any thread starts: threads inherit the blocked mask.
  StopSignals();
  // Blocks until SIGINT, SIGTERM or SIGHUP arrives; returns the signal number.
  int wait();

 private:
  sigset_t signals_;
};

}  // namespace support
