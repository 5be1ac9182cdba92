// `chokepoint run`: the talk's method end to end on one panel, written to one
// HDF5 run file (temporary name, renamed when complete).
#include <filesystem>
#include <iostream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_file.h"
#include "commands.h"
#include "common.h"

namespace chokepoint::cli {

namespace {

struct RunCommandFlags {
  BaseFlags base;
  bool quiet = false;
};

void ExecuteRun(const RunCommandFlags& flags) {
  const BaseConfig config = ResolveBaseConfig(flags.base);
  auto thread_limit = LimitThreads(config.run.threads);

  const Catalog catalog = LoadCatalog(config.data);
  const Panel panel = LoadPanel(config.data, config.run.seed);
  const GroupSeries series = AggregateGroups(panel, catalog);
  const BaseAnalysis analysis = AnalyzeGroups(series, config.index, config.thresholds);

  RunMetadata meta;
  meta.config_toml = TomlToString(config.ResolvedTable());
  meta.seed = config.run.seed;
  meta.synthetic = panel.provenance.synthetic;
  meta.data_label = panel.provenance.label.empty() ? "data: " + config.data.file : panel.provenance.label;

  const std::filesystem::path out_path = config.run.out;
  if (out_path.has_parent_path()) std::filesystem::create_directories(out_path.parent_path());
  h5::AtomicOutput output(out_path);
  {
    h5::File file = h5::File::Create(output.temp_path());
    WriteRunBase(file.id(), meta, series, analysis);
    file.Close();
  }
  output.Commit();

  if (!flags.quiet) {
    std::cerr << "chokepoint run: " << series.num_groups() << " groups, " << series.num_months << " months ("
              << series.first_month.ToString() << ".." << series.month(series.num_months - 1).ToString()
              << "), " << meta.data_label << "\n";
    std::cerr << "chokepoint run: wrote " << out_path.string() << "\n";
  }
}

}  // namespace

void RegisterRunCommand(CLI::App& app) {
  auto flags = std::make_shared<RunCommandFlags>();
  auto* cmd = app.add_subcommand("run", "Run the method on a panel (default: the embedded synthetic scenario) "
                                        "and write an HDF5 run file.");
  AddBaseFlags(cmd, &flags->base);
  cmd->add_flag("--quiet", flags->quiet, "Print nothing on success");
  cmd->callback([flags] { ExecuteRun(*flags); });
}

}  // namespace chokepoint::cli
