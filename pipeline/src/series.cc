#include "chokepoint/pipeline/series.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/json.h"
#include "chokepoint/pipeline/run.h"
#include "chokepoint/robustness/models/policy_events.h"

namespace chokepoint::pipeline {

using namespace chokepoint::json;
using robustness::BandwidthRule;
using robustness::BandwidthRuleFromString;
using robustness::BreakInterval;
using robustness::BreakResult;
using robustness::Design;
using robustness::DesignSpec;
using robustness::HacKernel;
using robustness::HacKernelFromString;
using robustness::HacOptions;
using robustness::HacResult;
using robustness::OnsetMode;
using robustness::SurgeFit;
using robustness::SurgeOptions;
using robustness::SurgePulse;
using robustness::SurgeResult;

bootstrap::BootstrapResult BootstrapSeries(const Series& series, const PipelineConfig& config) {
  if (series.values.size() < 3) ThrowInputError(series.source, 0, 0, "need at least 3 monthly values");
  ThreadLimit limit(config.bootstrap.threads);
  bootstrap::BootstrapResult r =
      bootstrap::RunSeriesBootstrap(series.values, series.start.value_or(kDefaultFirstMonth), config.index,
                                    config.thresholds, config.bootstrap, series.name);
  if (!r.groups[0].ok) ThrowInputError(series.source, 0, 0, "cannot bootstrap this series: " + r.groups[0].note);
  return r;
}

bootstrap::BlockLengthSelection SeriesBlockLength(const Series& series, std::string_view scheme) {
  if (scheme.empty()) return bootstrap::SelectBlockLength(series.values);
  bootstrap::ResamplerOptions o;
  const auto parsed = bootstrap::SchemeFromString(scheme);
  if (!parsed || *parsed == bootstrap::Scheme::kSieve)
    ThrowUsageError("--scheme must be residual, growth or levels, got \"" + std::string(scheme) + "\"");
  o.scheme = *parsed;
  const bootstrap::SeriesResampler r(series.values, series.start.value_or(kDefaultFirstMonth), o);
  return *r.automatic();
}

BreakResult SeriesBreaks(const Series& series, BreaksRequest a) {
  const auto regressors = robustness::TrendRegressorsFromString(a.regressors);
  if (!regressors) ThrowUsageError("--regressors must be level or trend, got \"" + a.regressors + "\"");
  a.options.regressors = *regressors;
  a.options.compute_tests = a.tests;
  const auto null_errors = robustness::NullErrorsFromString(a.null_errors);
  if (!null_errors) ThrowUsageError("--null-errors must be iid or ar1, got \"" + a.null_errors + "\"");
  a.options.null_errors = *null_errors;
  std::string error;
  if (!a.options.IsValid(&error)) ThrowUsageError(error);
  try {
    return robustness::EstimateBreaks(series.values, a.options, series.start);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInput) throw Error(ErrorKind::kInput, series.source + ": " + e.what());
    throw;
  }
}

namespace {

std::string DateString(const BreakResult& r, int bp) {
  const auto d = r.DateOf(bp);
  return d ? JsonString(d->ToString()) : "null";
}

}  // namespace

