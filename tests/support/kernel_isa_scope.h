// For tests that run a kernel on every instruction set the CPU offers
// (kernel_isa.h): the list, and a scope that puts the detected one back.
#pragma once

#include <vector>

#include "chokepoint/core/kernel_isa.h"

namespace chokepoint::testing {

inline std::vector<KernelIsa> AvailableKernelIsas() {
  std::vector<KernelIsa> isas = {KernelIsa::kBaseline};
  if (DetectedKernelIsa() == KernelIsa::kAvx2) isas.push_back(KernelIsa::kAvx2);
  return isas;
}

class KernelIsaScope {
 public:
  explicit KernelIsaScope(KernelIsa isa) : ok_(SetKernelIsa(isa)) {}
  ~KernelIsaScope() { SetKernelIsa(DetectedKernelIsa()); }
  KernelIsaScope(const KernelIsaScope&) = delete;
  KernelIsaScope& operator=(const KernelIsaScope&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

}  // namespace chokepoint::testing
