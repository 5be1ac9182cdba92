// chokepoint surge: the trend + surge model on one monthly series from CSV.
#include <iostream>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/robustness/models/policy_events.h"
#include "chokepoint/robustness/models/surge.h"
#include "commands.h"
#include "flags.h"
#include "json.h"

namespace chokepoint::cli {

using robustness::DefaultPolicyEventsPath;
using robustness::FitSurgeModel;
using robustness::OnsetMode;
using robustness::OnsetModeFromString;
using robustness::ReadPolicyEvents;
using robustness::RobustLossFromString;
using robustness::SurgeFit;
using robustness::SurgeOptions;
using robustness::SurgePulse;
using robustness::SurgeResult;

namespace {

std::string NumberArray(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + JsonNumber(v[i]);
  return s + "]";
}

std::string SurgeJson(const SurgeResult& r) {
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

}  // namespace

void RegisterSurgeCommand(CLI::App& app) {
  struct Args {
    SeriesInputFlags series;
    std::string events, onsets = "free", loss = "huber";
    double loss_scale = 1.345;
    int max_surges = SurgeOptions{}.max_surges;
    bool no_ar1 = false, no_seasonal = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("surge", "Trend + transient-surge model (Ceres, AR(1) errors, robust loss) on one "
                                          "monthly series; model chosen by BIC; verdict.");
  AddSeriesInputFlags(sub, &args->series);
  sub->add_option("--events", args->events, "policy events CSV (month,label,source); implies --onsets events");
  sub->add_option("--onsets", args->onsets, "free | events")->capture_default_str();
  sub->add_option("--loss", args->loss, "none | huber | cauchy")->capture_default_str();
  sub->add_option("--loss-scale", args->loss_scale, "loss scale, multiple of the pilot residual scale")
      ->capture_default_str();
  sub->add_option("--max-surges", args->max_surges,
                  "surge pulses searched one after another (1 = the single-pulse model)")
      ->capture_default_str();
  sub->add_flag("--no-ar1", args->no_ar1, "independent errors instead of AR(1)");
  sub->add_flag("--no-seasonal", args->no_seasonal, "no month effects");
  sub->callback([args] {
    const LoadedSeries series = LoadSeries(args->series);
    if (!series.start) ThrowUsageError(args->series.input + " has no month column: give the first month with --start YYYY-MM");
    SurgeOptions o;
    auto loss = RobustLossFromString(args->loss);
    if (!loss) ThrowUsageError("--loss must be none, huber or cauchy");
    o.loss = *loss;
    o.loss_scale = args->loss_scale;
    auto mode = OnsetModeFromString(args->onsets);
    if (!mode) ThrowUsageError("--onsets must be free or events");
    o.onset_mode = args->events.empty() ? *mode : OnsetMode::kEvents;
    o.ar1 = !args->no_ar1;
    o.seasonal = !args->no_seasonal;
    o.max_surges = args->max_surges;
    if (o.onset_mode == OnsetMode::kEvents) {
      const auto events = ReadPolicyEvents(args->events.empty() ? DefaultPolicyEventsPath() : std::filesystem::path(args->events));
      for (const auto& e : events) o.events.push_back(e.month);
    }
    std::string error;
    if (!o.IsValid(&error)) ThrowUsageError(error);
    const SurgeResult r = FitSurgeModel(series.values, *series.start, o);
    std::cout << (args->series.json ? SurgeJson(r) : r.FullReport());
  });
}

}  // namespace chokepoint::cli
