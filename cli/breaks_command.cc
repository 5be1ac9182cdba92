// chokepoint breaks: Bai-Perron multiple structural breaks on one series.
#include <iostream>
#include <sstream>

#include "chokepoint/robustness/models/breaks.h"
#include "commands.h"
#include "chokepoint/core/error.h"
#include "flags.h"
#include "json.h"

namespace chokepoint::cli {

using robustness::BreakInterval;
using robustness::BreakOptions;
using robustness::BreakResult;
using robustness::EstimateBreaks;
using robustness::NullErrorsFromString;
using robustness::TrendRegressorsFromString;

namespace {

struct BreaksArgs {
  SeriesInputFlags series;
  BreakOptions options;
  std::string regressors = "trend";
  std::string null_errors = "iid";
  bool no_tests = false;
};

std::string DateString(const BreakResult& r, int bp) {
  const auto d = r.DateOf(bp);
  return d ? JsonString(d->ToString()) : "null";
}

std::string BreaksJson(const BreakResult& r, const BreaksArgs& a) {
  std::ostringstream o;
  auto bps_json = JsonArray(r.breakpoints_by_m, [](const std::vector<int>& v) { return JsonInts(v); });
  auto ci_json = JsonArray(r.confidence_intervals, [](const BreakInterval& ci) {
    if (!ci.computed) return "[null, " + std::to_string(ci.breakpoint) + ", null]";
    return "[" + std::to_string(ci.lower) + ", " + std::to_string(ci.breakpoint) + ", " + std::to_string(ci.upper) + "]";
  });
  o << "{\n"
    << "  \"command\": \"breaks\",\n"
    << "  \"input\": " << JsonString(a.series.input) << ",\n"
    << "  \"estimator\": " << JsonString(r.options.Describe()) << ",\n"
    << "  \"regressors\": " << JsonString(ToString(r.options.regressors)) << ",\n"
    << "  \"seasonal_fixed\": " << (r.options.seasonal_fixed ? "true" : "false") << ",\n"
    << "  \"n\": " << r.n << ",\n"
    << "  \"k\": " << r.q << ",\n"
    << "  \"fixed_regressors\": " << r.p << ",\n"
    << "  \"trim\": " << JsonNumber(r.options.trim) << ",\n"
    << "  \"trim_obs\": " << r.trim_obs << ",\n"
    << "  \"max_breaks_requested\": " << r.options.max_breaks << ",\n"
    << "  \"max_breaks\": " << r.max_breaks << ",\n"
    << "  \"rss\": " << JsonNumbers(r.rss) << ",\n"
    << "  \"bic\": " << JsonNumbers(r.bic) << ",\n"
    << "  \"lwz\": " << JsonNumbers(r.lwz) << ",\n"
    << "  \"breakpoints_by_m\": " << bps_json << ",\n"
    << "  \"selected\": {\"bic\": " << r.selected_bic << ", \"lwz\": " << r.selected_lwz << ", \"sequential\": "
    << (r.selected_sequential >= 0 ? std::to_string(r.selected_sequential) : "null") << "},\n"
    << "  \"breakpoints\": " << JsonInts(r.breakpoints) << ",\n"
    << "  \"confidence_level\": " << JsonNumber(r.options.ci_level) << ",\n"
    << "  \"confidence_intervals\": " << ci_json << ",\n"
    << "  \"sup_f\": " << JsonNumbers(r.sup_f) << ",\n"
    << "  \"sup_f_p\": " << JsonNumbers(r.sup_f_p) << ",\n"
    << "  \"sup_f_critical_5\": " << JsonNumbers(r.sup_f_critical_5) << ",\n"
    << "  \"seq_f\": " << JsonNumbers(r.seq_f) << ",\n"
    << "  \"seq_f_p\": " << JsonNumbers(r.seq_f_p) << ",\n"
    << "  \"ud_max\": " << JsonNumber(r.ud_max) << ",\n"
    << "  \"ud_max_p\": " << JsonNumber(r.ud_max_p) << ",\n"
    << "  \"wd_max\": " << JsonNumber(r.wd_max) << ",\n"
    << "  \"wd_max_p\": " << JsonNumber(r.wd_max_p) << ",\n"
    << "  \"pvalue_source\": " << JsonString(r.pvalue_source) << ",\n"
    << "  \"null_errors\": " << JsonString(ToString(r.options.null_errors)) << ",\n"
    << "  \"null_rho\": " << JsonNumber(r.null_rho) << ",\n"
    << "  \"seed\": " << r.options.seed << ",\n"
    << "  \"test_replicates\": " << (r.tests_computed ? std::to_string(r.options.test_replicates) : "null") << ",\n";
  if (r.start) {
    auto dates = [&r](const std::vector<int>& v) {
      return JsonArray(v, [&r](int bp) { return DateString(r, bp); });
    };
    o << "  \"start\": " << JsonString(r.start->ToString()) << ",\n"
      << "  \"breakdates\": " << dates(r.breakpoints) << ",\n"
      << "  \"breakdates_by_m\": " << JsonArray(r.breakpoints_by_m, dates) << ",\n"
      << "  \"confidence_interval_dates\": " << JsonArray(r.confidence_intervals, [&r](const BreakInterval& ci) {
           if (!ci.computed) return "[null, " + DateString(r, ci.breakpoint) + ", null]";
           return "[" + DateString(r, ci.lower) + ", " + DateString(r, ci.breakpoint) + ", " + DateString(r, ci.upper) + "]";
         }) << ",\n";
  } else {
    o << "  \"start\": null,\n";
  }
  o << "  \"warnings\": " << JsonArray(r.warnings, [](const std::string& w) { return JsonString(w); }) << "\n"
    << "}\n";
  return o.str();
}

void RunBreaks(BreaksArgs& a) {
  const LoadedSeries s = LoadSeries(a.series);
  const auto regressors = TrendRegressorsFromString(a.regressors);
  if (!regressors) ThrowUsageError("--regressors must be level or trend, got \"" + a.regressors + "\"");
  a.options.regressors = *regressors;
  a.options.compute_tests = !a.no_tests;
  const auto null_errors = NullErrorsFromString(a.null_errors);
  if (!null_errors) ThrowUsageError("--null-errors must be iid or ar1, got \"" + a.null_errors + "\"");
  a.options.null_errors = *null_errors;
  std::string error;
  if (!a.options.IsValid(&error)) ThrowUsageError(error);
  BreakResult r;
  try {
    r = EstimateBreaks(s.values, a.options, s.start);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInput) throw Error(ErrorKind::kInput, a.series.input + ": " + e.what());
    throw;
  }
  if (a.series.json) {
    std::cout << BreaksJson(r, a);
  } else {
    std::cout << "Series: " << a.series.input << "\n" << r.FullReport();
  }
}

}  // namespace

