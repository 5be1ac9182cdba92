// chokepoint breaks: Bai-Perron multiple structural breaks on one series.
#include <iostream>
#include <sstream>

#include "chokepoint/robustness/models/breaks.h"
#include "commands.h"
#include "chokepoint/core/error.h"
#include "flags.h"

namespace chokepoint::cli {

using robustness::BreakResult;

namespace {

struct BreaksArgs {
  SeriesInputFlags series;
  pipeline::BreaksRequest request;  // the flags write into it (defaults there)
};

void RunBreaks(BreaksArgs& a) {
  const pipeline::Series s = LoadPipelineSeries(a.series);
  const BreakResult r = pipeline::SeriesBreaks(s, a.request);
  if (a.series.json) {
    std::cout << pipeline::FormatBreaksJson(r, a.series.input);
  } else {
    std::cout << "Series: " << a.series.input << "\n" << r.FullReport();
  }
}

}  // namespace

void RegisterBreaksCommand(CLI::App& app) {
  auto* sub = app.add_subcommand("breaks", "Bai-Perron multiple structural breaks on one series (as strucchange).");
  auto args = std::make_shared<BreaksArgs>();
  AddSeriesInputFlags(sub, &args->series);
  sub->add_option("--regressors", args->request.regressors, "level (intercept) or trend (intercept + trend) per regime")
      ->check(CLI::IsMember({"level", "trend"}));
  sub->add_option("--trim", args->request.options.trim, "trimming eps: minimum segment h = floor(eps * n); default 0.15");
  sub->add_option("--max-breaks", args->request.options.max_breaks, "maximum number of breaks M; default 5");
  sub->add_flag("--seasonal", args->request.options.seasonal_fixed,
                "hold 11 month effects fixed across regimes (partial change; no p-values)");
  sub->add_option("--significance", args->request.options.significance, "level of the sequential F(l+1|l) choice; default 0.05");
  sub->add_option("--replicates", args->request.options.test_replicates, "Monte Carlo replicates for p-values; default 999");
  sub->add_option("--seed", args->request.options.seed, "seed of the Monte Carlo p-values")->check(SeedValidator());
  sub->add_option("--level", args->request.options.ci_level, "confidence level of break-date intervals; default 0.95");
  sub->add_option("--null-errors", args->request.null_errors,
                  "errors of the Monte Carlo null: iid (classical F tests, default) or ar1 (rho from the LWZ "
                  "model's residuals)")
      ->check(CLI::IsMember({"iid", "ar1"}));
  sub->add_flag_function("--no-tests", [args](int64_t) { args->request.tests = false; }, "skip supF/UDmax/WDmax/F(l+1|l) and their p-values");
  sub->callback([args] { RunBreaks(*args); });
}

}  // namespace chokepoint::cli
