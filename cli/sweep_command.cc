// `chokepoint sweep`: the robustness sweep (docs/method.md §6) over every
// threshold, weighting, window, frequency and base choice, with bootstrap
// replicates on top, written to /sweep of an HDF5 file; optional Markdown
// referee report. It reads the same configuration as `run` (seed, threads,
// [data], [index], [thresholds], [bootstrap]) through the pipeline, so one
// configuration gives one panel and one reference point.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/error.h"
#include "chokepoint/pipeline/distributed.h"
#include "chokepoint/pipeline/sweep.h"
#include "chokepoint/robustness/sweep/sweep_io.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {
namespace {

struct SweepFlags {
  pipeline::ConfigOverrides config;
  GroupSeriesInputFlags series;
  std::string report;
  bool resume = false;
};

void ExecuteSweepCommand(SweepFlags& f) {
  if (!f.series.input.empty() && f.config.data_file) ThrowUsageError("give --input or --data, not both");
  const pipeline::PipelineConfig config = pipeline::ResolveConfig(f.config, pipeline::ConfigPurpose::kSweep);
  pipeline::SweepInput input;
  input.series_file = f.series.input;
  input.start = f.series.start;
  input.semiconductor = f.series.semiconductor;
  const bool root = pipeline::CurrentRanks().is_root();
  const bool tty = !f.config.quiet && root && isatty(STDERR_FILENO);
  auto bar = std::make_shared<ProgressBar>("sweep");
  robustness::SweepProgress progress;
  if (tty) progress = [bar](int64_t done, int64_t total) { (*bar)(done, total); };
  const pipeline::SweepOutcome outcome = pipeline::SweepToFile(config, input, progress, f.resume);
  if (!root) return;  // rank 0 wrote the file and speaks for the run
  if (!f.report.empty())
    WriteFileAtomically(f.report, "<!-- " + outcome.data.label + " -->\n" + robustness::FormatSweepReport(outcome.result));
  if (!f.config.quiet) {
    std::cerr << outcome.result.FullReport();
    std::cerr << "chokepoint sweep: " << outcome.data.label << "\nchokepoint sweep: wrote " << config.run.out << "\n";
  }
}

}  // namespace

void RegisterSweepCommand(CLI::App& app) {
  auto f = std::make_shared<SweepFlags>();
  auto* cmd = app.add_subcommand(
      "sweep",
      "Robustness sweep over thresholds (g*, v_hi, v_lo, override), weightings, windows, frequencies and bases, "
      "with bootstrap replicates; writes /sweep to an HDF5 file. With no options: the referee grid with 1,000 "
      "residual-bootstrap replicates on the data, reference point and seed a `run` with the same configuration "
      "uses.");
  AddConfigFlags(cmd, &f->config, /*with_out=*/false);
  cmd->add_option("--out", f->config.out, "Output HDF5 file")->required();
  cmd->add_option("--report", f->report, "Also write the Markdown referee report to this file");
  AddGroupSeriesInputFlags(cmd, &f->series);
  AddIndexFlags(cmd, &f->config);
  AddThresholdFlags(cmd, &f->config, /*sweep_axis_aliases=*/true);
  AddBootstrapFlags(cmd, &f->config, BootstrapFlagSet::kResampling);  // the sweep reports no interval
  AddSweepAxisFlags(cmd, &f->config);
  cmd->add_flag("--quiet", f->config.quiet, "No progress bar or summary");
  cmd->add_flag("--resume", f->resume,
                "Continue an interrupted sweep from OUT.checkpoint (same configuration, data and seed); the file is "
                "the same as an uninterrupted sweep's");
  cmd->callback([f] { ExecuteSweepCommand(*f); });
}

}  // namespace chokepoint::cli
