// `chokepoint run`: the talk's method end to end on one panel, plus the
// stages a referee asks for next (bootstrap intervals, models, aggregates,
// batches), all written to one HDF5 run file (temporary name, renamed when
// complete: a failure in any stage leaves no file).
#include <chrono>
#include <filesystem>
#include <iostream>

#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/robustness/models.h"
#include "commands.h"
#include "common.h"

namespace chokepoint::cli {

namespace {

struct RunCommandFlags {
  BaseFlags base;
  bool quiet = false;
  bool no_bootstrap = false, no_models = false, no_aggregate = false, no_batches = false;
  // Shortcuts for the most used [bootstrap] keys (anything else: --set).
  std::optional<int> replicates;
  std::optional<std::string> scheme, blocks, block_length;
  std::optional<double> level;
};

// Every stage's options, parsed and validated before any work starts, so a
// typo in [models] fails in milliseconds, not after the bootstrap.
struct StageOptions {
  bootstrap::BootstrapOptions bootstrap;
  ModelsOptions models;
  AggregateOptions aggregate;
  BatchesOptions batches;
};

StageOptions ResolveStages(const BaseConfig& config, bool quiet) {
  StageOptions s;
  std::string error;
  if (config.run.bootstrap) s.bootstrap = ResolveBootstrapOptions(config, quiet);
  s.models = ModelsOptions::FromToml(config.Section("models"));
  s.models.index = config.index;
  s.models.thresholds = config.thresholds;
  if (config.run.models && !s.models.IsValid(&error)) ThrowUsageError(error);

  s.aggregate = AggregateOptions::FromToml(config.Section("aggregate"));
  if (config.run.aggregate && !s.aggregate.IsValid(&error)) ThrowUsageError(error);
  s.batches = BatchesOptions::FromToml(config.Section("batches"));
  if (config.run.batches && !s.batches.IsValid(&error)) ThrowUsageError(error);
  return s;
}

// The resolved configuration of the whole run: base sections plus the
// sections of the stages that ran.
toml::table ResolvedRunTable(const BaseConfig& config, const StageOptions& stages) {
  toml::table t = config.ResolvedTable();
  if (config.run.bootstrap) t.insert_or_assign("bootstrap", stages.bootstrap.ToToml());
  if (config.run.models) t.insert_or_assign("models", stages.models.ToToml());
  if (config.run.aggregate) t.insert_or_assign("aggregate", stages.aggregate.ToToml());
  if (config.run.batches) t.insert_or_assign("batches", stages.batches.ToToml());
  return t;
}

class StageClock {
 public:
  explicit StageClock(bool quiet) : quiet_(quiet) {}
  void Done(const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    if (!quiet_)
      std::cerr << "chokepoint run: " << what << " ("
                << std::chrono::duration<double>(now - last_).count() << " s)\n";
    last_ = now;
  }

