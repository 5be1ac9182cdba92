// `chokepoint models`: surge models, adjusted regimes and the panel
// regression for every group of a wide CSV of group series (--input), of the
// [data] panel, or of a synthetic test fixture (--simulate).
#include <iostream>
#include <memory>

#include "chokepoint/core/error.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/data.h"
#include "chokepoint/pipeline/stages.h"
#include "commands.h"
#include "flags.h"
#include "chokepoint/robustness/models/models_io.h"

namespace chokepoint::cli {

using robustness::FormatModelsReport;
using robustness::ModelsResult;
using robustness::SimulateModelGroups;

void RegisterModelsCommand(CLI::App& app) {
  struct Flags {
    pipeline::ConfigOverrides config;
    GroupSeriesInputFlags series;
    std::optional<uint64_t> simulate_seed;
    bool markdown = false;
  };
  auto f = std::make_shared<Flags>();
  auto* sub = app.add_subcommand("models", "Trend + surge models per group, stockpiling-adjusted regimes, agreement "
                                           "with index regimes, and the semiconductor panel regression.");
  AddConfigFlags(sub, &f->config);
  AddIndexFlags(sub, &f->config);
  AddThresholdFlags(sub, &f->config);
  AddGroupSeriesInputFlags(sub, &f->series);
  sub->add_option("--simulate", f->simulate_seed,
                  "instead of --input: 17 SYNTHETIC groups (test fixture) from this seed");
  sub->add_flag("--markdown", f->markdown, "print the Markdown report instead of the full text report");
  sub->callback([f] {
    if (!f->series.input.empty() && f->simulate_seed) ThrowUsageError("give --input or --simulate, not both");
    if (!f->series.input.empty() && f->config.data_file) ThrowUsageError("give --input or --data, not both");
    if (f->config.out) pipeline::RefuseOutputOverInput(*f->config.out, f->series.input, "--input");
    const pipeline::PipelineConfig config = pipeline::ResolveConfig(f->config, pipeline::ConfigPurpose::kModels);
    pipeline::UseDataDirectory(config.data);
    pipeline::GroupData data;
    if (f->simulate_seed) {
      data.series = SimulateModelGroups(*f->simulate_seed);
      data.label = "synthetic: 17 simulated model groups, seed " + std::to_string(*f->simulate_seed);
      data.synthetic = true;
      std::cout << "(synthetic: 17 simulated groups, seed " << *f->simulate_seed << ")\n";
    } else if (!f->series.input.empty()) {
      data = pipeline::LoadSeriesGroups(f->series.input, pipeline::LoadCatalog(config.data), f->series.start,
                                        f->series.semiconductor);
    } else {
      data = pipeline::LoadPanelGroups(config.data, config.run.seed);
    }
    const ModelsResult result = pipeline::ExecuteModels(config, data.series);
    std::cout << (f->markdown ? FormatModelsReport(result) : result.FullReport());
    if (f->config.out) pipeline::WriteModelsFile(*f->config.out, result, data.label, config);
  });
}

}  // namespace chokepoint::cli
