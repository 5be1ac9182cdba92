// `chokepoint bootstrap` (one series: --input FILE.csv) and `chokepoint
// blocklength`. The [bootstrap] options resolve exactly as in `run` (same
// precedence, same seed and threads inheritance), so the same series gives
// the same intervals here and in a run. The panel's groups are bootstrapped
// by `chokepoint run`.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chokepoint/bootstrap/block_length.h"
#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/data.h"
#include "chokepoint/pipeline/run.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {
namespace {

struct BootstrapFlags {
  pipeline::ConfigOverrides config;
  SeriesInputFlags series;
  std::string out;
};

void RunBootstrapCommand(BootstrapFlags& f) {
  if (f.series.json || f.series.quiet) f.config.quiet = true;
  pipeline::RefuseOutputOverInput(f.out, f.series.input, "--input");
  const pipeline::PipelineConfig config = pipeline::ResolveConfig(f.config, pipeline::ConfigPurpose::kBootstrap);
  pipeline::UseDataDirectory(config.data);
  const bootstrap::BootstrapResult r = pipeline::BootstrapSeries(LoadPipelineSeries(f.series), config);
  if (!f.out.empty()) {
    AtomicOutput output(f.out);
    {
      h5::File file = h5::File::Create(output.temp_path());
      bootstrap::WriteBootstrapSection(file.id(), r);
      file.Close();
    }
    output.Commit();
  }
  if (f.series.json) {
    std::cout << bootstrap::FormatSeriesJson(r);
  } else {
    std::cout << r.FullReport() << "\n" << bootstrap::FormatBootstrapReport(r);
  }
}

}  // namespace

void RegisterBootstrapCommand(CLI::App& app) {
  auto f = std::make_shared<BootstrapFlags>();
  auto* sub = app.add_subcommand(
      "bootstrap",
      "Block-bootstrap one monthly series (--input FILE.csv): confidence intervals on V and G and regime "
      "probabilities. (The panel's groups are bootstrapped by `chokepoint run`.)");
  AddSeriesInputFlags(sub, &f->series);
  AddConfigFlags(sub, &f->config, /*with_out=*/false, /*with_panel=*/false);
  AddIndexFlags(sub, &f->config);
  AddThresholdFlags(sub, &f->config, /*sweep_axis_aliases=*/false, /*with_semiconductor_override=*/false);
  AddBootstrapFlags(sub, &f->config);
  sub->add_option_function<std::string>(
      "--interval",
      [f](const std::string& v) {
        auto m = bootstrap::IntervalMethodFromString(v);
        if (!m) ThrowUsageError("--interval must be percentile, basic, normal or bca, got \"" + v + "\"");
        f->config.report_interval = *m;
      },
      "Interval shown in the table: percentile|basic|normal|bca");
  sub->add_flag_function("--trend-growth", [f](int64_t) { f->config.trend_growth = true; },
                         "Also bootstrap G_trend, the G of the fitted trend path (residual and sieve schemes)");
  sub->add_option("--out", f->out, "Also write the /bootstrap section to this HDF5 file");
  sub->callback([f] { RunBootstrapCommand(*f); });
}

void RegisterBlocklengthCommand(CLI::App& app) {
  struct Flags {
    SeriesInputFlags series;
    std::string scheme;
  };
  auto flags = std::make_shared<Flags>();
  auto* sub = app.add_subcommand(
      "blocklength",
      "Automatic block length (Politis-White 2004 with the Patton-Politis-White 2009 correction, np::b.star "
      "constants) of a monthly series.");
  AddSeriesInputFlags(sub, &flags->series);
  sub->add_option("--scheme", flags->scheme,
                  "select on the object this scheme resamples (residual|growth|levels); default: the series as given");
  sub->callback([flags] {
    const bootstrap::BlockLengthSelection s =
        pipeline::SeriesBlockLength(LoadPipelineSeries(flags->series), flags->scheme);
    if (flags->series.json) std::cout << bootstrap::FormatBlockLengthJson(s);
    else std::cout << "stationary " << s.stationary << "\ncircular " << s.circular << "\n" << s.Describe() << "\n";
  });
}

}  // namespace chokepoint::cli