void RegisterBreaksCommand(CLI::App& app) {
  auto* sub = app.add_subcommand("breaks", "Bai-Perron multiple structural breaks on one series (as strucchange).");
  auto args = std::make_shared<BreaksArgs>();
  AddSeriesInputFlags(sub, &args->series);
  sub->add_option("--regressors", args->regressors, "level (intercept) or trend (intercept + trend) per regime")
      ->check(CLI::IsMember({"level", "trend"}));
  sub->add_option("--trim", args->options.trim, "trimming eps: minimum segment h = floor(eps * n); default 0.15");
  sub->add_option("--max-breaks", args->options.max_breaks, "maximum number of breaks M; default 5");
  sub->add_flag("--seasonal", args->options.seasonal_fixed,
                "hold 11 month effects fixed across regimes (partial change; no p-values)");
  sub->add_option("--significance", args->options.significance, "level of the sequential F(l+1|l) choice; default 0.05");
  sub->add_option("--replicates", args->options.test_replicates, "Monte Carlo replicates for p-values; default 999");
  sub->add_option("--seed", args->options.seed, "seed of the Monte Carlo p-values");
  sub->add_option("--level", args->options.ci_level, "confidence level of break-date intervals; default 0.95");
  sub->add_option("--null-errors", args->null_errors,
                  "errors of the Monte Carlo null: iid (classical F tests, default) or ar1 (rho from the LWZ "
                  "model's residuals)")
      ->check(CLI::IsMember({"iid", "ar1"}));
  sub->add_flag("--no-tests", args->no_tests, "skip supF/UDmax/WDmax/F(l+1|l) and their p-values");
  sub->callback([args] { RunBreaks(*args); });
}

}  // namespace chokepoint::cli
