#include "chokepoint/pipeline/stages.h"

#include <functional>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/run_config.h"
#include "chokepoint/pipeline/run.h"
#include "chokepoint/core/version.h"
#include "output.h"
#include "chokepoint/robustness/models/models_io.h"
#include "chokepoint/core/aggregate_io.h"
#include "chokepoint/core/batches_io.h"

namespace chokepoint::pipeline {

namespace {

void WriteSectionFile(const std::filesystem::path& path, const std::string& data_label, const std::string& config_toml,
                      const std::function<void(hid_t)>& write_section) {
  AtomicOutput output(path);
  WriteAndCommit(output, [&](hid_t f) {
    h5::WriteAttribute(f, "tool_version", ToolVersion());
    h5::WriteAttribute(f, "created_utc", UtcNowIso8601());
    h5::WriteAttribute(f, "data_label", data_label);
    h5::WriteAttribute(f, "config_toml", config_toml);
    write_section(f);
  });
}

std::string SectionToml(const char* name, const toml::table& section) {
  return TomlToString(toml::table{{name, section}});
}

}  // namespace

AggregateOutcome ExecuteAggregate(const PipelineConfig& config) {
  UseDataDirectory(config.data);
  AggregateOutcome a;
  a.data = LoadPanelGroups(config.data, config.run.seed);
  a.result = ComputeAggregates(*a.data.panel, *a.data.catalog, config.aggregate.LoadBec(), config.aggregate.LoadGdp(),
                               config.aggregate);
  return a;
}

void WriteAggregateFile(const std::filesystem::path& path, const AggregateOutcome& outcome,
                        const PipelineConfig& config) {
  RefuseOutputOverInput(path, config.data.file, "--data ([data] file)");
  WriteSectionFile(path, outcome.data.label, SectionToml("aggregate", config.aggregate.ToToml()),
                   [&](hid_t f) { WriteAggregateSection(f, outcome.result); });
}

BatchesOutcome ExecuteBatches(const PipelineConfig& config) {
  UseDataDirectory(config.data);
  BatchesOutcome b;
  b.data = LoadPanelGroups(config.data, config.run.seed);
  b.result = ComputeBatches(*b.data.panel, *b.data.catalog, config.index, config.thresholds, config.batches,
                            HacEventStudyCovariance());
  return b;
}

void WriteBatchesFile(const std::filesystem::path& path, const BatchesOutcome& outcome, const PipelineConfig& config) {
  RefuseOutputOverInput(path, config.data.file, "--data ([data] file)");
  WriteSectionFile(path, outcome.data.label, SectionToml("batches", config.batches.ToToml()),
                   [&](hid_t f) { WriteBatchesSection(f, outcome.result); });
}

robustness::ModelsResult ExecuteModels(const PipelineConfig& config, const GroupSeries& series) {
  UseDataDirectory(config.data);
  ThreadLimit limit(config.run.threads);
  return RunModels(series, config.models);
}

void WriteModelsFile(const std::filesystem::path& path, const robustness::ModelsResult& result, const std::string& data_label,
                     const PipelineConfig& config) {
  WriteSectionFile(path, data_label, SectionToml("models", config.models.ToToml()),
                   [&](hid_t f) { WriteModelsSection(f, result); });
}

}  // namespace chokepoint::pipeline
