// chokepoint simulate --scenario NAME|FILE --seed S --out panel.csv|panel.h5
#include <filesystem>
#include <iostream>
#include <string>

#include "chokepoint/core/error.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {

void RegisterSimulateCommand(CLI::App& app) {
  struct Options {
    std::string scenario = std::string(kDefaultScenarioName);
    unsigned long long seed = 1;
    std::string out;
    bool list = false;
    bool quiet = false;
  };
  auto opts = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "simulate",
      "Simulate a synthetic HS8 x month import panel from a scenario (trend, breaks, seasonality with the "
      "Lunar New Year, transient surges, AR(1) noise). Output is labelled synthetic with scenario and seed.");
  sub->add_option("--scenario", opts->scenario,
                  "Scenario name (looked up in the data directory's scenarios/) or a .toml file")
      ->capture_default_str();
  sub->add_option("--seed", opts->seed, "Random seed (results do not depend on the thread count)")
      ->check(SeedValidator())
      ->capture_default_str();
  sub->add_option("--out", opts->out, "Output panel: .csv (canonical long CSV) or .h5 (HDF5 /panel, plus the noise-free truth in /simulation)");
  sub->add_flag("--list", opts->list, "List the shipped scenarios and exit");
  sub->add_flag("--quiet", opts->quiet, "Do not print the simulation summary");
  sub->callback([opts] {
    if (opts->list) {
      for (const auto& n : Scenario::ListShipped()) std::cout << n << "\n";
      return;
    }
    if (opts->out.empty()) ThrowUsageError("simulate: --out FILE (.csv or .h5) is required");
    const std::filesystem::path out(opts->out);
    const std::string ext = out.extension().string();
    if (ext != ".csv" && ext != ".h5" && ext != ".hdf5")
      ThrowUsageError("simulate: --out must end in .csv, .h5 or .hdf5, got \"" + opts->out + "\"");
    const Scenario scenario = Scenario::Load(opts->scenario);
    const SimulationResult result = Simulate(scenario, opts->seed);
    if (ext == ".csv")
      WritePanelCsv(result.panel, out);
    else
      WriteSimulationH5(result, out);  // /panel plus /simulation (the noise-free truth)
    if (!opts->quiet) std::cout << result.FullReport() << "wrote " << out.string() << "\n";
  });
}

}  // namespace chokepoint::cli
