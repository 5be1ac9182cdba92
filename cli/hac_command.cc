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
  std::string regressors = "trend";
  bool seasonal = false;
  std::string kernel = "bartlett";
  std::string lag = "auto";
  std::string bandwidth_rule;  // empty: Newey-West 1994 for Bartlett, Andrews 1991 otherwise
  bool prewhite = false;
  bool adjust = false;
};

void RunHac(const HacArgs& a) {
  const pipeline::Series s = LoadPipelineSeries(a.series);
  pipeline::HacRequest request;
  request.regressors = a.regressors;
  request.seasonal = a.seasonal;
  request.kernel = a.kernel;
  request.lag = a.lag;
  request.bandwidth_rule = a.bandwidth_rule;
  request.prewhite = a.prewhite;
  request.adjust = a.adjust;
  const pipeline::HacOutcome r = pipeline::SeriesHac(s, request);
  if (a.series.json) {
    std::cout << pipeline::FormatHacJson(r, s, request);
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
  sub->add_option("--regressors", args->regressors, "level (intercept) or trend (intercept + trend)")
      ->check(CLI::IsMember({"level", "trend"}));
  sub->add_flag("--seasonal", args->seasonal, "add 11 month dummies (January is the reference)");
  sub->add_option("--kernel", args->kernel, "bartlett (Newey-West), parzen or qs (quadratic spectral)")
      ->check(CLI::IsMember({"bartlett", "parzen", "qs"}));
  sub->add_option("--lag", args->lag,
                  "auto, or the Bartlett lag L (an integer) / the Parzen or QS bandwidth; default auto");
  sub->add_option("--bandwidth-rule", args->bandwidth_rule,
                  "with --lag auto: nw1994 (Newey-West 1994) or andrews (Andrews 1991 AR(1)); default nw1994 for "
                  "bartlett, andrews otherwise");
  sub->add_flag("--prewhite", args->prewhite, "VAR(1) prewhitening of the estimating functions");
  sub->add_flag("--adjust", args->adjust, "small-sample factor n/(n-k)");
  sub->callback([args] { RunHac(*args); });
}

}  // namespace chokepoint::cli
