// chokepoint ingest INPUT... --out panel.h5: raw import files -> panel file.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "chokepoint/core/error.h"
#include "chokepoint/core/ingest.h"
#include "chokepoint/pipeline/ingest.h"
#include "commands.h"

namespace chokepoint::cli {

namespace {
struct IngestArgs {
  pipeline::IngestRequest request;  // the flags write into it (defaults there)
  std::string out;
};

void RunIngest(const IngestArgs& a) {
  const IngestResult result = pipeline::IngestToFile(a.request, a.out);
  const std::string summary = result.report.FullReport();
  long long bad = 0;
  for (long long c : result.report.problem_counts) bad += c;
  // The summary goes to stderr so stdout stays clean for scripts; lenient
  // runs always say how much was skipped.
  std::cerr << summary;
  if (a.request.lenient && bad > 0)
    std::cerr << "chokepoint ingest: --lenient skipped " << result.report.rows_skipped
              << " bad row(s); counts and examples are in " << a.out << " under /panel/ingest\n";
  std::cout << "wrote " << a.out << ": " << result.panel.num_codes() << " codes x " << result.panel.num_months()
            << " months (" << result.panel.first_month().ToString() << " .. " << result.panel.last_month().ToString()
            << "), " << result.panel.num_present() << " values\n";
}
}  // namespace

void RegisterIngestCommand(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  auto* sub = app.add_subcommand(
      "ingest",
      "Read import files (canonical long CSV, China Customs export, UN Comtrade monthly CSV, or any "
      "tidy CSV with --columns) into an HS code x month panel in US$ (codes kept at the level the "
      "source gives: HS2/4/6/8; HS10 summed onto HS8) and write it as HDF5. Bad input stops with "
      "file:line:column (exit 2) and leaves no output file.");
  sub->add_option("inputs", args->request.inputs, "Input CSV files (UTF-8 with or without BOM, or GB18030)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--out,-o", args->out, "Output panel file (.h5)")->required();
  sub->add_option("--preset", args->request.preset,
                  "Options for a common source: china-customs | comtrade | partner-exports (shipped in "
                  "data/ingest_presets) or a TOML file with an [ingest] table; flags given override it");
  sub->add_option("--format", args->request.format,
                  "auto (by header) | canonical (hs8,period,value_usd) | customs | comtrade | columns")
      ->capture_default_str();
  sub->add_option("--columns", args->request.columns,
                  "ROLE=COLUMN pairs naming the header's columns: code, period (or year and month), value; "
                  "optional flow, quantity, unit. Other columns are summed over. Implies --format columns "
                  "when --format is auto");
  sub->add_option("--period-format", args->request.period_format,
                  "How periods are written: auto, or a pattern of YYYY, MM, M, DD, D and separators "
                  "(YYYY/M, M/YYYY, YYYYMM, YYYY-MM-DD)")
      ->capture_default_str();
  sub->add_option("--scale", args->request.scale, "Multiply values by this to get US$ (1000 for thousands)");
  sub->add_option("--where", args->request.where,
                  "COLUMN=VALUE: use only rows whose COLUMN is VALUE (repeatable; the same column repeated "
                  "means either value)")
      ->allow_extra_args(false);
  sub->add_option("--flow", args->request.flow,
                  "The flow column's value to read as imports (e.g. Export, for a partner's exports to China)");
  sub->add_option("--source", args->request.source,
                  "Free text naming the source, kept in the panel and printed in reports");
  sub->add_option("--jan-feb", args->request.jan_feb,
                  "Policy for January-February combined periods: keep-merged (value in February, January "
                  "missing) | split (half each). Without it combined data is an error.");
  sub->add_option("--rates", args->request.rates,
                  "CSV period,cny_per_usd: converts Customs files that only have RMB values");
  sub->add_flag("--lenient", args->request.lenient,
                "Skip bad rows, count them by class and keep examples in /panel/ingest");
  sub->add_option("--max-examples", args->request.max_examples, "Bad-row examples kept with --lenient")
      ->capture_default_str();
  sub->callback([args] { RunIngest(*args); });
}

}  // namespace chokepoint::cli
