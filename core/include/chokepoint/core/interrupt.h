// Ctrl-C and SIGTERM stop a command cleanly (docs/method.md §9.5): the
// handler only records the signal; long loops call ThrowIfInterrupted() at
// their unit boundaries (a chunk of replicates, a group, a specification),
// the exception unwinds through every AtomicOutput (removing its temporary),
// and the CLI exits 128 + signal (130, 143) with one line. A second signal
// while stopping ends the process at once (the default action).
#pragma once

namespace chokepoint {

// Installs the SIGINT and SIGTERM handlers (the CLI calls it once); a
// signal ignored on entry (nohup) stays ignored.
void InstallInterruptHandlers();
// The signal received (SIGINT, SIGTERM), or 0.
int InterruptSignal();
inline bool InterruptRequested() { return InterruptSignal() != 0; }
// Throws chokepoint::Error (kind kInterrupted) when a signal was received.
void ThrowIfInterrupted();

}  // namespace chokepoint
