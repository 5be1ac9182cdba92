// Test oracle for the sweep (tests and the benchmark ratio): recomputes the
// indices of every (spec, group, replicate) with ComputeSeriesIndices and
// Classify at every threshold point, with none of the engine's factorisation
// (bins and cumulative counts), so the two can be compared.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "chokepoint/core/group_series.h"
#include "chokepoint/robustness/sweep/sweep.h"

namespace chokepoint::testing {

// Counts [spec][group][threshold point][3 regimes] (threshold points in
// order growth, v_hi, v_lo, override; incoherent points = 0).
std::vector<int64_t> BruteForceRegimeCounts(const GroupSeries& series, const robustness::SweepGrid& grid,
                                            const robustness::ReplicateGenerator* generator, int replicates,
                                            std::span<const int> spec_subset, bool include_point);

}  // namespace chokepoint::testing
