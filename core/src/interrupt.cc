#include "chokepoint/core/interrupt.h"

#include <signal.h>

#include <atomic>
#include <cstring>
#include <string>

#include "chokepoint/core/error.h"

namespace chokepoint {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler may only touch a lock-free atomic");

extern "C" void OnInterrupt(int signal_number) {
  if (g_signal.exchange(signal_number) != 0) {
    // Second signal: stop now, as if no handler were installed.
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
}

}  // namespace

void InstallInterruptHandlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal_number : {SIGINT, SIGTERM}) {
    // A signal ignored on entry (nohup, a background job of a script) stays
    // ignored, as the shell meant.
    struct sigaction previous;
    if (::sigaction(signal_number, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
    ::sigaction(signal_number, &action, nullptr);
  }
}

int InterruptSignal() { return g_signal.load(std::memory_order_relaxed); }

InterruptScope::InterruptScope() {
  g_signal.store(0);
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (::sigaction(SIGINT, nullptr, &previous_) == 0 && previous_.sa_handler != SIG_IGN)
    installed_ = ::sigaction(SIGINT, &action, nullptr) == 0;
}

InterruptScope::~InterruptScope() {
  if (installed_) ::sigaction(SIGINT, &previous_, nullptr);
  g_signal.store(0);
}

void ThrowIfInterrupted() {
  const int s = InterruptSignal();
  if (s == 0) return;
  throw Error(ErrorKind::kInterrupted, std::string("interrupted by ") + (s == SIGINT ? "SIGINT" : s == SIGTERM ? "SIGTERM" : "a signal") +
                                           "; stopped, nothing was written");
}

}  // namespace chokepoint
