// `chokepoint coverage`: the Monte Carlo coverage table of the bootstrap
// intervals (docs/method.md §5.16; bootstrap/README.md holds the shipped one).

#include <filesystem>
#include <iostream>
#include <memory>

#include "chokepoint/bootstrap/coverage_study.h"
#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/error.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {

void RegisterCoverageCommand(CLI::App& app) {
  struct Flags {
    bootstrap::CoverageOptions options;
    std::string designs = "default";
    std::string out;
    pipeline::ConfigOverrides config;  // only the bootstrap flags are read
  };
  auto f = std::make_shared<Flags>();
  auto* sub = app.add_subcommand(
      "coverage",
      "Monte Carlo coverage of the bootstrap intervals on series with a known truth (trend / no trend, surges, "
      "a level shift, AR noise, noise level, length, base): the table in bootstrap/README.md.");
  sub->add_option("--designs", f->designs, "default (the shipped grid) or small (two designs, for a quick look)")
      ->check(CLI::IsMember({"default", "small"}));
  sub->add_option("--draws", f->options.draws, "Bootstrapped draws per design (default 1000)");
  sub->add_option("--truth-draws", f->options.truth_draws, "Draws for the observed estimand's truth (default 4000)");
  sub->add_option("--calibrated-draws", f->options.calibrated_draws,
                  "Draws that also get the calibrated interval (default 200; 0 = none)");
  sub->add_option("--seed", f->options.seed, "Seed of the simulated draws (default 20261130)")->check(SeedValidator());
  sub->add_option("--threads", f->options.threads, "Worker threads (0 = all cores; results do not depend on it)");
  sub->add_option("--out", f->out, "Also write the Markdown table to this file");
  sub->add_flag("--hold-episodes", f->options.hold_episodes,
                "Hold each draw's surges and shift (true shape) in the fitted path, as `run` holds the models' "
                "fitted episodes");
  AddBootstrapFlags(sub, &f->config, BootstrapFlagSet::kLevel);  // calibration: --calibrated-draws
  sub->callback([f, sub] {
    bootstrap::CoverageOptions o = f->options;
    const pipeline::ConfigOverrides& c = f->config;
    if (c.replicates) o.bootstrap.replicates = *c.replicates;
    if (c.scheme) o.bootstrap.resampler.scheme = *c.scheme;
    if (c.blocks) o.bootstrap.resampler.blocks = *c.blocks;
    if (c.block_length) o.bootstrap.resampler.block_length = *c.block_length;
    if (c.level) o.bootstrap.level = *c.level;
    if (o.draws < 1 || o.truth_draws < 100 || o.calibrated_draws < 0)
      ThrowUsageError("--draws must be >= 1, --truth-draws >= 100 and --calibrated-draws >= 0");
    o.bootstrap.calibrate = o.calibrated_draws > 0;
    std::string error;
    if (!o.bootstrap.IsValid(&error))
      RunNamingFlags(sub, {{"bootstrap.level", "--level"}, {"bootstrap.replicates", "--replicates"},
                           {"bootstrap.block_length", "--block-length"}},
                     [&] { ThrowUsageError(error); });
    const auto designs =
        f->designs == "small" ? bootstrap::SmallCoverageDesigns() : bootstrap::DefaultCoverageDesigns();
    const bootstrap::CoverageResult r = bootstrap::RunCoverageStudy(designs, o);
    const std::string table = r.FormatTable();
    std::cout << table;
    if (!f->out.empty()) WriteFileAtomically(f->out, table);
  });
}

}  // namespace chokepoint::cli
