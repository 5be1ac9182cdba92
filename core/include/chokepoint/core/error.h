// Errors that reach the user. User mistakes (bad input, bad usage) are
// reported as chokepoint::Error with a kind that fixes the exit code;
// broken invariants are internal errors (exit 1).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace chokepoint {

enum class ErrorKind {
  kUsage,     // bad command line or configuration: exit 2
  kInput,     // bad input data: exit 2
  kInternal,  // a bug or an environment failure: exit 1
  kInterrupted,  // SIGINT/SIGTERM received (interrupt.h): exit 128 + the signal
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// "file:line:column: message" as compilers print it; line/column 0 are omitted.
std::string FormatLocation(std::string_view file, long line, long column,
                           std::string_view message);

[[noreturn]] void ThrowInputError(std::string_view file, long line, long column,
                                  std::string_view message);
[[noreturn]] void ThrowUsageError(std::string_view message);
[[noreturn]] void ThrowInternalError(std::string_view message);

int ExitCodeFor(ErrorKind kind);

}  // namespace chokepoint
