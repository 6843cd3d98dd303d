// The project's one small hierarchy of error types, each mapped to the exit
// code a program returns for it (modelled on CLI11's Error.hpp).
#pragma once

#include <stdexcept>
#include <string>

namespace support {

enum class ExitCode : int {
  ok = 0,
  failed = 1,         // a scenario or check failed
  invalid_input = 2,  // bad usage, config or scenario file
  system = 3,         // the environment failed us: port in use, app would not start
};

class Error : public std::runtime_error {
 public:
  Error(std::string name, const std::string& message, ExitCode code)
      : std::runtime_error(message), name_(std::move(name)), code_(code) {}
  const std::string& name() const { return name_; }
  ExitCode exit_code() const { return code_; }

 private:
  std::string name_;
  ExitCode code_;
};

// Wrong command-line usage.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message)
      : Error("UsageError", message, ExitCode::invalid_input) {}
};

// A file or value given by the user is invalid. The message is complete
// (file:line:col, the offending line and a caret when the place is known).
class InputError : public Error {
 public:
  explicit InputError(const std::string& message)
      : Error("InputError", message, ExitCode::invalid_input) {}
};

// Something outside the user's input failed: a port, a process, a socket.
class SystemError : public Error {
 public:
  explicit SystemError(const std::string& message)
      : Error("SystemError", message, ExitCode::system) {}
};

}  // namespace support
