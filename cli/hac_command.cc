// chokepoint hac: OLS trend regression on one series with HAC standard errors.
#include <iostream>
#include <sstream>

#include "chokepoint/robustness/models/hac.h"
#include "commands.h"
#include "chokepoint/core/error.h"
#include "flags.h"
#include "json.h"

namespace chokepoint::cli {

using robustness::BandwidthRule;
using robustness::BandwidthRuleFromString;
using robustness::ComputeHac;
using robustness::Design;
using robustness::DesignSpec;
using robustness::FitOls;
using robustness::HacKernel;
using robustness::HacKernelFromString;
using robustness::HacOptions;
using robustness::HacResult;
using robustness::MakeDesign;
using robustness::OlsResult;
using robustness::TrendRegressorsFromString;

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

std::string HacJson(const HacResult& r, const LoadedSeries& s, const HacArgs& a) {
  std::ostringstream o;
  auto names = JsonArray(r.names, [](const std::string& x) { return JsonString(x); });
  std::vector<double> coef(r.coefficients.data(), r.coefficients.data() + r.k);
  std::vector<double> se(r.standard_errors.data(), r.standard_errors.data() + r.k);
  std::vector<double> t(r.t.data(), r.t.data() + r.k);
  std::vector<double> p(r.p.data(), r.p.data() + r.k);
  std::string vcov = "[";
  for (int i = 0; i < r.k; ++i) {
    std::vector<double> row(r.k);
    for (int j = 0; j < r.k; ++j) row[j] = r.vcov(i, j);
    vcov += (i ? ", " : "") + JsonNumbers(row);
  }
  vcov += "]";
  o << "{\n"
    << "  \"command\": \"hac\",\n"
    << "  \"input\": " << JsonString(a.series.input) << ",\n"
    << "  \"n\": " << r.n << ",\n"
    << "  \"k\": " << r.k << ",\n"
    << "  \"start\": " << (s.start ? JsonString(s.start->ToString()) : "null") << ",\n"
    << "  \"regressors\": " << JsonString(a.regressors) << ",\n"
    << "  \"seasonal\": " << (a.seasonal ? "true" : "false") << ",\n"
    << "  \"estimator\": " << JsonString(r.estimator) << ",\n"
    << "  \"kernel\": " << JsonString(ToString(r.options.kernel)) << ",\n"
    << "  \"bandwidth_rule\": " << JsonString(ToString(r.options.bandwidth_rule)) << ",\n"
    << "  \"prewhite\": " << (r.options.prewhite ? "true" : "false") << ",\n"
    << "  \"adjust\": " << (r.options.adjust ? "true" : "false") << ",\n"
    << "  \"bandwidth\": " << JsonNumber(r.bandwidth) << ",\n"
    << "  \"bandwidth_automatic\": " << JsonNumber(r.bandwidth_automatic) << ",\n"
    << "  \"pilot_lag\": " << (r.pilot_lag >= 0 ? std::to_string(r.pilot_lag) : "null") << ",\n"
    << "  \"kernel_weights_used\": " << r.weights_used << ",\n"
    << "  \"df_residual\": " << r.n - r.k << ",\n"
    << "  \"names\": " << names << ",\n"
    << "  \"coefficients\": " << JsonNumbers(coef) << ",\n"
    << "  \"standard_errors\": " << JsonNumbers(se) << ",\n"
    << "  \"vcov\": " << vcov << ",\n"
    << "  \"t\": " << JsonNumbers(t) << ",\n"
    << "  \"p\": " << JsonNumbers(p) << "\n"
    << "}\n";
  return o.str();
}

void RunHac(const HacArgs& a) {
  const LoadedSeries s = LoadSeries(a.series);
  DesignSpec spec;
  const auto regressors = TrendRegressorsFromString(a.regressors);
  if (!regressors) ThrowUsageError("--regressors must be level or trend, got \"" + a.regressors + "\"");
  spec.regressors = *regressors;
  spec.seasonal = a.seasonal;
  spec.start = s.start;
  HacOptions options;
  const auto kernel = HacKernelFromString(a.kernel);
  if (!kernel) ThrowUsageError("--kernel must be bartlett, parzen or qs, got \"" + a.kernel + "\"");
  options.kernel = *kernel;
  if (a.lag == "auto") {
    if (a.bandwidth_rule.empty()) {
      options.bandwidth_rule =
          options.kernel == HacKernel::kBartlett ? BandwidthRule::kNeweyWest1994 : BandwidthRule::kAndrews1991;
    } else {
      const auto rule = BandwidthRuleFromString(a.bandwidth_rule);
      if (!rule || *rule == BandwidthRule::kFixed) {
        ThrowUsageError("--bandwidth-rule must be nw1994 or andrews, got \"" + a.bandwidth_rule + "\"");
      }
      options.bandwidth_rule = *rule;
    }
  } else {
    if (!a.bandwidth_rule.empty()) ThrowUsageError("--bandwidth-rule needs --lag auto");
    options.bandwidth_rule = BandwidthRule::kFixed;
    try {
      size_t used = 0;
      options.fixed_bandwidth = std::stod(a.lag, &used);
      if (used != a.lag.size()) throw std::invalid_argument(a.lag);
    } catch (const std::exception&) {
      ThrowUsageError("--lag must be auto or a number, got \"" + a.lag + "\"");
    }
  }
  options.prewhite = a.prewhite;
  options.adjust = a.adjust;
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error + " (from --lag)");
  const int n = static_cast<int>(s.values.size());
  const Design design = MakeDesign(n, spec);
  if (n < design.X.cols() + 3) {
    throw Error(ErrorKind::kInput, a.series.input + ": " + std::to_string(n) + " observations are too few for " +
                                       std::to_string(design.X.cols()) + " regressors");
  }
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(s.values.data(), n);
  const OlsResult ols = FitOls(design.X, y, design.names);
  const HacResult hac = ComputeHac(design.X, ols, options);
  if (a.series.json) {
    std::cout << HacJson(hac, s, a);
  } else {
    std::cout << "Series: " << a.series.input << " (n = " << n;
    if (s.start) std::cout << ", from " << s.start->ToString();
    std::cout << ")\n" << ols.FullReport() << "\n" << hac.FullReport();
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
