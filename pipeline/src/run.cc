#include "chokepoint/pipeline/run.h"

#include <cstdio>
#include <chrono>

#include <oneapi/tbb/global_control.h>

#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/models/hac.h"
#include "chokepoint/robustness/models/ols.h"
#include "output.h"
#include "chokepoint/robustness/models/models_io.h"
#include "chokepoint/core/aggregate_io.h"
#include "chokepoint/core/batches_io.h"

namespace chokepoint::pipeline {

ThreadLimit::ThreadLimit(int threads) {
  if (threads > 0)
    control_ = std::make_shared<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                     static_cast<size_t>(threads));
}
ThreadLimit::~ThreadLimit() = default;

int ThreadLimit::InUse() {
  return static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

EventStudyCovariance HacEventStudyCovariance() {
  return [](const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::string* label) {
    const robustness::OlsResult ols = robustness::FitOls(X, y);
    const robustness::HacResult hac = robustness::ComputeHac(X, ols, robustness::HacOptions{});
    if (label) *label = "HAC " + hac.estimator;
    return Eigen::MatrixXd(hac.vcov);
  };
}

namespace {

class StageClock {
 public:
  StageClock(const RunObserver& observer, std::vector<StageTiming>* timings)
      : observer_(observer), timings_(timings) {}
  void Done(std::string stage) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    if (observer_.stage_done) observer_.stage_done(stage, seconds);
    timings_->push_back({std::move(stage), seconds});
    last_ = now;
  }

 private:
  const RunObserver& observer_;
  std::vector<StageTiming>* timings_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

void WriteRunSections(hid_t file, const RunOutcome& r) {
  WriteRunBase(file, r.meta, r.data.series, r.analysis);
  if (r.bootstrap) bootstrap::WriteBootstrapSection(file, *r.bootstrap);
  if (r.models) WriteModelsSection(file, *r.models);
  if (r.aggregates) WriteAggregateSection(file, *r.aggregates);
  if (r.batches) WriteBatchesSection(file, *r.batches);
}

}  // namespace

RunOutcome ExecuteRun(const PipelineConfig& config, const RunObserver& observer) {
  UseDataDirectory(config.data);
  ThreadLimit limit(config.run.threads);
  RunOutcome r;
  r.threads_used = ThreadLimit::InUse();
  StageClock clock(observer, &r.timings);

  r.data = LoadPanelGroups(config.data, config.run.seed);
  const GroupSeries& series = r.data.series;
  {
    // A window the data do not cover would classify nothing: say so before
    // any work, naming both ranges (the same rule for every group).
    const ResolvedWindow w = ResolveWindow(config.index, series.first_month, series.num_months);
    if (w.status == IndexStatus::kWindowOutsideData)
      ThrowUsageError("index window " + w.start.ToString() + ".." + w.end.ToString() +
                      " ([index] window_start/window_end) lies outside the data (" + series.first_month.ToString() +
                      ".." + series.month(series.num_months - 1).ToString() + ")");
  }
  // The bootstrap's memory is known now: refuse before the models are fitted.
  if (config.run.bootstrap) bootstrap::CheckBootstrapMemory(series.num_groups(), config.bootstrap);
  r.analysis = AnalyzeGroups(series, config.index, config.thresholds);
  if (observer.info)
    observer.info(std::to_string(series.num_groups()) + " groups, " + std::to_string(series.num_months) +
                  " months (" + series.first_month.ToString() + ".." +
                  series.month(series.num_months - 1).ToString() + "), " + r.data.label);
  clock.Done("indices and classification");

  if (config.run.models) {
    r.models = RunModels(series, config.models);
    clock.Done("models");
  }
  if (config.run.bootstrap) {
    std::vector<std::vector<double>> episodes;
    if (r.models && config.bootstrap.fitted_surges)
      for (const robustness::GroupModels& gm : r.models->groups) episodes.push_back(gm.EpisodeLogComponent());
    r.bootstrap = bootstrap::RunBootstrap(series, config.index, config.thresholds, config.bootstrap, episodes);
    if (!episodes.empty())
      for (size_t g = 0; g < r.bootstrap->groups.size() && g < r.models->groups.size(); ++g)
        r.bootstrap->groups[g].fitted_component = r.models->groups[g].EpisodeDescription();
    clock.Done("bootstrap, " + std::to_string(r.bootstrap->replicates) + " replicates x " +
               std::to_string(r.bootstrap->num_groups()) + " groups" +
               (episodes.empty() ? std::string() : std::string(", fitted episodes kept in the fitted path")));
    if (observer.info) {
      const bootstrap::BootstrapResult& b = *r.bootstrap;
      auto ms = [](double s) {
        char text[32];
        std::snprintf(text, sizeof text, "%.2f ms", 1e3 * s);
        return std::string(text);
      };
      observer.info("bootstrap phases: setup " + ms(b.setup_seconds) + ", replicates " + ms(b.replicate_seconds) +
                    ", calibration " + ms(b.calibration_seconds) + ", summaries " + ms(b.summary_seconds) +
                    ", scheme diagnostics " + ms(b.diagnostics_seconds));
    }
  }
  if (config.run.aggregate) {
    r.aggregates = ComputeAggregates(*r.data.panel, *r.data.catalog, config.aggregate.LoadBec(),
                                     config.aggregate.LoadGdp(), config.aggregate);
    clock.Done("aggregates");
  }
  if (config.run.batches) {
    r.batches = ComputeBatches(*r.data.panel, *r.data.catalog, config.index, config.thresholds, config.batches,
                               HacEventStudyCovariance());
    clock.Done("batches");
  }

  r.meta.config_toml = TomlToString(config.ResolvedRunTable());
  r.meta.seed = config.run.seed;
  r.meta.synthetic = r.data.synthetic;
  r.meta.data_label = r.data.label;
  r.meta.data_details = r.data.details;
  return r;
}

void WriteRunFile(const std::filesystem::path& path, const RunOutcome& outcome) {
  AtomicOutput output(path);
  WriteAndCommit(output, [&](hid_t file) { WriteRunSections(file, outcome); });
}

RunOutcome RunToFile(const PipelineConfig& config, const RunObserver& observer) {
  RefuseOutputOverInput(config.run.out, config.data.file, "--data ([data] file)");
  // Opened first so an unusable output path fails before minutes of work.
  AtomicOutput output(config.run.out);
  RunOutcome r = ExecuteRun(config, observer);
  WriteAndCommit(output, [&](hid_t file) { WriteRunSections(file, r); });
  return r;
}

}  // namespace chokepoint::pipeline
