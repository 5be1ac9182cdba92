// `sweep`: the robustness sweep over thresholds, weightings, windows,
// frequencies and bases (docs/method.md §6) on the same data a `run` with the
// same configuration analyses: the panel of [data] (simulated with the run's
// seed when no file is named), or a wide CSV of group series. The sweep's
// reference point, seed, threads and bootstrap settings come from the run's
// sections unless [sweep] sets its own (config.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/period.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/data.h"
#include "chokepoint/robustness/sweep/sweep.h"

namespace chokepoint::pipeline {

// Where the series come from when not from [data].
struct SweepInput {
  std::string series_file;  // wide CSV of group series; empty: the [data] panel
  std::optional<YearMonth> start;  // first month when the CSV has no month column
  // Semiconductor-related columns; unset: the catalog's flags by group name.
  std::optional<std::vector<std::string>> semiconductor;
};

struct SweepOutcome {
  GroupData data;
  robustness::SweepResult result;
  BaseAnalysis analysis;  // indices and regimes at the reference specification
  RunMetadata meta;
  int ranks = 1;              // MPI ranks that computed it
  int64_t resumed_series = 0;  // series taken from a checkpoint
};

// In this process, no checkpoint (the Python module and tests).
SweepOutcome ExecuteSweep(const PipelineConfig& config, const SweepInput& input,
                          const robustness::SweepProgress& progress = {});

// The run-file base (so `report` reads a sweep file like a run file) plus /sweep.
void WriteSweepFile(const std::filesystem::path& path, const SweepOutcome& outcome);

// The checkpoint of a sweep writing `out`: OUT.checkpoint.
std::filesystem::path SweepCheckpointPath(const std::filesystem::path& out);

// The sweep to [run] out, the output checked first (docs/method.md §9.12):
// - in one process, finished groups are saved to OUT.checkpoint as they
//   complete; `resume` continues from it (same configuration, data and seed),
//   giving the file an uninterrupted sweep writes; an interruption keeps it;
// - under mpirun, groups are dealt to ranks, rank 0 gathers them and writes
//   the file one process writes; a failing rank fails every rank.
// Other ranks return an outcome without derived tables.
SweepOutcome SweepToFile(const PipelineConfig& config, const SweepInput& input,
                         const robustness::SweepProgress& progress = {}, bool resume = false);

}  // namespace chokepoint::pipeline
