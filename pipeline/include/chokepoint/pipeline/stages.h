// One stage of a run on its own (`aggregate`, `batches`, `models`): the same
// data loading, options and outputs as inside `run`, for users who want one
// answer without the rest. Each writes a small HDF5 file holding that
// stage's section plus the tool version, data label and resolved options.
#pragma once

#include <filesystem>
#include <string>

#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/data.h"
#include "chokepoint/robustness/models/models.h"

namespace chokepoint::pipeline {

struct AggregateOutcome {
  GroupData data;
  AggregateResult result;
};
// Capital goods and intermediates as % of GDP on the [data] panel.
AggregateOutcome ExecuteAggregate(const PipelineConfig& config);
void WriteAggregateFile(const std::filesystem::path& path, const AggregateOutcome& outcome,
                        const PipelineConfig& config);

struct BatchesOutcome {
  GroupData data;
  BatchesResult result;
};
// Batch 1/2/3 validation on the [data] panel, at the run's index
// specification and thresholds.
BatchesOutcome ExecuteBatches(const PipelineConfig& config);
void WriteBatchesFile(const std::filesystem::path& path, const BatchesOutcome& outcome, const PipelineConfig& config);

// The models stage on group series (a wide CSV through LoadSeriesGroups, or
// the [data] panel through LoadPanelGroups).
robustness::ModelsResult ExecuteModels(const PipelineConfig& config, const GroupSeries& series);
void WriteModelsFile(const std::filesystem::path& path, const robustness::ModelsResult& result, const std::string& data_label,
                     const PipelineConfig& config);

}  // namespace chokepoint::pipeline