 private:
  bool quiet_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

void ExecuteRun(RunCommandFlags flags) {
  auto& sets = flags.base.set_overrides;
  if (flags.replicates) sets.push_back("bootstrap.replicates=" + std::to_string(*flags.replicates));
  if (flags.scheme) sets.push_back("bootstrap.scheme=\"" + *flags.scheme + "\"");
  if (flags.blocks) sets.push_back("bootstrap.blocks=\"" + *flags.blocks + "\"");
  if (flags.block_length)
    sets.push_back(*flags.block_length == "auto" ? "bootstrap.block_length=\"auto\""
                                                 : "bootstrap.block_length=" + *flags.block_length);
  if (flags.level) sets.push_back("bootstrap.level=" + std::to_string(*flags.level));
  if (flags.no_bootstrap) sets.push_back("run.bootstrap=false");
  if (flags.no_models) sets.push_back("run.models=false");
  if (flags.no_aggregate) sets.push_back("run.aggregate=false");
  if (flags.no_batches) sets.push_back("run.batches=false");

  const BaseConfig config = ResolveBaseConfig(flags.base);
  const StageOptions stages = ResolveStages(config, flags.quiet);
  auto thread_limit = LimitThreads(config.run.threads);
  // Opened first so an unusable output path fails before minutes of work.
  const std::filesystem::path out_path = config.run.out;
  h5::AtomicOutput output(out_path);
  StageClock clock(flags.quiet);

  const Catalog catalog = LoadCatalog(config.data);
  const Panel panel = LoadPanel(config.data, config.run.seed);
  const GroupSeries series = AggregateGroups(panel, catalog);
  const BaseAnalysis analysis = AnalyzeGroups(series, config.index, config.thresholds);
  if (!flags.quiet)
    std::cerr << "chokepoint run: " << series.num_groups() << " groups, " << series.num_months << " months ("
              << series.first_month.ToString() << ".." << series.month(series.num_months - 1).ToString()
              << "), "
              << (panel.provenance.label.empty() ? "data: " + config.data.file : panel.provenance.label) << "\n";
  clock.Done("indices and classification");

  std::optional<ModelsResult> models;
  if (config.run.models) {
    models = RunModels(series, stages.models);
    clock.Done("models");
  }
  std::optional<bootstrap::BootstrapResult> boot;
  if (config.run.bootstrap) {
    // The episodes the models found stay in the residual scheme's fitted path
    // ([bootstrap] fitted_surges): surge pulses of stockpiling groups, Bai-Perron
    // segments (level shifts, slumps) of the others; so they are not resampled as noise.
    std::vector<std::vector<double>> surges;
    if (models && stages.bootstrap.fitted_surges)
      for (const GroupModels& gm : models->groups) surges.push_back(gm.EpisodeLogComponent());
    boot = bootstrap::RunBootstrap(series, config.index, config.thresholds, stages.bootstrap, surges);
    if (!surges.empty())
      for (size_t g = 0; g < boot->groups.size() && g < models->groups.size(); ++g)
        boot->groups[g].fitted_component = models->groups[g].EpisodeDescription();
    clock.Done("bootstrap, " + std::to_string(boot->replicates) + " replicates x " +
               std::to_string(boot->num_groups()) + " groups" +
               (surges.empty() ? std::string() : std::string(", fitted episodes kept in the fitted path")));
  }
  std::optional<AggregateResult> aggregates;
  if (config.run.aggregate) {
    aggregates = ComputeAggregates(panel, catalog, stages.aggregate.LoadBec(), stages.aggregate.LoadGdp(),
                                   stages.aggregate);
    clock.Done("aggregates");
  }
  std::optional<BatchesResult> batches;
  if (config.run.batches) {
    batches = ComputeBatches(panel, catalog, config.index, config.thresholds, stages.batches,
                             HacEventStudyCovariance());
    clock.Done("batches");
  }

  RunMetadata meta;
  meta.config_toml = TomlToString(ResolvedRunTable(config, stages));
  meta.seed = config.run.seed;
  meta.synthetic = panel.provenance.synthetic;
  meta.data_label = panel.provenance.label.empty() ? "data: " + config.data.file : panel.provenance.label;

  {
    h5::File file = h5::File::Create(output.temp_path());
    WriteRunBase(file.id(), meta, series, analysis);
    if (boot) bootstrap::WriteBootstrapSection(file.id(), *boot);
    if (models) WriteModelsSection(file.id(), *models);
    if (aggregates) WriteAggregateSection(file.id(), *aggregates);
    if (batches) WriteBatchesSection(file.id(), *batches);
    file.Close();
  }
  output.Commit();
  if (!flags.quiet) std::cerr << "chokepoint run: wrote " << out_path.string() << "\n";
}

}  // namespace

void RegisterRunCommand(CLI::App& app) {
  auto flags = std::make_shared<RunCommandFlags>();
  auto* cmd = app.add_subcommand(
      "run",
      "Run the method on a panel (default: the embedded synthetic scenario): indices and regimes, bootstrap "
      "intervals, models, aggregates and batches, written to one HDF5 run file.");
  AddBaseFlags(cmd, &flags->base);
  cmd->add_flag("--quiet", flags->quiet, "Print nothing on success (no progress bar)");
  auto* st = cmd->add_option_group("stages", "Stages after the base indices ([run] bootstrap/models/aggregate/batches)");
  st->add_flag("--no-bootstrap", flags->no_bootstrap, "Skip the bootstrap (run.bootstrap = false)");
  st->add_flag("--no-models", flags->no_models, "Skip the models (run.models = false)");
  st->add_flag("--no-aggregate", flags->no_aggregate, "Skip the GDP shares (run.aggregate = false)");
  st->add_flag("--no-batches", flags->no_batches, "Skip the batch validation (run.batches = false)");
  auto* bs = cmd->add_option_group("bootstrap", "Bootstrap shortcuts ([bootstrap]; any other key: --set bootstrap.KEY=V)");
  bs->add_option("--replicates", flags->replicates, "Bootstrap replicates B (default 1000)");
  bs->add_option("--scheme", flags->scheme, "residual|growth|sieve|levels (default residual)");
  bs->add_option("--blocks", flags->blocks, "stationary|circular|moving (default stationary)");
  bs->add_option("--block-length", flags->block_length, "auto|N months (default auto)");
  bs->add_option("--level", flags->level, "Confidence level of the intervals (default 0.9)");
  cmd->callback([flags] { ExecuteRun(*flags); });
}

}  // namespace chokepoint::cli
