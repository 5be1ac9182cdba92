#include "chokepoint/robustness/models/models.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <sstream>

#include <tbb/parallel_for.h>

#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/models/ols.h"
#include "chokepoint/robustness/models/models_io.h"
#include "chokepoint/robustness/models/policy_events.h"
#include "chokepoint/robustness/models/surge_recovery.h"

namespace chokepoint::robustness {

BreakOptions DefaultModelBreakOptions() {
  BreakOptions b;
  b.regressors = TrendRegressors::kTrend;
  b.seasonal_fixed = true;
  b.test_replicates = 199;
  return b;
}

bool ModelsOptions::IsValid(std::string* error) const {
  std::string inner;
  if (!hac.IsValid(&inner)) {
    if (error) *error = "models." + inner;
    return false;
  }
  if (!breaks.IsValid(&inner)) {
    if (error) *error = "models." + inner;
    return false;
  }
  // Events are loaded by RunModels, so validate the surge options as if they were present.
  SurgeOptions s = surge;
  if (s.onset_mode == OnsetMode::kEvents && s.events.empty()) s.events.push_back(YearMonth{2020, 1});
  if (!s.IsValid(&inner)) {
    if (error) *error = "models." + inner;
    return false;
  }
  if (!panel.IsValid(&inner)) {
    if (error) *error = "models." + inner;
    return false;
  }
  if (!index.IsValid(&inner)) {
    if (error) *error = inner;
    return false;
  }
  if (!thresholds.IsValid(&inner)) {
    if (error) *error = inner;
    return false;
  }
  return true;
}

ModelsOptions ModelsOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"events_file", "surge", "panel", "hac", "breaks"});
  ModelsOptions o;
  if (auto v = s.GetString("events_file")) o.events_file = *v;
  o.surge = SurgeOptions::FromToml(s.Sub("surge"));
  o.panel = PanelOptions::FromToml(s.Sub("panel"));
  o.hac = HacOptions::FromToml(s.Sub("hac"));
  // Keys absent from [models.breaks] keep the models pass's defaults, not
  // the single-series command's.
  const TomlSection b = s.Sub("breaks");
  o.breaks = BreakOptions::FromToml(b);
  const BreakOptions d = DefaultModelBreakOptions();
  if (!b.Has("regressors")) o.breaks.regressors = d.regressors;
  if (!b.Has("seasonal_fixed")) o.breaks.seasonal_fixed = d.seasonal_fixed;
  if (!b.Has("test_replicates")) o.breaks.test_replicates = d.test_replicates;
  std::string error;
  if (!o.IsValid(&error)) s.Fail("", error);
  return o;
}

toml::table ModelsOptions::ToToml() const {
  toml::table t;
  t.insert("events_file", events_file);
  t.insert("surge", surge.ToToml());
  t.insert("panel", panel.ToToml());
  t.insert("hac", hac.ToToml());
  t.insert("breaks", breaks.ToToml());
  return t;
}

namespace {
bool RowComplete(const GroupSeries& s, int g) {
  if (s.present.empty()) return true;
  for (int t = 0; t < s.num_months; ++t)
    if (!s.present[static_cast<size_t>(g) * s.num_months + t]) return false;
  return true;
}
}  // namespace

std::vector<double> GroupModels::EpisodeLogComponent() const {
  if (!fitted) return {};
  if (surge.verdict == Regime::kStockpiling) return surge.fitted_surge;
  return break_log_path;
}

std::string GroupModels::EpisodeDescription() const {
  if (!fitted) return "none";
  if (surge.verdict == Regime::kStockpiling)
    return "surge pulses (" + std::to_string(1 + surge.further_surges.size()) + ")";
  if (!break_log_path.empty()) return "Bai-Perron segments (" + std::to_string(break_path_breaks) + " breaks, LWZ)";
  return "none";
}

