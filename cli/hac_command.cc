// chokepoint hac: OLS trend regression on one series with HAC standard errors.
#include <iostream>
#include <sstream>

#include "chokepoint/robustness/models/hac.h"
#include "commands.h"
#include "chokepoint/core/error.h"
#include "flags.h"

namespace chokepoint::cli {


namespace {

struct HacArgs {
  SeriesInputFlags series;
  pipeline::HacRequest request;  // the flags write into it (defaults there)
};

void RunHac(const HacArgs& a) {
  const pipeline::Series s = LoadPipelineSeries(a.series);
  const pipeline::HacOutcome r = pipeline::SeriesHac(s, a.request);
  if (a.series.json) {
    std::cout << pipeline::FormatHacJson(r, s, a.request);
  } else {
    std::cout << "Series: " << a.series.input << " (n = " << s.values.size();
    if (s.start) std::cout << ", from " << s.start->ToString();
    std::cout << ")\n" << r.ols.FullReport() << "\n" << r.hac.FullReport();
  }
}

}  // namespace

void RegisterHacCommand(CLI::App& app) {
  auto* sub = app.add_subcommand("hac", "Trend regression on one series with HAC (Newey-West / Andrews) standard errors.");
  auto args = std::make_shared<HacArgs>();
  AddSeriesInputFlags(sub, &args->series);
  sub->add_option("--regressors", args->request.regressors, "level (intercept) or trend (intercept + trend)")
      ->check(CLI::IsMember({"level", "trend"}));
  sub->add_flag("--seasonal", args->request.seasonal, "add 11 month dummies (January is the reference)");
  sub->add_option("--kernel", args->request.kernel, "bartlett (Newey-West), parzen or qs (quadratic spectral)")
      ->check(CLI::IsMember({"bartlett", "parzen", "qs"}));
  sub->add_option("--lag", args->request.lag,
                  "auto, or the Bartlett lag L (an integer) / the Parzen or QS bandwidth; default auto");
  sub->add_option("--bandwidth-rule", args->request.bandwidth_rule,
                  "with --lag auto: nw1994 (Newey-West 1994) or andrews (Andrews 1991 AR(1)); default nw1994 for "
                  "bartlett, andrews otherwise");
  sub->add_flag("--prewhite", args->request.prewhite, "VAR(1) prewhitening of the estimating functions");
  sub->add_flag("--adjust", args->request.adjust, "small-sample factor n/(n-k)");
  sub->callback([args] { RunHac(*args); });
}

}  // namespace chokepoint::cli