std::string FormatBreaksJson(const BreakResult& r, std::string_view input) {
  std::ostringstream o;
  auto bps_json = JsonArray(r.breakpoints_by_m, [](const std::vector<int>& v) { return JsonInts(v); });
  auto ci_json = JsonArray(r.confidence_intervals, [](const BreakInterval& ci) {
    if (!ci.computed) return "[null, " + std::to_string(ci.breakpoint) + ", null]";
    return "[" + std::to_string(ci.lower) + ", " + std::to_string(ci.breakpoint) + ", " + std::to_string(ci.upper) + "]";
  });
  o << "{\n"
    << "  \"command\": \"breaks\",\n"
    << "  \"input\": " << JsonString(input) << ",\n"
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

HacOutcome SeriesHac(const Series& s, const HacRequest& a) {
  DesignSpec spec;
  const auto regressors = robustness::TrendRegressorsFromString(a.regressors);
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
  const Design design = robustness::MakeDesign(n, spec);
  if (n < design.X.cols() + 3) {
    throw Error(ErrorKind::kInput, s.source + ": " + std::to_string(n) + " observations are too few for " +
                                       std::to_string(design.X.cols()) + " regressors");
  }
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(s.values.data(), n);
  HacOutcome out{robustness::FitOls(design.X, y, design.names), {}};
  out.hac = robustness::ComputeHac(design.X, out.ols, options);
  return out;
}

std::string FormatHacJson(const HacOutcome& outcome, const Series& s, const HacRequest& a) {
  const HacResult& r = outcome.hac;
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
    << "  \"input\": " << JsonString(s.source) << ",\n"
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

SurgeResult SeriesSurge(const Series& series, const SurgeRequest& a) {
  if (!series.start)
    ThrowUsageError(series.source + " has no month column: give the first month with --start YYYY-MM");
  SurgeOptions o;
  const auto loss = robustness::RobustLossFromString(a.loss);
  if (!loss) ThrowUsageError("--loss must be none, huber or cauchy");
  o.loss = *loss;
  o.loss_scale = a.loss_scale;
  const auto mode = robustness::OnsetModeFromString(a.onsets);
  if (!mode) ThrowUsageError("--onsets must be free or events");
  o.onset_mode = a.events.empty() ? *mode : OnsetMode::kEvents;
  o.ar1 = a.ar1;
  o.seasonal = a.seasonal;
  o.max_surges = a.max_surges;
  if (o.onset_mode == OnsetMode::kEvents) {
    const auto events = robustness::ReadPolicyEvents(
        a.events.empty() ? robustness::DefaultPolicyEventsPath() : std::filesystem::path(a.events));
    for (const auto& e : events) o.events.push_back(e.month);
  }
  std::string error;
  if (!o.IsValid(&error)) ThrowUsageError(error);
  return robustness::FitSurgeModel(series.values, *series.start, o);
}

namespace {

std::string NumberArray(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + JsonNumber(v[i]);
  return s + "]";
}

}  // namespace

std::string FormatSurgeJson(const SurgeResult& r) {
  std::ostringstream os;
  auto month = [&](int index) { return index >= 0 ? JsonString(r.first_month.Plus(index).ToString()) : "null"; };
  os << "{\"n\":" << r.num_months << ",\"first_month\":" << JsonString(r.first_month.ToString())
     << ",\"loss\":" << JsonString(std::string(ToString(r.options.loss)))
     << ",\"loss_scale\":" << JsonNumber(r.options.loss_scale) << ",\"pilot_scale\":" << JsonNumber(r.pilot_scale)
     << ",\"onset_mode\":" << JsonString(std::string(ToString(r.options.onset_mode)))
     << ",\"chosen\":" << JsonString(std::string(ToString(r.chosen)))
     << ",\"verdict\":" << JsonString(std::string(ToString(r.verdict)))
     << ",\"verdict_reason\":" << JsonString(r.verdict_reason) << ",\"models\":[";
  for (size_t k = 0; k < r.fits.size(); ++k) {
    const SurgeFit& f = r.fits[k];
    os << (k ? "," : "") << "{\"model\":" << JsonString(std::string(ToString(f.kind)))
       << ",\"bic\":" << JsonNumber(f.bic) << ",\"rss\":" << JsonNumber(f.rss)
       << ",\"num_params\":" << f.num_params << ",\"converged\":" << (f.converged ? "true" : "false")
       << ",\"trend\":" << JsonNumber(f.trend) << ",\"trend_se\":" << JsonNumber(f.trend_se)
       << ",\"rho\":" << JsonNumber(f.rho) << ",\"rho_se\":" << JsonNumber(f.rho_se);
    // Break: 1-based index of the last observation of the first regime (strucchange convention).
    os << ",\"break\":" << (f.break_index >= 0 ? std::to_string(f.break_index + 1) : "null")
       << ",\"break_month\":" << month(f.break_index) << ",\"slope_change\":" << JsonNumber(f.slope_change)
       << ",\"slope_change_se\":" << JsonNumber(f.slope_change_se)
       << ",\"post_break_slope\":" << JsonNumber(f.post_break_slope)
       << ",\"post_break_slope_se\":" << JsonNumber(f.post_break_slope_se);
    // Onset: 1-based index of the first surge month.
    os << ",\"onset\":" << (f.onset_index >= 0 ? std::to_string(f.onset_index + 1) : "null")
       << ",\"onset_month\":" << month(f.onset_index) << ",\"amplitude\":" << JsonNumber(f.amplitude)
       << ",\"amplitude_se\":" << JsonNumber(f.amplitude_se) << ",\"half_life\":" << JsonNumber(f.half_life)
       << ",\"half_life_se\":" << JsonNumber(f.half_life_se) << ",\"parameters\":{";
    for (size_t j = 0; j < f.names.size(); ++j)
      os << (j ? "," : "") << JsonString(f.names[j]) << ":{\"estimate\":" << JsonNumber(f.estimates[j])
         << ",\"se\":" << JsonNumber(f.standard_errors[j]) << "}";
    os << "}}";
  }
  os << "],\"further_surges\":[";
  for (size_t k = 0; k < r.further_surges.size(); ++k) {
    const SurgePulse& p = r.further_surges[k];
    os << (k ? "," : "") << "{\"onset\":" << p.onset_index + 1 << ",\"onset_month\":" << month(p.onset_index)
       << ",\"amplitude\":" << JsonNumber(p.amplitude) << ",\"amplitude_se\":" << JsonNumber(p.amplitude_se)
       << ",\"half_life\":" << JsonNumber(p.half_life) << ",\"half_life_se\":" << JsonNumber(p.half_life_se) << "}";
  }
  os << "],\"components\":{\"log_values\":" << NumberArray(r.log_values) << ",\"trend\":" << NumberArray(r.fitted_trend)
     << ",\"seasonal\":" << NumberArray(r.fitted_seasonal) << ",\"surge\":" << NumberArray(r.fitted_surge)
     << ",\"residual\":" << NumberArray(r.residual) << "}}\n";
  return os.str();
}


}  // namespace chokepoint::pipeline
