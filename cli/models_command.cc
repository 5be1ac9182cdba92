// chokepoint models: surge models, adjusted regimes and the panel regression
// for every group of a group x month series.
//
// Input here is a wide CSV of group series (month column + one column per
// group). Reading a panel HDF5 (--data) needs catalog aggregation
// (AggregateGroups), which is wired by `chokepoint run`; RunModels() is the
// API it calls.
#include <iostream>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/models.h"
#include "commands.h"
#include "series_csv.h"

namespace chokepoint::cli {

void RegisterModelsCommand(CLI::App& app) {
  struct Args {
    std::string series, config, out, start;
    std::vector<std::string> semiconductor;
    bool markdown = false;
    long long simulate_seed = -1;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("models", "Trend + surge models per group, stockpiling-adjusted regimes, agreement "
                                           "with index regimes, and the semiconductor panel regression.");
  auto* series_opt =
      sub->add_option("--series", args->series, "wide CSV: month column + one value column per group");
  auto* simulate_opt = sub->add_option("--simulate", args->simulate_seed,
                                       "instead of --series: 17 SYNTHETIC groups (test fixture) from this seed");
  series_opt->excludes(simulate_opt);
  sub->add_option("--semiconductor", args->semiconductor, "names of semiconductor-related group columns")
      ->delimiter(',');
  sub->add_option("--start", args->start, "first month YYYY-MM (when the file has no month column)");
  sub->add_option("--config", args->config, "TOML file with a [models] table");
  sub->add_option("--out", args->out, "write /models to this HDF5 file (created)");
  sub->add_flag("--markdown", args->markdown, "print the Markdown report instead of the full text report");
  sub->callback([args] {
    ModelsOptions options;
    if (!args->config.empty()) {
      const toml::table config = ParseTomlFile(args->config);
      const toml::table* models = config["models"].as_table();
      options = ModelsOptions::FromToml(TomlSection(models, "models", args->config));
    }
    if (args->series.empty() && args->simulate_seed < 0) ThrowUsageError("models needs --series FILE or --simulate SEED");
    GroupSeries series;
    if (args->simulate_seed >= 0) {
      series = SimulateModelGroups(static_cast<uint64_t>(args->simulate_seed));
      std::cout << "(synthetic: 17 simulated groups, seed " << args->simulate_seed << ")\n";
    } else {
    const WideSeriesCsv csv = ReadWideSeriesCsv(args->series);
    series.first_month = ResolveStart(csv, args->start, args->series);
    series.num_months = static_cast<int>(csv.values[0].size());
    for (size_t c = 0; c < csv.columns.size(); ++c) {
      TechnologyGroup g;
      g.id = static_cast<int>(c) + 1;
      g.name = csv.columns[c];
      g.short_name = csv.columns[c];
      for (const auto& s : args->semiconductor) g.semiconductor |= (s == g.name);
      series.groups.push_back(g);
      series.values.insert(series.values.end(), csv.values[c].begin(), csv.values[c].end());
    }
    for (const auto& s : args->semiconductor) {
      bool found = false;
      for (const auto& c : csv.columns) found |= (c == s);
      if (!found) ThrowUsageError("--semiconductor '" + s + "' is not a column of " + args->series);
    }
    }
    const ModelsResult result = RunModels(series, options);
    std::cout << (args->markdown ? FormatModelsReport(result) : result.FullReport());
    if (!args->out.empty()) {
      h5::AtomicOutput output(args->out);
      {
        h5::File file = h5::File::Create(output.temp_path());
        WriteModelsSection(file.id(), result);
        file.Close();
      }
      output.Commit();
    }
  });
}

}  // namespace chokepoint::cli
