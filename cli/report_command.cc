// `chokepoint report RUN.h5`: Markdown report of a run file, section by
// section: the base classification, then every stage the file holds
// (bootstrap, models, aggregates, batches, sweep), in that order.
#include <iostream>
#include <sstream>

#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/robustness/models/models.h"
#include "chokepoint/robustness/sweep/sweep.h"
#include "chokepoint/pipeline/study.h"
#include "commands.h"
#include "chokepoint/robustness/models/models_io.h"
#include "chokepoint/core/aggregate_io.h"
#include "chokepoint/core/batches_io.h"
#include "chokepoint/robustness/sweep/sweep_io.h"

namespace chokepoint::cli {

using robustness::ReadModelsReport;

void RegisterReportCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("report", "Print a Markdown report of a run file (every section it holds).");
  cmd->add_option("run_file", *path, "HDF5 run file written by `chokepoint run` or `chokepoint sweep`")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([path] {
    // Every section is read (and its shapes checked) before anything is
    // printed: a damaged file gives an error, never half a report.
    h5::File file = h5::File::OpenReadOnly(*path);
    if (h5::HasAttribute(file.id(), "schema") &&
        h5::ReadStringAttribute(file.id(), "schema") == pipeline::kStudySchema) {
      std::cout << pipeline::ReadStudyReport(*path);
      return;
    }
    std::ostringstream report;
    report << FormatBaseReport(ReadRunBase(file.id(), *path));
    if (h5::Exists(file.id(), "/bootstrap"))
      report << "\n## Bootstrap intervals and regime probabilities\n\n"
             << bootstrap::FormatBootstrapReport(bootstrap::ReadBootstrapSection(file.id()));
    if (h5::Exists(file.id(), "/models")) report << "\n" << ReadModelsReport(file.id());
    if (h5::Exists(file.id(), "/aggregate")) report << "\n" << FormatAggregateReport(ReadAggregateSection(file.id()));
    if (h5::Exists(file.id(), "/batches")) report << "\n" << FormatBatchesReport(ReadBatchesSection(file.id()));
    if (h5::Exists(file.id(), "/sweep"))
      report << "\n" << robustness::FormatSweepReport(robustness::ReadSweepSection(file.id()));
    std::cout << report.str();
  });
}

}  // namespace chokepoint::cli
