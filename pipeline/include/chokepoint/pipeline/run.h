// `run`: the talk's method end to end on one panel, then the stages a referee
// asks for next, in this order (docs/method.md §9.8):
//   1. data: catalog + panel (file, or the synthetic default) -> group series
//   2. indices and classification (V, G, cell, regime per group)
//   3. models: HAC trends, Bai-Perron breaks, trend + surge fits, adjusted
//      regimes, panel regression
//   4. bootstrap: intervals and regime probabilities; the episodes the models
//      found (surge pulses of stockpiling groups, else Bai-Perron segments)
//      are held in the residual scheme's fitted path, so they are not
//      resampled as noise ([bootstrap] fitted_surges)
//   5. aggregates: capital goods and intermediates as % of GDP
//   6. batches: batch 1/2/3 validation and event study
// Each stage after 2 can be switched off in [run]. Computing and writing are
// separate: ExecuteRun returns every result; WriteRunFile writes one HDF5
// run file atomically (temporary name, renamed when complete).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/data.h"
#include "chokepoint/robustness/models/models.h"

namespace chokepoint::pipeline {

// Limits TBB to `threads` workers (0 = every core) while alive.
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads);
  ~ThreadLimit();
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;
  // Workers actually available under the current limit.
  static int InUse();

 private:
  std::shared_ptr<void> control_;
};

// Progress notes from a driver; every callback is optional.
struct RunObserver {
  std::function<void(std::string_view message)> info;                      // one line of context
  std::function<void(std::string_view stage, double seconds)> stage_done;  // a stage finished
};

struct StageTiming {
  std::string stage;
  double seconds = 0.0;
};

// Everything a run computed.
struct RunOutcome {
  GroupData data;
  BaseAnalysis analysis;
  std::optional<robustness::ModelsResult> models;
  std::optional<bootstrap::BootstrapResult> bootstrap;
  std::optional<AggregateResult> aggregates;
  std::optional<BatchesResult> batches;
  RunMetadata meta;                  // resolved configuration, seed, data label
  std::vector<StageTiming> timings;  // per stage, in order
  int threads_used = 0;
};

// Newey-West HAC covariance for the batch event study (sandwich::NeweyWest
// defaults: Bartlett kernel, NW 1994 automatic lag, prewhitened).
EventStudyCovariance HacEventStudyCovariance();

// Runs every stage [run] switches on. Throws chokepoint::Error.
RunOutcome ExecuteRun(const PipelineConfig& config, const RunObserver& observer = {});

// Writes the run file: base contract, then each section that ran.
void WriteRunFile(const std::filesystem::path& path, const RunOutcome& outcome);

// ExecuteRun + WriteRunFile to [run] out; the output is opened before any
// work, so an unusable path fails at once and a failure leaves no file.
RunOutcome RunToFile(const PipelineConfig& config, const RunObserver& observer = {});

}  // namespace chokepoint::pipeline
