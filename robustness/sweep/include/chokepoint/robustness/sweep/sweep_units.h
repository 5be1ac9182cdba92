// The sweep's work units, for drivers that split a sweep across processes
// (docs/method.md §6.10): a unit is groups x replicates; its bin counts merge
// exactly (integer sums) in any order, and its per-slot outputs never overlap
// another unit's.
#pragma once

#include <vector>

#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/robustness/sweep/sweep.h"

namespace chokepoint::robustness {

// Where a unit writes its per-slot outputs; every slot belongs to exactly one
// unit, so units never race and the contents do not depend on scheduling.
struct SweepUnitSinks {
  std::vector<double>* V_point = nullptr;  // [spec][group], written by units holding replicate 0
  std::vector<double>* G_point = nullptr;
  std::vector<IndexStatus>* point_status = nullptr;
  std::vector<double>* V_cloud = nullptr;  // [spec][group][replicate], optional
  std::vector<double>* G_cloud = nullptr;
  std::vector<double>* V_default_cloud = nullptr;  // [group][replicate] of the default spec, optional
  std::vector<double>* G_default_cloud = nullptr;
  int replicates = 0;  // cloud row length
  // Keep the full bin tables of every specification in the unit's partial
  // (SweepOptions::keep_counts); the summaries are kept either way.
  bool full_counts = true;
};

// One work unit (for MPI-style splitting): bin counts over the unit's bootstrap
// replicates, plus the per-slot outputs in `sinks`.
SweepPartial RunSweepUnit(const GroupSeries& series, const SweepGrid& grid, const ReplicateGenerator* generator,
                          const SweepWorkUnit& unit, const SweepUnitSinks& sinks);

}  // namespace chokepoint::robustness
