// The small supervisor every command app runs under, so that nothing the app
// starts outlives the harness: not when the harness is stopped by a signal,
// and not when it is killed with SIGKILL and can clean up nothing itself.
//
// It is the forked child of the harness (no exec: async-signal-safe calls
// only). It leads the app's process group, is a child subreaper (so that a
// grandchild that calls setsid(), or whose parent dies, is re-parented to
// it and not to init), and watches a socket whose other end only the harness
// holds: end of file there, whether the harness closed it or died, means
// "kill everything": every descendant gets SIGKILL. It exits once it has no
// descendant left, after sending the app's own wait status (4 bytes) up the
// socket, so the harness can tell "exited with status 1" from "killed by
// SIGSEGV".
#pragma once

namespace harness {

// In the forked child. `lifeline` is the supervisor's end of a socketpair;
// `output` becomes the app's stdout and stderr; `cwd` may be null.
[[noreturn]] void supervise_app(int lifeline, int output, const char* cwd, char** argv, char** envp);

}  // namespace harness
