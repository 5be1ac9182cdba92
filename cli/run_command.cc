// `chokepoint run`: parses the flags, hands them to the pipeline (which owns
// the stage order, the configuration and the run file) and prints progress.
#include <iostream>

#include "chokepoint/pipeline/run.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {

void RegisterRunCommand(CLI::App& app) {
  auto o = std::make_shared<pipeline::ConfigOverrides>();
  auto* cmd = app.add_subcommand(
      "run",
      "Run the method on a panel (default: the embedded synthetic scenario): indices and regimes, bootstrap "
      "intervals, models, aggregates and batches, written to one HDF5 run file.");
  AddConfigFlags(cmd, o.get());
  AddIndexFlags(cmd, o.get());
  AddThresholdFlags(cmd, o.get());
  AddStageFlags(cmd, o.get());
  AddBootstrapFlags(cmd, o.get());
  cmd->add_flag("--quiet", o->quiet, "Print nothing on success (no progress bar)");
  cmd->callback([o] {
    const pipeline::PipelineConfig config = pipeline::ResolveConfig(*o, pipeline::ConfigPurpose::kRun);
    pipeline::RunObserver observer;
    if (!o->quiet) {
      observer.info = [](std::string_view m) { std::cerr << "chokepoint run: " << m << "\n"; };
      observer.stage_done = [](std::string_view stage, double s) {
        std::cerr << "chokepoint run: " << stage << " (" << s << " s)\n";
      };
    }
    pipeline::RunToFile(config, observer);
    if (!o->quiet) std::cerr << "chokepoint run: wrote " << config.run.out << "\n";
  });
}

}  // namespace chokepoint::cli
