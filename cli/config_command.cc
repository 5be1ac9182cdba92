// `chokepoint config`: prints the resolved configuration of a run (TOML file,
// --set assignments and flags applied, every section at its defaults where
// not given) after validating it, so a user can see what a run would use and
// start a configuration file from `chokepoint config > run.toml`.
#include <iostream>

#include "chokepoint/pipeline/config.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {

void RegisterConfigCommand(CLI::App& app) {
  auto o = std::make_shared<pipeline::ConfigOverrides>();
  auto* cmd = app.add_subcommand(
      "config",
      "Validate a configuration and print it resolved, every section with its defaults "
      "(`chokepoint config > run.toml` starts a configuration file).");
  AddConfigFlags(cmd, o.get());
  AddIndexFlags(cmd, o.get());
  AddThresholdFlags(cmd, o.get());
  AddStageFlags(cmd, o.get());
  AddBootstrapFlags(cmd, o.get());
  cmd->callback([o] {
    const pipeline::PipelineConfig config = pipeline::ResolveConfig(*o, pipeline::ConfigPurpose::kAll);
    std::cout << "# chokepoint resolved configuration (" << config.source_label << ")\n"
              << TomlToString(config.ResolvedTable()) << "\n";
  });
}

}  // namespace chokepoint::cli
