// `chokepoint export FILE.h5 --format csv --out DIR`: the file's datasets as
// CSV tables with a data dictionary (pipeline/export.h).
#include <iostream>
#include <memory>
#include <string>

#include "chokepoint/core/error.h"
#include "chokepoint/pipeline/export.h"
#include "commands.h"

namespace chokepoint::cli {

void RegisterExportCommand(CLI::App& app) {
  struct Args {
    std::string input, format = "csv", out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "export", "Write every table of a run, sweep or stage file as CSV (one file per table, long form for "
                "arrays) with dictionary.csv naming each column, its source and unit.");
  cmd->add_option("file", args->input, "HDF5 file written by chokepoint (run, sweep, aggregate, ...)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--format", args->format, "csv (the only format)")->capture_default_str();
  cmd->add_option("--out", args->out, "new directory for the tables")->required();
  cmd->callback([args] {
    if (args->format != "csv") ThrowUsageError("--format must be csv, got \"" + args->format + "\"");
    const pipeline::ExportSummary s = pipeline::ExportCsvTables(args->input, args->out);
    std::cerr << "chokepoint export: " << s.tables.size() << " tables, " << s.values << " values -> " << args->out
              << "\n";
  });
}

}  // namespace chokepoint::cli
