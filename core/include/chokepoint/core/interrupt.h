// Ctrl-C and SIGTERM stop a command cleanly (docs/method.md §9.5): the
// handler only records the signal; long loops call ThrowIfInterrupted() at
// their unit boundaries (a chunk of replicates, a group, a specification),
// the exception unwinds through every AtomicOutput (removing its temporary),
// and the CLI exits 128 + signal (130, 143) with one line. A second signal
// while stopping ends the process at once (the default action).
#pragma once

#include <signal.h>

namespace chokepoint {

// Installs the SIGINT and SIGTERM handlers (the CLI calls it once); a
// signal ignored on entry (nohup) stays ignored.
void InstallInterruptHandlers();
// The signal received (SIGINT, SIGTERM), or 0.
int InterruptSignal();
inline bool InterruptRequested() { return InterruptSignal() != 0; }
// Throws chokepoint::Error (kind kInterrupted) when a signal was received.
void ThrowIfInterrupted();

// For hosts that keep their own SIGINT handler (the Python module): while
// alive, SIGINT sets the flag the engine's loops check, so Ctrl-C stops a
// long call at its next unit boundary; the host's handler is restored and
// the flag cleared when it ends. Process-wide: create it on the thread that
// receives signals (the interpreter's main thread), one at a time.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

}  // namespace chokepoint
