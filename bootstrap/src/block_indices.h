// V and G of a levels-scheme replicate straight from its blocks, without
// building the replicate series.
//
// A levels replicate is a concatenation of blocks of the observed series, so
// its sums are sums of block sums, and each block sum is a difference of two
// prefix sums over the (circularly extended) series. With y = x - c (c the
// observed mean, so that the variance below does not cancel):
//   sum x*          = n c + sum_blocks (P1[pos + len] - P1[pos])
//   sum (x* - mean)^2 = Y2 - Y1^2 / n, Y2 from the prefix sums of y^2
//   sum w_t x*_t    = c + sum_blocks [(a + b (i - pos)) (P1 diff) + b (PT diff)]
// for affine normalised weights w_t = a + b t (equal and linear weighting),
// with PT[j] = sum_{k < j} k y_k. The cost per replicate is O(blocks), not
// O(T): this is how the engine evaluates the levels scheme on monthly
// periods. Same blocks as SeriesResampler::Generate (ForEachBlock), so the
// values equal ComputeIndices(Generate(...)) up to rounding (tested).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/indices.h"

namespace chokepoint::bootstrap {

class BlockIndexKernel {
 public:
  // Whether the kernel can serve this resampler and index: levels scheme,
  // monthly periods, equal or linear weighting.
  static bool Supports(const SeriesResampler& resampler, const IndexSpec& spec);

  // `resampler` must outlive the kernel. normalized_weights as from
  // MakeWeights(spec, resampler.length()); base_periods from BasePeriods(spec).
  BlockIndexKernel(const SeriesResampler& resampler, std::span<const double> normalized_weights,
                   int base_periods);

  // V and G of replicate (seed, group, replicate), with ComputeIndices'
  // status checks. No allocation.
  IndexValues Compute(uint64_t seed, uint32_t group, uint32_t replicate) const;

 private:
  const SeriesResampler* resampler_;
  uint32_t n_ = 0;
  int base_periods_ = 1;
  double shift_ = 0.0;                // c
  double weight_a_ = 0.0, weight_b_ = 0.0;  // w_t = a + b t
  // Prefix sums over the extended series (index k reads x[k mod n]), length 2n + 1.
  std::vector<double> p1_, p2_, pt_;
};

}  // namespace chokepoint::bootstrap
