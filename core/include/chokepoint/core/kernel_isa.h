// Instruction set of the vector kernels (the index kernels of indices.h and
// the random streams' Philox blocks of random.h): AVX2 where the CPU has it,
// else baseline x86-64, chosen on first use. Every choice gives
// bit-identical numbers (tested);
// forcing one exists so tests and benchmarks can compare them.
#pragma once

#include <string_view>

namespace chokepoint {

enum class KernelIsa { kBaseline, kAvx2 };
std::string_view ToString(KernelIsa isa);  // "baseline", "avx2"
// What the CPU offers, and what the kernels use (the former unless set).
KernelIsa DetectedKernelIsa();
KernelIsa ActiveKernelIsa();
// Returns false, changing nothing, for an instruction set the CPU lacks.
bool SetKernelIsa(KernelIsa isa);
// ActiveKernelIsa() == kAvx2, cheap enough for a hot path.
bool KernelsUseAvx2();

}  // namespace chokepoint
