#include "chokepoint/pipeline/sweep.h"

#include "chokepoint/core/error.h"
#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/pipeline/run.h"
#include "chokepoint/robustness/sweep/sweep_io.h"
#include "output.h"

namespace chokepoint::pipeline {

namespace {

void WriteSweepSections(hid_t file, const SweepOutcome& s) {
  WriteRunBase(file, s.meta, s.data.series, s.analysis);
  robustness::WriteSweepSection(file, s.result);
  h5::Handle sweep(H5Gopen2(file, "/sweep", H5P_DEFAULT));
  h5::WriteAttribute(sweep.id(), "data_label", s.data.label);
}

}  // namespace

SweepOutcome ExecuteSweep(const PipelineConfig& config, const SweepInput& input,
                          const robustness::SweepProgress& progress) {
  UseDataDirectory(config.data);
  ThreadLimit limit(config.sweep.threads);
  SweepOutcome s;
  if (!input.series_file.empty()) {
    s.data = LoadSeriesGroups(input.series_file, LoadCatalog(config.data), input.start, input.semiconductor);
  } else {
    // The run's seed simulates the synthetic default, as in `run`.
    s.data = LoadPanelGroups(config.data, config.run.seed);
  }
  s.result = robustness::RunSweep(s.data.series, config.sweep, progress);
  s.analysis = AnalyzeGroups(s.data.series, config.sweep.default_index, config.sweep.default_thresholds);
  s.meta.config_toml = TomlToString(config.ResolvedSweepTable());
  s.meta.seed = config.sweep.seed;
  s.meta.synthetic = s.data.synthetic;
  s.meta.data_label = s.data.label;
  s.meta.data_details = s.data.details;
  return s;
}

void WriteSweepFile(const std::filesystem::path& path, const SweepOutcome& outcome) {
  AtomicOutput output(path);
  WriteAndCommit(output, [&](hid_t file) { WriteSweepSections(file, outcome); });
}

SweepOutcome SweepToFile(const PipelineConfig& config, const SweepInput& input,
                         const robustness::SweepProgress& progress) {
  RefuseOutputOverInput(config.run.out, config.data.file, "--data ([data] file)");
  RefuseOutputOverInput(config.run.out, input.series_file, "--input");
  AtomicOutput output(config.run.out);
  SweepOutcome s = ExecuteSweep(config, input, progress);
  WriteAndCommit(output, [&](hid_t file) { WriteSweepSections(file, s); });
  return s;
}

}  // namespace chokepoint::pipeline
