// Blocking and waiting for the stop signals.
#include "support/signals.hpp"

#include <pthread.h>

namespace support {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int StopSignals::wait() {
  int received = 0;
  sigwait(&signals_, &received);
  return received;
}

}  // namespace support
