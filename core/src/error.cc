#include "chokepoint/core/error.h"

#include "chokepoint/core/interrupt.h"

#include <sstream>

namespace chokepoint {

std::string FormatLocation(std::string_view file, long line, long column, std::string_view message) {
  std::ostringstream out;
  out << file;
  if (line > 0) {
    out << ':' << line;
    if (column > 0) out << ':' << column;
  }
  out << ": " << message;
  return out.str();
}

void ThrowInputError(std::string_view file, long line, long column, std::string_view message) {
  throw Error(ErrorKind::kInput, FormatLocation(file, line, column, message));
}
void ThrowUsageError(std::string_view message) { throw Error(ErrorKind::kUsage, std::string(message)); }
void ThrowInternalError(std::string_view message) { throw Error(ErrorKind::kInternal, std::string(message)); }

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kInput:
      return 2;
    case ErrorKind::kInternal:
      return 1;
    case ErrorKind::kInterrupted:
      return 128 + (InterruptSignal() ? InterruptSignal() : 2);
  }
  return 1;
}

}  // namespace chokepoint
