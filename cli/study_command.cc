// `chokepoint study [--design F.toml] [--set study.KEY=V]... --out study.h5`:
// planted-truth Monte Carlo (pipeline/study.h).
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/error.h"
#include "chokepoint/pipeline/distributed.h"
#include "chokepoint/pipeline/study.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {

void RegisterStudyCommand(CLI::App& app) {
  struct Args {
    std::string design, out, report;
    std::vector<std::string> set;
    int threads = 0;
    std::optional<int> draws;
    std::optional<uint64_t> seed;
    bool quiet = false;
    bool resume = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "study",
      "Planted-truth Monte Carlo: simulate group series from a grid of processes (trend, surge, break, month "
      "effects, AR(1) noise, length, codes per group) and report how often the 2 x 3 rule and the models recover "
      "the true regime, the size and power of the surge and break calls, and the coverage of the bootstrap "
      "intervals (docs/method.md §8.8). Default design: data/studies/default.toml.");
  cmd->add_option("--design", a->design, "TOML design file with a [study] table (examples/study.toml lists every key)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a->set, "Set a design key, e.g. --set study.draws=50 (repeatable; after --design)");
  cmd->add_option("--draws", a->draws, "Draws per design point (overrides study.draws)");
  cmd->add_option("--seed", a->seed, "Seed of every random stream (overrides study.seed)")->check(SeedValidator());
  cmd->add_option("--threads", a->threads, "Worker threads (0 = all cores; results do not depend on it)");
  cmd->add_option("--out", a->out, "Output HDF5 study file")->required();
  cmd->add_option("--report", a->report, "Also write the Markdown report to this file");
  cmd->add_flag("--quiet", a->quiet, "No progress bar or report on stderr");
  cmd->add_flag("--resume", a->resume,
                "Continue an interrupted study from OUT.checkpoint (same design and seed); the file is the same as "
                "an uninterrupted run's");
  cmd->callback([a] {
    // The typed flags are checked here so that their errors name the flag,
    // not the design file the value would otherwise be blamed on.
    std::vector<std::string> set = a->set;
    if (a->draws) {
      if (*a->draws < 1 || *a->draws > 1000000) ThrowUsageError("--draws must be in 1..1000000");
      set.push_back("study.draws=" + std::to_string(*a->draws));
    }
    if (a->seed) {  // range checked by SeedValidator
      set.push_back("study.seed=" + std::to_string(*a->seed));
    }
    if (a->threads < 0) ThrowUsageError("--threads must be >= 0 (0 = all cores), got " + std::to_string(a->threads));
    const robustness::StudyDesign design = pipeline::LoadStudyDesign(a->design, set);
    auto bar = std::make_shared<ProgressBar>("study");
    robustness::StudyProgress progress;
    const bool root = pipeline::CurrentRanks().is_root();
    if (!a->quiet && root && isatty(STDERR_FILENO)) progress = [bar](int64_t done, int64_t total) { (*bar)(done, total); };
    const robustness::StudyResult r = pipeline::RunStudyToFile(design, a->out, a->threads, progress, a->resume);
    if (!root) return;  // rank 0 wrote the file and speaks for the run
    const std::string report = r.FullReport();
    if (!a->report.empty()) WriteFileAtomically(a->report, report);
    if (!a->quiet) std::cerr << report;
    std::cout << "wrote " << a->out << ": " << r.points.size() << " design points x " << design.draws << " draws in "
              << r.seconds << " s\n";
  });
}

}  // namespace chokepoint::cli
