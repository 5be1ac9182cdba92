// `chokepoint config`: prints the resolved configuration of a run (TOML file,
// --set assignments and flags applied, every section at its defaults where
// not given) after validating it, so a user can see what a run would use and
// start a configuration file from `chokepoint config > run.toml`.
#include <iostream>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/error.h"
#include "chokepoint/robustness/models.h"
#include "chokepoint/robustness/sweep.h"
#include "commands.h"
#include "common.h"

namespace chokepoint::cli {

namespace {

template <typename Options>
toml::table ValidatedSection(const BaseConfig& config, std::string_view name) {
  const Options o = Options::FromToml(config.Section(name));
  std::string error;
  if (!o.IsValid(&error)) ThrowUsageError(error);
  return o.ToToml();
}

}  // namespace

void RegisterConfigCommand(CLI::App& app) {
  auto flags = std::make_shared<BaseFlags>();
  auto* cmd = app.add_subcommand(
      "config",
      "Validate a configuration and print it resolved, every section with its defaults "
      "(`chokepoint config > run.toml` starts a configuration file).");
  AddBaseFlags(cmd, flags.get());
  cmd->callback([flags] {
    const BaseConfig config = ResolveBaseConfig(*flags);
    toml::table t = config.ResolvedTable();
    t.insert_or_assign("bootstrap", ResolveBootstrapOptions(config, false).ToToml());
    t.insert_or_assign("models", ValidatedSection<ModelsOptions>(config, "models"));
    t.insert_or_assign("aggregate", ValidatedSection<AggregateOptions>(config, "aggregate"));
    t.insert_or_assign("batches", ValidatedSection<BatchesOptions>(config, "batches"));
    t.insert_or_assign("sweep", ValidatedSection<robustness::SweepOptions>(config, "sweep"));
    std::cout << "# chokepoint resolved configuration (" << config.file_label << ")\n" << TomlToString(t) << "\n";
  });
}

}  // namespace chokepoint::cli
