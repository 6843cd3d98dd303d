// The command app's supervisor (see app_supervisor.hpp). Everything here runs
// in a child forked from a multi-threaded process that never calls exec, so
// only async-signal-safe calls are allowed: no allocation, no stdio, no locks.
#include "harness/app_supervisor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>

namespace harness {
namespace {

volatile sig_atomic_t stop_requests = 0;

void on_stop_signal(int) { stop_requests = stop_requests + 1; }
// Only interrupts poll(), so that the app's end is reported at once.
void on_child_signal(int) {}

constexpr int lifeline_fd = 3;

void write_text(const char* text) {
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

// The parent pid in /proc/<pid>/stat ("pid (comm) state ppid ..."; comm may
// hold anything, so the fields are read after the last ')'), or -1.
long parent_of(const char* pid_text) {
  char path[64] = "/proc/";
  std::strncat(path, pid_text, 24);
  std::strcat(path, "/stat");
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buffer[1024];
  ssize_t size = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  if (size <= 0) return -1;
  buffer[size] = '\0';
  char* close = std::strrchr(buffer, ')');
  if (!close || close[1] != ' ' || close[2] == '\0' || close[3] != ' ') return -1;
  long parent = 0;
  for (const char* digit = close + 4; *digit >= '0' && *digit <= '9'; ++digit) parent = parent * 10 + (*digit - '0');
  return parent;
}

// Sends `signal_number` to every child of this process. Children that left
// the process group (setsid) are reached too; grandchildren whose parent is
// killed are re-parented here (subreaper) and reached by the next round.
void signal_children(int signal_number) {
  const pid_t self = ::getpid();
  int directory = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory < 0) return;
  alignas(8) char entries[4096];
  for (;;) {
    long size = ::syscall(SYS_getdents64, directory, entries, sizeof entries);
    if (size <= 0) break;
    for (long offset = 0; offset < size;) {
      // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
      unsigned short record_length;
      std::memcpy(&record_length, entries + offset + 16, sizeof record_length);
      const char* name = entries + offset + 19;
      offset += record_length;
      if (name[0] < '1' || name[0] > '9') continue;
      long pid = 0;
      const char* digit = name;
      for (; *digit >= '0' && *digit <= '9' && pid < 1L << 40; ++digit) pid = pid * 10 + (*digit - '0');
      if (*digit != '\0' || pid == self) continue;
      if (parent_of(name) == self) ::kill(static_cast<pid_t>(pid), signal_number);
    }
  }
  ::close(directory);
}

void reset_signals() {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD})
    ::sigaction(signal_number, &default_action, nullptr);
}

void unblock_all_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// The app itself: stays in the supervisor's process group.
[[noreturn]] void exec_app(const char* cwd, char** argv, char** envp) {
  reset_signals();
  unblock_all_signals();
  if (cwd && ::chdir(cwd) != 0) {
    write_text("[harness] cannot enter the app's working directory ");
    write_text(cwd);
    write_text("\n");
    ::_exit(127);
  }
  ::execve(argv[0], argv, envp);
  write_text("[harness] cannot execute ");
  write_text(argv[0]);
  write_text("\n");
  ::_exit(127);
}

// The app's output pipe on stdout and stderr, /dev/null on stdin, the
// lifeline on fd 3 (close-on-exec, so the app never holds it), nothing else:
// an inherited copy of another app's lifeline would keep that app alive.
void arrange_descriptors(int lifeline, int output) {
  ::dup2(output, STDOUT_FILENO);
  ::dup2(output, STDERR_FILENO);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0 && null_fd != STDIN_FILENO) ::dup2(null_fd, STDIN_FILENO);
  if (lifeline != lifeline_fd) ::dup2(lifeline, lifeline_fd);
  if (::syscall(SYS_close_range, lifeline_fd + 1, ~0U, 0) != 0)
    for (int fd = lifeline_fd + 1; fd < 65536; ++fd) ::close(fd);
  ::fcntl(lifeline_fd, F_SETFD, FD_CLOEXEC);
}

}  // namespace

void supervise_app(int lifeline, int output, const char* cwd, char** argv, char** envp) {
  ::setpgid(0, 0);
  arrange_descriptors(lifeline, output);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  reset_signals();
  struct sigaction stop_action {};
  stop_action.sa_handler = on_stop_signal;
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal_number, &stop_action, nullptr);
  struct sigaction child_action {};
  child_action.sa_handler = on_child_signal;
  ::sigaction(SIGCHLD, &child_action, nullptr);
  unblock_all_signals();

  pid_t app = ::fork();
  if (app == 0) exec_app(cwd, argv, envp);
  if (app < 0) {
    write_text("[harness] cannot fork the app\n");
    ::_exit(127);
  }

  bool killing = false;
  int stops_forwarded = 0;
  for (;;) {
    int status = 0;
    pid_t reaped;
    while ((reaped = ::waitpid(-1, &status, WNOHANG)) > 0)
      if (reaped == app) ::send(lifeline_fd, &status, sizeof status, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (reaped < 0 && errno == ECHILD) ::_exit(0);
    if (stops_forwarded != stop_requests) {
      stops_forwarded = stop_requests;
      signal_children(SIGTERM);
    }
    if (killing) {
      signal_children(SIGKILL);
      ::poll(nullptr, 0, 5);
      continue;
    }
    pollfd watch{lifeline_fd, POLLIN, 0};
    if (::poll(&watch, 1, 20) > 0) {
      char byte;
      ssize_t count = ::recv(lifeline_fd, &byte, 1, MSG_DONTWAIT);
      if (count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR)) killing = true;
    }
  }
}

}  // namespace harness
