#include "chokepoint/core/kernel_isa.h"

#include <atomic>

namespace chokepoint {
namespace {
std::atomic<int> g_kernel_isa{-1};  // -1: not chosen yet
}  // namespace

std::string_view ToString(KernelIsa isa) { return isa == KernelIsa::kAvx2 ? "avx2" : "baseline"; }

KernelIsa DetectedKernelIsa() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? KernelIsa::kAvx2 : KernelIsa::kBaseline;
#else
  return KernelIsa::kBaseline;
#endif
}

bool KernelsUseAvx2() {
  int isa = g_kernel_isa.load(std::memory_order_relaxed);
  if (isa < 0) {
    // Chosen on first use; a choice SetKernelIsa made meanwhile wins.
    int detected = static_cast<int>(DetectedKernelIsa());
    if (!g_kernel_isa.compare_exchange_strong(isa, detected, std::memory_order_relaxed)) return isa == static_cast<int>(KernelIsa::kAvx2);
    isa = detected;
  }
  return isa == static_cast<int>(KernelIsa::kAvx2);
}

KernelIsa ActiveKernelIsa() { return KernelsUseAvx2() ? KernelIsa::kAvx2 : KernelIsa::kBaseline; }

bool SetKernelIsa(KernelIsa isa) {
  if (isa == KernelIsa::kAvx2 && DetectedKernelIsa() != KernelIsa::kAvx2) return false;
  g_kernel_isa.store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

}  // namespace chokepoint