ModelsResult RunModels(const GroupSeries& series, const ModelsOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  ModelsResult r;
  r.options = options;
  r.first_month = series.first_month;
  r.num_months = series.num_months;
  const std::filesystem::path events_path =
      options.events_file.empty() ? DefaultPolicyEventsPath() : ResolveDataPath(options.events_file);
  SurgeOptions surge = options.surge;
  if (std::filesystem::exists(events_path) || !options.events_file.empty() ||
      surge.onset_mode == OnsetMode::kEvents) {
    r.events = ReadPolicyEvents(events_path);
    r.events_source = DataRelativePath(events_path);
  }
  if (surge.onset_mode == OnsetMode::kEvents && surge.events.empty())
    for (const auto& e : r.events) surge.events.push_back(e.month);

  const int G = series.num_groups();
  r.groups.resize(G);
  tbb::parallel_for(0, G, [&](int g) {
    ThrowIfInterrupted();  // Ctrl-C stops between groups (interrupt.h)
    GroupModels& gm = r.groups[g];
    gm.group = series.groups[g].name;
    gm.semiconductor = series.groups[g].semiconductor;
    const auto row = series.row(g);
    const auto present = series.present.empty()
                             ? std::span<const unsigned char>()
                             : std::span<const unsigned char>(series.present)
                                   .subspan(static_cast<size_t>(g) * series.num_months, series.num_months);
    gm.raw_indices = ComputeSeriesIndices(row, present, series.first_month, options.index);
    if (gm.raw_indices.ok())
      gm.raw_class = Classify(gm.raw_indices.V, gm.raw_indices.G, gm.semiconductor, options.thresholds);
    if (!RowComplete(series, g)) {
      gm.skipped_reason = "missing months";
      return;
    }
    try {
      gm.surge = FitSurgeModel(row, series.first_month, surge);
    } catch (const Error& e) {
      gm.skipped_reason = e.what();
      return;
    }
    gm.fitted = true;
    gm.adjusted_series.resize(row.size());
    for (size_t t = 0; t < row.size(); ++t) gm.adjusted_series[t] = row[t] / std::exp(gm.surge.fitted_surge[t]);
    gm.adjusted_indices = ComputeSeriesIndices(gm.adjusted_series, present, series.first_month, options.index);
    // Trend regression with HAC errors and Bai-Perron breaks on log imports.
    const int n = static_cast<int>(row.size());
    Eigen::VectorXd log_y(n);
    for (int t = 0; t < n; ++t) log_y(t) = std::log(row[t]);
    try {
      const Design d = MakeDesign(n, DesignSpec{TrendRegressors::kTrend, /*seasonal=*/true, series.first_month});
      const OlsResult ols = FitOls(d.X, log_y, d.names);
      gm.hac = ComputeHac(d.X, ols, options.hac);
    } catch (const Error& e) {
      gm.hac_error = e.what();
    }
    try {
      gm.breaks = EstimateBreaks(std::span<const double>(log_y.data(), n), options.breaks, series.first_month);
      if (gm.breaks->selected_lwz > 0) {
        gm.break_log_path = gm.breaks->fitted_lwz;
        gm.break_path_breaks = gm.breaks->selected_lwz;
      }
    } catch (const Error& e) {
      gm.breaks_error = e.what();
    }
    if (gm.adjusted_indices.ok())
      gm.adjusted_class = Classify(gm.adjusted_indices.V, gm.adjusted_indices.G, gm.semiconductor, options.thresholds);
  });
  for (const auto& gm : r.groups) {
    if (!gm.fitted || !gm.raw_class) continue;
    r.agreement[static_cast<int>(gm.surge.verdict)][static_cast<int>(gm.raw_class->regime)]++;
    r.agreement_total++;
    if (gm.surge.verdict == gm.raw_class->regime) r.agreement_diagonal++;
  }
  try {
    r.panel = FitPanelRegression(series, options.panel);
  } catch (const Error& e) {
    r.panel_error = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

GroupSeries SimulateModelGroups(uint64_t seed, int num_months) {
  // Names, categories and semiconductor flags of the shipped catalog's groups
  // (data/catalog/groups.csv), the one place they are written down.
  const Catalog catalog = Catalog::LoadDefault();
  if (catalog.num_groups() < 17) ThrowInputError(catalog.source, 0, 0, "the model fixture needs 17 catalog groups");
  GroupSeries s;
  s.first_month = YearMonth{2015, 1};
  s.num_months = num_months;
  s.values.reserve(17 * static_cast<size_t>(num_months));
  for (int g = 0; g < 17; ++g) {
    TechnologyGroup tg = catalog.groups()[g];
    tg.short_name = tg.name;
    s.groups.push_back(tg);
    RandomStream stream(seed, 17, static_cast<uint32_t>(g));
    SurgeDgp dgp;
    dgp.num_months = num_months;
    dgp.log_level = 19.0 + 0.2 * g;
    if (tg.semiconductor) {
      dgp.surge = true;
      dgp.onset = std::min(num_months - 12, 62 + 3 * (g % 4));  // 2020-03 .. 2020-12 for T = 120
      dgp.amplitude = 0.5;
      dgp.half_life = 8.0;
    } else if (g == 6 || g == 9 || g == 11 || g == 12 || g == 13 || g == 15) {
      dgp.slope_break = true;
      dgp.break_index = num_months / 2;
      dgp.slope_change = -0.025;
    }
    const auto x = SimulateSurgeSeries(dgp, stream);
    s.values.insert(s.values.end(), x.begin(), x.end());
  }
  return s;
}

GroupSeries ModelsResult::AdjustedSeries(const GroupSeries& raw) const {
  GroupSeries out = raw;
  for (int g = 0; g < out.num_groups() && g < static_cast<int>(groups.size()); ++g)
    if (groups[g].fitted) std::copy(groups[g].adjusted_series.begin(), groups[g].adjusted_series.end(),
                                    out.mutable_row(g).begin());
  return out;
}

namespace {
std::string RegimeText(const std::optional<Classification>& c) {
  return c ? std::string(ToString(c->regime)) : std::string("n/a");
}
}  // namespace

std::string ModelsResult::FullReport() const {
  std::ostringstream os;
  char buf[512];
  os << "Models: " << groups.size() << " groups, " << num_months << " months from " << first_month.ToString()
     << ", onsets " << ToString(options.surge.onset_mode) << ", loss " << ToString(options.surge.loss)
     << ", events " << (events_source.empty() ? "(none)" : events_source) << ", " << seconds << " s\n";
  os << "  group                                   chosen             verdict       raw regime    adjusted regime  (V, G) raw -> adjusted\n";
  for (const auto& gm : groups) {
    if (!gm.fitted) {
      std::snprintf(buf, sizeof buf, "  %-40s skipped: %s\n", gm.group.c_str(), gm.skipped_reason.c_str());
      os << buf;
      continue;
    }
    std::snprintf(buf, sizeof buf, "  %-40s %-18s %-13s %-13s %-16s (%.3f, %.3f) -> (%.3f, %.3f)\n", gm.group.c_str(),
                  std::string(ToString(gm.surge.chosen)).c_str(), std::string(ToString(gm.surge.verdict)).c_str(),
                  RegimeText(gm.raw_class).c_str(), RegimeText(gm.adjusted_class).c_str(), gm.raw_indices.V,
                  gm.raw_indices.G, gm.adjusted_indices.V, gm.adjusted_indices.G);
    os << buf;
  }
  os << "  agreement (model verdict rows x index regime columns: stockpiling, no_effect, substitution): "
     << agreement_diagonal << " of " << agreement_total << " agree\n";
  for (int i = 0; i < kNumRegimes; ++i) {
    std::snprintf(buf, sizeof buf, "    %-13s %3d %3d %3d\n", std::string(ToString(static_cast<Regime>(i))).c_str(),
                  agreement[i][0], agreement[i][1], agreement[i][2]);
    os << buf;
  }
  if (panel) os << panel->FullReport();
  else os << "  panel regression not run: " << panel_error << "\n";
  for (const auto& gm : groups)
    if (gm.fitted) os << "\n[" << gm.group << "]\n" << gm.surge.FullReport();
  return os.str();
}

std::string FormatModelsReport(const ModelsResult& r) {
  std::ostringstream os;
  char buf[512];
  os << "## Models: surges, breaks and stockpiling-adjusted regimes\n\n";
  os << "Trend + surge model per group (log scale, AR(1) errors, " << ToString(r.options.surge.loss)
     << " loss; onsets " << ToString(r.options.surge.onset_mode)
     << "); model chosen by BIC among trend, trend+break, trend+surge, trend+break+surge.\n\n";
  os << "| group | semi | chosen | break | surge onset | A | half-life | verdict | index regime | adjusted regime |\n";
  os << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& gm : r.groups) {
    if (!gm.fitted) {
      os << "| " << gm.group << " | " << (gm.semiconductor ? "yes" : "no") << " | skipped: " << gm.skipped_reason
         << " | | | | | | " << RegimeText(gm.raw_class) << " | |\n";
      continue;
    }
    const SurgeFit& f = gm.surge.chosen_fit();
    std::string brk = f.break_index >= 0 ? r.first_month.Plus(f.break_index).ToString() : "-";
    std::string onset = f.onset_index >= 0 ? r.first_month.Plus(f.onset_index).ToString() : "-";
    char amp[96] = "-", hl[96] = "-";
    if (f.onset_index >= 0) {
      std::snprintf(amp, sizeof amp, "%.3f", f.amplitude);
      std::snprintf(hl, sizeof hl, "%.1f", f.half_life);
    }
    // Further pulses of the sequential search, comma-separated after the first.
    for (const SurgePulse& p : gm.surge.further_surges) {
      onset += ", " + r.first_month.Plus(p.onset_index).ToString();
      const size_t a = std::strlen(amp), h = std::strlen(hl);
      std::snprintf(amp + a, sizeof amp - a, ", %.3f", p.amplitude);
      std::snprintf(hl + h, sizeof hl - h, ", %.1f", p.half_life);
    }
    std::snprintf(buf, sizeof buf, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", gm.group.c_str(),
                  gm.semiconductor ? "yes" : "no", std::string(ToString(f.kind)).c_str(), brk.c_str(), onset.c_str(),
                  amp, hl, std::string(ToString(gm.surge.verdict)).c_str(),
                  RegimeText(gm.raw_class).c_str(), RegimeText(gm.adjusted_class).c_str());
    os << buf;
  }
  {  // Which episodes the bootstrap's residual scheme keeps in its fitted path.
    std::string segments;
    for (const auto& gm : r.groups)
      if (gm.fitted && gm.surge.verdict != Regime::kStockpiling && !gm.break_log_path.empty()) {
        if (!segments.empty()) segments += "; ";
        segments += gm.group;
        segments += " (" + std::to_string(gm.break_path_breaks) + ")";
      }
    os << "\nBootstrap fitted path ([bootstrap] fitted_surges): the surge pulses of stockpiling verdicts; "
       << "Bai-Perron segments (LWZ breaks, level and slope shifts) for "
       << (segments.empty() ? std::string("no other group") : segments) << ".\n";
  }
  if (!r.events.empty()) {
    os << "\nPolicy events (" << r.events_source << "):";
    for (const auto& e : r.events) os << " " << e.month.ToString() << " " << e.label << ";";
    os << "\n";
  }
  os << "\nAgreement of the model verdict (rows) with the index-based regime (columns): " << r.agreement_diagonal
     << " of " << r.agreement_total << ".\n\n| model \\ index | stockpiling | no_effect | substitution |\n|---|---|---|---|\n";
  for (int i = 0; i < kNumRegimes; ++i)
    os << "| " << ToString(static_cast<Regime>(i)) << " | " << r.agreement[i][0] << " | " << r.agreement[i][1]
       << " | " << r.agreement[i][2] << " |\n";
  // Trend regressions with HAC errors, and Bai-Perron breaks, per group.
  os << "\n### Trend and breaks per group\n\n";
  {
    std::string hac_desc, breaks_desc;
    for (const auto& gm : r.groups) {
      if (gm.hac && hac_desc.empty()) hac_desc = gm.hac->estimator;
      if (gm.breaks && breaks_desc.empty()) breaks_desc = gm.breaks->options.Describe();
    }
    os << "Trend: OLS of log imports on intercept, trend and month effects; slope in log points per year, "
       << "standard errors " << (hac_desc.empty() ? std::string("HAC") : hac_desc) << ". Breaks: "
       << (breaks_desc.empty() ? std::string("Bai-Perron") : breaks_desc)
       << "; number of breaks by BIC, LWZ and sequential F(l+1|l); dates for the BIC choice.\n\n";
    os << "| group | trend /yr | HAC s.e. | p | breaks BIC / LWZ / seq | break dates (BIC) | UDmax p |\n"
       << "|---|---:|---:|---:|---|---|---:|\n";
    for (const auto& gm : r.groups) {
      os << "| " << gm.group << " | ";
      if (gm.hac) {
        std::snprintf(buf, sizeof buf, "%.4f | %.4f | %.3g | ", 12.0 * gm.hac->coefficients(1),
                      12.0 * gm.hac->standard_errors(1), gm.hac->p(1));
        os << buf;
      } else {
        os << "- | - | - | ";
      }
      if (gm.breaks) {
        const BreakResult& b = *gm.breaks;
        os << b.selected_bic << " / " << b.selected_lwz << " / "
           << (b.selected_sequential >= 0 ? std::to_string(b.selected_sequential) : std::string("-")) << " | ";
        std::string dates;
        for (int bp : b.breakpoints) {
          auto d = b.DateOf(bp);
          dates += (dates.empty() ? "" : ", ") + (d ? d->ToString() : std::to_string(bp));
        }
        os << (dates.empty() ? "none" : dates) << " | ";
        std::snprintf(buf, sizeof buf, "%.3g |\n", b.ud_max_p);
        os << (std::isfinite(b.ud_max_p) ? std::string(buf) : std::string("- |\n"));
      } else {
        const std::string why = gm.breaks_error.empty() ? gm.skipped_reason : gm.breaks_error;
        os << "- | " << why << " | - |\n";
      }
    }
  }
  os << "\n### Panel regression\n\n";
  if (r.panel) {
    os << "log x_it = alpha_i + month + beta_c t + gamma_c (t - t0)_+, t0 = " << r.options.panel.post_start.ToString()
       << "; standard errors clustered by group (HC1) and Driscoll-Kraay (Bartlett lag " << r.panel->fit.dk_lag_used
       << ").\n\n| contrast | estimate | se (cluster) | p (cluster) | se (DK) | p (DK) |\n|---|---|---|---|---|---|\n";
    for (const auto& c : r.panel->contrasts) {
      std::snprintf(buf, sizeof buf, "| %s | %.5f | %.5f | %.3g | %.5f | %.3g |\n", c.name.c_str(), c.estimate,
                    c.se_cluster, c.p_cluster, c.se_dk, c.p_dk);
      os << buf;
    }
    os << "\n" << r.panel->conclusion << "\n";
  } else {
    os << "Not run: " << r.panel_error << "\n";
  }
  return os.str();
}

void WriteModelsSection(hid_t file, const ModelsResult& r) {
  h5::Handle models = h5::EnsureGroup(file, "models");
  h5::WriteAttribute(models.id(), "first_month", r.first_month.ToString());
  h5::WriteAttribute(models.id(), "num_months", static_cast<int64_t>(r.num_months));
  {
    std::ostringstream toml_text;
    toml_text << r.options.ToToml();
    h5::WriteAttribute(models.id(), "options_toml", toml_text.str());
  }
  const int G = static_cast<int>(r.groups.size());
  const int T = r.num_months;
  // /models/surge/gNN: one group per technology group.
  h5::Handle surge = h5::EnsureGroup(models.id(), "surge");
  h5::WriteAttribute(surge.id(), "model",
                     "log x_t = a + b t + d (t - tau)_+ + s_month + A 2^(-(t - onset)/h) 1[t >= onset] + u_t, "
                     "u_t AR(1); t 0-based month index");
  for (int g = 0; g < G; ++g) {
    const GroupModels& gm = r.groups[g];
    char name[16];
    std::snprintf(name, sizeof name, "g%02d", g + 1);
    h5::Handle grp = h5::EnsureGroup(surge.id(), name);
    h5::WriteAttribute(grp.id(), "group", gm.group);
    h5::WriteAttribute(grp.id(), "semiconductor", static_cast<int64_t>(gm.semiconductor));
    h5::WriteAttribute(grp.id(), "fitted", static_cast<int64_t>(gm.fitted));
    if (!gm.fitted) {
      h5::WriteAttribute(grp.id(), "skipped_reason", gm.skipped_reason);
      continue;
    }
    const SurgeResult& s = gm.surge;
    const SurgeFit& f = s.chosen_fit();
    h5::WriteAttribute(grp.id(), "chosen_model", ToString(s.chosen));
    h5::WriteAttribute(grp.id(), "verdict", ToString(s.verdict));
    h5::WriteAttribute(grp.id(), "verdict_reason", s.verdict_reason);
    h5::WriteAttribute(grp.id(), "break_month", f.break_index >= 0 ? r.first_month.Plus(f.break_index).ToString() : "");
    h5::WriteAttribute(grp.id(), "onset_month", f.onset_index >= 0 ? r.first_month.Plus(f.onset_index).ToString() : "");
    {  // Further pulses (sequential search): onset months and (onset index, A, SE, half-life, SE) rows.
      std::vector<std::string> months;
      std::vector<double> rows;
      for (const SurgePulse& p : s.further_surges) {
        months.push_back(r.first_month.Plus(p.onset_index).ToString());
        rows.insert(rows.end(), {static_cast<double>(p.onset_index), p.amplitude, p.amplitude_se, p.half_life,
                                 p.half_life_se});
      }
      h5::WriteStrings(grp.id(), "further_surge_onsets", months);
      h5::WriteDoubles(grp.id(), "further_surges", rows,
                       {static_cast<hsize_t>(months.size()), static_cast<hsize_t>(5)});
      h5::WriteAttribute(grp.id(), "further_surges_columns",
                         "onset_index (0-based), amplitude, amplitude_se, half_life, half_life_se");
    }
    h5::WriteStrings(grp.id(), "parameter_names", f.names);
    h5::WriteDoubles(grp.id(), "estimates", f.estimates);
    h5::WriteDoubles(grp.id(), "standard_errors", f.standard_errors);
    std::vector<std::string> kinds;
    std::vector<double> bic, rss, rho;
    for (const SurgeFit& k : s.fits) {
      kinds.emplace_back(ToString(k.kind));
      bic.push_back(k.bic);
      rss.push_back(k.rss);
      rho.push_back(k.rho);
    }
    h5::WriteStrings(grp.id(), "models", kinds);
    h5::WriteDoubles(grp.id(), "bic", bic);
    h5::WriteDoubles(grp.id(), "rss", rss);
    h5::WriteDoubles(grp.id(), "rho", rho);
    h5::WriteDoubles(grp.id(), "log_values", s.log_values);
    h5::WriteDoubles(grp.id(), "trend", s.fitted_trend);
    h5::WriteDoubles(grp.id(), "seasonal", s.fitted_seasonal);
    h5::WriteDoubles(grp.id(), "surge", s.fitted_surge);
    h5::WriteDoubles(grp.id(), "residual", s.residual);
  }
  // /models/hac/gNN and /models/breaks/gNN: per-group trend regression and breaks.
  {
    h5::Handle hac = h5::EnsureGroup(models.id(), "hac");
    h5::WriteAttribute(hac.id(), "model", "log x_t on (Intercept), trend, month02..month12; HAC covariance");
    h5::Handle brk = h5::EnsureGroup(models.id(), "breaks");
    h5::WriteAttribute(brk.id(), "model", "Bai-Perron on log x_t");
    for (int g = 0; g < G; ++g) {
      const GroupModels& gm = r.groups[g];
      char name[16];
      std::snprintf(name, sizeof name, "g%02d", g + 1);
      if (gm.hac) {
        h5::Handle grp = h5::EnsureGroup(hac.id(), name);
        h5::WriteAttribute(grp.id(), "group", gm.group);
        WriteHacResult(grp.id(), *gm.hac);
      }
      if (gm.breaks) {
        h5::Handle grp = h5::EnsureGroup(brk.id(), name);
        h5::WriteAttribute(grp.id(), "group", gm.group);
        WriteBreakResult(grp.id(), *gm.breaks);
        if (!gm.break_log_path.empty()) {
          h5::WriteDoubles(grp.id(), "segment_log_path", gm.break_log_path);
          h5::WriteAttribute(grp.id(), "segment_log_path_breaks", static_cast<int64_t>(gm.break_path_breaks));
        }
      }
    }
    // What the bootstrap keeps in its fitted path per group ([bootstrap] fitted_surges).
    std::vector<std::string> episodes;
    for (const GroupModels& gm : r.groups) episodes.push_back(gm.EpisodeDescription());
    h5::WriteStrings(models.id(), "bootstrap_episodes", episodes);
  }
  h5::WriteAttribute(models.id(), "report_markdown", FormatModelsReport(r));
  // /models/adjusted: indices and regimes raw vs adjusted, adjusted series.
  h5::Handle adj = h5::EnsureGroup(models.id(), "adjusted");
  h5::WriteAttribute(adj.id(), "index_spec", r.options.index.Describe());
  std::vector<std::string> names, raw_regime, adj_regime;
  std::vector<double> raw_v, raw_g, adj_v, adj_g, series(static_cast<size_t>(G) * T, std::nan(""));
  for (int g = 0; g < G; ++g) {
    const GroupModels& gm = r.groups[g];
    names.push_back(gm.group);
    raw_regime.push_back(RegimeText(gm.raw_class));
    adj_regime.push_back(gm.fitted ? RegimeText(gm.adjusted_class) : "n/a");
    raw_v.push_back(gm.raw_indices.ok() ? gm.raw_indices.V : std::nan(""));
    raw_g.push_back(gm.raw_indices.ok() ? gm.raw_indices.G : std::nan(""));
    const bool ok = gm.fitted && gm.adjusted_indices.ok();
    adj_v.push_back(ok ? gm.adjusted_indices.V : std::nan(""));
    adj_g.push_back(ok ? gm.adjusted_indices.G : std::nan(""));
    if (gm.fitted) std::copy(gm.adjusted_series.begin(), gm.adjusted_series.end(), series.begin() + static_cast<size_t>(g) * T);
  }
  h5::WriteStrings(adj.id(), "groups", names);
  h5::WriteDoubles(adj.id(), "raw_V", raw_v);
  h5::WriteDoubles(adj.id(), "raw_G", raw_g);
  h5::WriteDoubles(adj.id(), "adjusted_V", adj_v);
  h5::WriteDoubles(adj.id(), "adjusted_G", adj_g);
  h5::WriteStrings(adj.id(), "raw_regime", raw_regime);
  h5::WriteStrings(adj.id(), "adjusted_regime", adj_regime);
  if (G > 0 && T > 0)
    h5::WriteDoubles(adj.id(), "adjusted_series", series, {static_cast<hsize_t>(G), static_cast<hsize_t>(T)});
  // /models/agreement: 3 x 3 counts, rows model verdict, columns index regime.
  std::vector<int64_t> counts;
  for (const auto& row : r.agreement)
    for (int c : row) counts.push_back(c);
  h5::WriteInt64s(models.id(), "agreement", counts, {3, 3});
  // /models/panel.
  if (r.panel) {
    h5::Handle panel = h5::EnsureGroup(models.id(), "panel");
    const PanelResult& p = *r.panel;
    h5::WriteAttribute(panel.id(), "post_start", r.options.panel.post_start.ToString());
    h5::WriteAttribute(panel.id(), "dk_lag", static_cast<int64_t>(p.fit.dk_lag_used));
    h5::WriteAttribute(panel.id(), "conclusion", p.conclusion);
    h5::WriteStrings(panel.id(), "names", p.fit.names);
    std::vector<double> coef(p.fit.coefficients.data(), p.fit.coefficients.data() + p.fit.k);
    h5::WriteDoubles(panel.id(), "coefficients", coef);
    const hsize_t k = static_cast<hsize_t>(p.fit.k);
    std::vector<double> vcl(p.fit.vcov_cluster.data(), p.fit.vcov_cluster.data() + k * k);
    std::vector<double> vdk(p.fit.vcov_driscoll_kraay.data(), p.fit.vcov_driscoll_kraay.data() + k * k);
    h5::WriteDoubles(panel.id(), "vcov_cluster", vcl, {k, k});  // symmetric: storage order irrelevant
    h5::WriteDoubles(panel.id(), "vcov_driscoll_kraay", vdk, {k, k});
    std::vector<std::string> cn;
    std::vector<double> est, se_cl, p_cl, se_dk, p_dk;
    for (const auto& c : p.contrasts) {
      cn.push_back(c.name);
      est.push_back(c.estimate);
      se_cl.push_back(c.se_cluster);
      p_cl.push_back(c.p_cluster);
      se_dk.push_back(c.se_dk);
      p_dk.push_back(c.p_dk);
    }
    h5::WriteStrings(panel.id(), "contrast_names", cn);
    h5::WriteDoubles(panel.id(), "contrast_estimate", est);
    h5::WriteDoubles(panel.id(), "contrast_se_cluster", se_cl);
    h5::WriteDoubles(panel.id(), "contrast_p_cluster", p_cl);
    h5::WriteDoubles(panel.id(), "contrast_se_dk", se_dk);
    h5::WriteDoubles(panel.id(), "contrast_p_dk", p_dk);
  }
}

std::string ReadModelsReport(hid_t file) {
  if (!h5::Exists(file, "/models")) ThrowInputError("run file", 0, 0, "no /models group");
  h5::Handle models(H5Gopen2(file, "/models", H5P_DEFAULT));
  if (!h5::HasAttribute(models.id(), "report_markdown"))
    ThrowInputError("run file", 0, 0, "/models has no report_markdown attribute (written by an older version)");
  return h5::ReadStringAttribute(models.id(), "report_markdown");
}

}  // namespace chokepoint::robustness
