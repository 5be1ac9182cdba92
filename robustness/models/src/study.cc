#include "chokepoint/robustness/models/study.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/random.h"
#include "chokepoint/core/run_config.h"
#include "chokepoint/robustness/models/surge_recovery.h"

namespace chokepoint::robustness {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr YearMonth kFirstMonth{2015, 1};

template <typename T>
std::string JoinList(const std::vector<T>& v) {
  std::ostringstream o;
  for (size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
  return o.str();
}
}  // namespace

std::string_view ToString(StudyNoise n) { return n == StudyNoise::kStudentT5 ? "t5" : "normal"; }
std::optional<StudyNoise> StudyNoiseFromString(std::string_view s) {
  if (s == "normal") return StudyNoise::kNormal;
  if (s == "t5") return StudyNoise::kStudentT5;
  return std::nullopt;
}

std::string_view ToString(ModelVerdict v) {
  switch (v) {
    case ModelVerdict::kTrend: return "trend";
    case ModelVerdict::kBreak: return "break";
    case ModelVerdict::kSurge: return "surge";
    case ModelVerdict::kBreakSurge: return "break_surge";
  }
  return "?";
}

int64_t StudyDesign::num_points() const {
  int64_t n = 1;
  for (size_t k : {months.size(), codes.size(), trend.size(), surge_amplitude.size(), surge_half_life.size(),
                   surge_onset.size(), slope_change.size(), seasonal_amplitude.size(), rho.size(), noise_sd.size(),
                   std::max<size_t>(1, growth_threshold.size()), std::max<size_t>(1, volatility_high_threshold.size()),
                   window_months.size(), weighting.size(), base.size(), scheme.size(), interval.size()})
    n *= static_cast<int64_t>(k);
  return n;
}

bool StudyDesign::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (draws < 1 || draws > 1000000) return fail("study.draws must be in 1..1000000");
  auto nonempty = [&](size_t n, const char* key) { return n > 0 ? true : fail(std::string("study.") + key + " is empty"); };
  if (!nonempty(months.size(), "months") || !nonempty(codes.size(), "codes") || !nonempty(trend.size(), "trend") ||
      !nonempty(surge_amplitude.size(), "surge_amplitude") || !nonempty(surge_half_life.size(), "surge_half_life") ||
      !nonempty(surge_onset.size(), "surge_onset") || !nonempty(slope_change.size(), "slope_change") ||
      !nonempty(seasonal_amplitude.size(), "seasonal_amplitude") || !nonempty(rho.size(), "rho") ||
      !nonempty(noise_sd.size(), "noise_sd") || !nonempty(weighting.size(), "weighting") ||
      !nonempty(base.size(), "base") || !nonempty(scheme.size(), "scheme"))
    return false;
  for (int m : months)
    if (m < 36 || m > 1200 || m % 12 != 0) return fail("study.months: each must be a whole number of years, 36..1200");
  for (int c : codes)
    if (c < 1 || c > 1000) return fail("study.codes: each must be in 1..1000");
  for (double h : surge_half_life)
    if (!(h > 0)) return fail("study.surge_half_life: each must be > 0");
  for (int o : surge_onset)
    for (int m : months)
      if (o < 1 || o >= m) return fail("study.surge_onset: each must lie inside every series (1..months-1)");
  const bool any_break = std::any_of(slope_change.begin(), slope_change.end(), [](double x) { return x != 0; });
  for (int m : months)
    if (any_break && (break_month < 1 || break_month >= m))
      return fail("study.break_month must lie inside every series (a slope_change is not 0)");
  for (double r : rho)
    if (!(r > -1 && r < 1)) return fail("study.rho: each must be in (-1, 1)");
  for (double s : noise_sd)
    if (!(s >= 0) || s > 5) return fail("study.noise_sd: each must be in [0, 5]");
  for (double a : surge_amplitude)
    if (!(a >= 0) || a > 10) return fail("study.surge_amplitude: each must be in [0, 10]");
  for (const auto& s : scheme) {
    const auto parsed = bootstrap::SchemeFromString(s);
    if (!parsed) return fail("study.scheme: '" + s + "' is not residual, growth, levels or sieve");
  }
  for (const auto& vecs : {trend, slope_change, seasonal_amplitude})
    for (double v : vecs)
      if (!std::isfinite(v) || std::abs(v) > 1) return fail("study.trend, slope_change, seasonal_amplitude: |x| <= 1");
  if (bootstrap_replicates != 0 && (bootstrap_replicates < 19 || bootstrap_replicates > 100000))
    return fail("study.bootstrap_replicates must be 0 (no bootstrap) or 19..100000");
  if (!(level > 0.5 && level < 1)) return fail("study.level must be in (0.5, 1)");
  if (onset_tolerance < 0 || break_tolerance < 0 || !(half_life_tolerance >= 0))
    return fail("study tolerances must be >= 0");
  std::string why;
  if (!thresholds.IsValid(&why)) return fail("study.thresholds: " + why);
  for (double g : growth_threshold)
    if (!std::isfinite(g) || g <= -1 || g > 100) return fail("study.growth_threshold: each g* must be in (-1, 100]");
  for (double v : volatility_high_threshold)
    if (!std::isfinite(v) || v < thresholds.volatility_low || v > 10)
      return fail("study.volatility_high_threshold: each v_hi must be in [v_lo, 10] (v_lo = " +
                  std::to_string(thresholds.volatility_low) + ")");
  if (window_months.empty() || interval.empty())
    return fail("study.window_months and study.interval must not be empty");
  const int shortest = months.empty() ? 0 : *std::min_element(months.begin(), months.end());
  for (int w : window_months)
    if (w != 0 && (w < 24 || w > shortest))
      return fail("study.window_months: each must be 0 (the whole series) or 24..the shortest series (" +
                  std::to_string(shortest) + " months), got " + std::to_string(w));
  if (num_points() > 100000) return fail("study: the grid has " + std::to_string(num_points()) + " points (limit 100000)");
  const double units = static_cast<double>(num_points()) * draws;
  if (units > 1e9) return fail("study: points x draws = " + std::to_string(static_cast<long long>(units)) + " (limit 1e9)");
  return true;
}

StudyDesign StudyDesign::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"draws", "seed", "months", "codes", "trend", "surge_amplitude", "surge_half_life", "surge_onset",
                       "slope_change", "break_month", "seasonal_amplitude", "rho", "noise_sd", "noise", "log_level",
                       "semiconductor", "growth_threshold", "volatility_high_threshold", "window_months", "weighting",
                       "base", "scheme", "interval", "thresholds", "bootstrap_replicates", "level",
                       "onset_tolerance", "half_life_tolerance", "break_tolerance"});
  StudyDesign d;
  auto ints = [&](std::string_view key, std::vector<int>* out) {
    if (auto v = s.GetDoubleArray(key)) {
      out->clear();
      for (double x : *v) {
        if (x != std::floor(x)) s.Fail(key, "must be whole numbers");
        out->push_back(static_cast<int>(x));
      }
    }
  };
  auto doubles = [&](std::string_view key, std::vector<double>* out) {
    if (auto v = s.GetDoubleArray(key)) *out = *v;
  };
  if (auto v = s.GetInt("draws")) d.draws = static_cast<int>(*v);
  if (auto v = s.GetInt("seed")) {
    if (*v < 0) s.Fail("seed", "must be >= 0");
    d.seed = static_cast<uint64_t>(*v);
  }
  ints("months", &d.months);
  ints("codes", &d.codes);
  doubles("trend", &d.trend);
  doubles("surge_amplitude", &d.surge_amplitude);
  doubles("surge_half_life", &d.surge_half_life);
  ints("surge_onset", &d.surge_onset);
  doubles("slope_change", &d.slope_change);
  if (auto v = s.GetInt("break_month")) d.break_month = static_cast<int>(*v);
  doubles("seasonal_amplitude", &d.seasonal_amplitude);
  doubles("rho", &d.rho);
  doubles("noise_sd", &d.noise_sd);
  if (auto v = s.GetString("noise")) {
    auto n = StudyNoiseFromString(*v);
    if (!n) s.Fail("noise", "must be normal or t5");
    d.noise = *n;
  }
  if (auto v = s.GetDouble("log_level")) d.log_level = *v;
  if (auto v = s.GetBool("semiconductor")) d.semiconductor = *v;
  if (auto v = s.GetStringArray("weighting")) {
    d.weighting.clear();
    for (const auto& w : *v) {
      auto parsed = WeightingFromString(w);
      if (!parsed || *parsed == Weighting::kExponential || *parsed == Weighting::kLastK)
        s.Fail("weighting", "each must be equal, linear or quadratic (got \"" + w + "\")");
      d.weighting.push_back(*parsed);
    }
  }
  if (auto v = s.GetStringArray("base")) {
    d.base.clear();
    for (const auto& b : *v) {
      auto parsed = BaseRuleFromString(b);
      if (!parsed) s.Fail("base", "each must be first or first12 (got \"" + b + "\")");
      d.base.push_back(*parsed);
    }
  }
  if (auto v = s.GetStringArray("scheme")) d.scheme = *v;
  doubles("growth_threshold", &d.growth_threshold);
  doubles("volatility_high_threshold", &d.volatility_high_threshold);
  ints("window_months", &d.window_months);
  if (auto v = s.GetStringArray("interval")) {
    d.interval.clear();
    for (const auto& m : *v) {
      auto parsed = bootstrap::EstimandMethodFromString(m);
      if (!parsed) s.Fail("interval", "each must be log_centred, log_centred_calibrated or percentile (got \"" + m + "\")");
      d.interval.push_back(*parsed);
    }
  }
  if (s.Has("thresholds")) d.thresholds = ThresholdsFromToml(s.Sub("thresholds"));
  if (auto v = s.GetInt("bootstrap_replicates")) d.bootstrap_replicates = static_cast<int>(*v);
  if (auto v = s.GetDouble("level")) d.level = *v;
  if (auto v = s.GetInt("onset_tolerance")) d.onset_tolerance = static_cast<int>(*v);
  if (auto v = s.GetDouble("half_life_tolerance")) d.half_life_tolerance = *v;
  if (auto v = s.GetInt("break_tolerance")) d.break_tolerance = static_cast<int>(*v);
  std::string error;
  if (!d.IsValid(&error)) {
    // Name the key's line where the message names a key.
    const size_t dot = error.find("study.");
    std::string key;
    if (dot != std::string::npos) {
      const size_t end = error.find_first_of(" :,", dot + 6);
      key = error.substr(dot + 6, end == std::string::npos ? std::string::npos : end - dot - 6);
      if (!s.Has(key)) key.clear();
    }
    s.Fail(key, error);
  }
  return d;
}

toml::table StudyDesign::ToToml() const {
  auto arr = [](const auto& v) {
    toml::array a;
    for (const auto& x : v) a.push_back(x);
    return a;
  };
  toml::array w, b;
  for (Weighting x : weighting) w.push_back(std::string(ToString(x)));
  for (BaseRule x : base) b.push_back(std::string(ToString(x)));
  toml::table t;
  t.insert("draws", static_cast<int64_t>(draws));
  t.insert("seed", static_cast<int64_t>(seed));
  t.insert("months", arr(months));
  t.insert("codes", arr(codes));
  t.insert("trend", arr(trend));
  t.insert("surge_amplitude", arr(surge_amplitude));
  t.insert("surge_half_life", arr(surge_half_life));
  t.insert("surge_onset", arr(surge_onset));
  t.insert("slope_change", arr(slope_change));
  t.insert("break_month", static_cast<int64_t>(break_month));
  t.insert("seasonal_amplitude", arr(seasonal_amplitude));
  t.insert("rho", arr(rho));
  t.insert("noise_sd", arr(noise_sd));
  t.insert("noise", std::string(ToString(noise)));
  t.insert("log_level", log_level);
  t.insert("semiconductor", semiconductor);
  t.insert("weighting", w);
  t.insert("base", b);
  t.insert("scheme", arr(scheme));
  t.insert("growth_threshold", arr(growth_threshold));
  t.insert("volatility_high_threshold", arr(volatility_high_threshold));
  t.insert("window_months", arr(window_months));
  toml::array iv;
  for (auto m : interval) iv.push_back(std::string(bootstrap::ToString(m)));
  t.insert("interval", iv);
  t.insert("thresholds", chokepoint::ToToml(thresholds));
  t.insert("bootstrap_replicates", static_cast<int64_t>(bootstrap_replicates));
  t.insert("level", level);
  t.insert("onset_tolerance", static_cast<int64_t>(onset_tolerance));
  t.insert("half_life_tolerance", half_life_tolerance);
  t.insert("break_tolerance", static_cast<int64_t>(break_tolerance));
  return t;
}

namespace {

SurgeDgp DgpOf(const StudyDesign& d, const StudyPoint& p) {
  SurgeDgp g;
  g.num_months = p.months;
  g.log_level = d.log_level - std::log(static_cast<double>(p.codes));  // codes share the group equally
  g.trend = p.trend;
  g.innovation_sd = p.noise_sd;
  g.rho = p.rho;
  g.seasonal_amplitude = p.seasonal_amplitude;
  g.surge = p.surge_amplitude > 0;
  g.onset = p.surge_onset;
  g.amplitude = p.surge_amplitude;
  g.half_life = p.surge_half_life;
  g.slope_break = p.slope_change != 0;
  g.break_index = d.break_month;
  g.slope_change = p.slope_change;
  return g;
}

IndexSpec SpecOf(const StudyPoint& p) {
  IndexSpec spec;
  // The last window_months months (the whole series when 0).
  spec.window_start = kFirstMonth.Plus(p.window_months > 0 ? p.months - p.window_months : 0);
  spec.window_end = kFirstMonth.Plus(p.months - 1);
  spec.weighting = p.weighting;
  spec.base = p.base;
  return spec;
}

double NextNoise(StudyNoise noise, RandomStream& stream) {
  if (noise == StudyNoise::kNormal) return stream.NextNormal();
  // Student t with 5 degrees of freedom scaled to unit variance (var = 5/3).
  double chi2 = 0;
  for (int k = 0; k < 5; ++k) {
    const double z = stream.NextNormal();
    chi2 += z * z;
  }
  return stream.NextNormal() / std::sqrt(chi2 / 5.0) / std::sqrt(5.0 / 3.0);
}

// The group series: `codes` codes, each the DGP's mean path times its own
// AR(1) noise, summed.
void SimulateGroup(const SurgeDgp& g, int codes, StudyNoise noise, RandomStream& stream, std::vector<double>* x) {
  x->assign(static_cast<size_t>(g.num_months), 0.0);
  const double sd0 = g.innovation_sd / std::sqrt(1.0 - g.rho * g.rho);
  for (int c = 0; c < codes; ++c) {
    double u = sd0 * NextNoise(noise, stream);
    for (int t = 0; t < g.num_months; ++t) {
      if (t > 0) u = g.rho * u + g.innovation_sd * NextNoise(noise, stream);
      (*x)[static_cast<size_t>(t)] += std::exp(SurgeDgpLogMean(g, t) + u);
    }
  }
}

}  // namespace

std::vector<StudyPoint> StudyPoints(const StudyDesign& d) {
  const std::vector<double> growth =
      d.growth_threshold.empty() ? std::vector<double>{d.thresholds.growth} : d.growth_threshold;
  const std::vector<double> vhigh = d.volatility_high_threshold.empty()
                                        ? std::vector<double>{d.thresholds.volatility_high}
                                        : d.volatility_high_threshold;
  // Axes in key order, the last varying fastest; each sets its field of a point.
  struct Axis {
    size_t size;
    std::function<void(size_t, StudyPoint&)> set;
  };
  const std::vector<Axis> axes = {
      {d.months.size(), [&](size_t i, StudyPoint& p) { p.months = d.months[i]; }},
      {d.codes.size(), [&](size_t i, StudyPoint& p) { p.codes = d.codes[i]; }},
      {d.trend.size(), [&](size_t i, StudyPoint& p) { p.trend = d.trend[i]; }},
      {d.surge_amplitude.size(), [&](size_t i, StudyPoint& p) { p.surge_amplitude = d.surge_amplitude[i]; }},
      {d.surge_half_life.size(), [&](size_t i, StudyPoint& p) { p.surge_half_life = d.surge_half_life[i]; }},
      {d.surge_onset.size(), [&](size_t i, StudyPoint& p) { p.surge_onset = d.surge_onset[i]; }},
      {d.slope_change.size(), [&](size_t i, StudyPoint& p) { p.slope_change = d.slope_change[i]; }},
      {d.seasonal_amplitude.size(), [&](size_t i, StudyPoint& p) { p.seasonal_amplitude = d.seasonal_amplitude[i]; }},
      {d.rho.size(), [&](size_t i, StudyPoint& p) { p.rho = d.rho[i]; }},
      {d.noise_sd.size(), [&](size_t i, StudyPoint& p) { p.noise_sd = d.noise_sd[i]; }},
      {growth.size(), [&](size_t i, StudyPoint& p) { p.thresholds.growth = growth[i]; }},
      {vhigh.size(), [&](size_t i, StudyPoint& p) { p.thresholds.volatility_high = vhigh[i]; }},
      {d.window_months.size(), [&](size_t i, StudyPoint& p) { p.window_months = d.window_months[i]; }},
      {d.weighting.size(), [&](size_t i, StudyPoint& p) { p.weighting = d.weighting[i]; }},
      {d.base.size(), [&](size_t i, StudyPoint& p) { p.base = d.base[i]; }},
      {d.scheme.size(), [&](size_t i, StudyPoint& p) { p.scheme = d.scheme[i]; }},
      {d.interval.size(), [&](size_t i, StudyPoint& p) { p.interval = d.interval[i]; }},
  };
  const int64_t total = d.num_points();
  std::vector<StudyPoint> points;
  points.reserve(static_cast<size_t>(total));
  for (int64_t n = 0; n < total; ++n) {
    StudyPoint p;
    p.thresholds = d.thresholds;
    int64_t rest = n;
    for (auto axis = axes.rbegin(); axis != axes.rend(); ++axis) {
      axis->set(static_cast<size_t>(rest % static_cast<int64_t>(axis->size)), p);
      rest /= static_cast<int64_t>(axis->size);
    }
    // Truths: the noise-free path under the rule, and the process.
    SurgeDgp g = DgpOf(d, p);
    std::vector<double> path(static_cast<size_t>(p.months));
    for (int t = 0; t < p.months; ++t) path[static_cast<size_t>(t)] = std::exp(SurgeDgpLogMean(g, t));
    const std::vector<unsigned char> present(path.size(), 1);
    const IndexValues v = ComputeSeriesIndices(path, present, kFirstMonth, SpecOf(p));
    p.signal_ok = v.ok();
    p.V_signal = v.ok() ? v.V : kNaN;
    p.G_signal = v.ok() ? v.G : kNaN;
    if (v.ok()) p.rule_truth = Classify(v.V, v.G, d.semiconductor, p.thresholds).regime;
    p.process_truth = p.surge_amplitude > 0                        ? Regime::kStockpiling
                      : (v.ok() && v.G <= p.thresholds.growth) ? Regime::kSubstitution
                                                               : Regime::kNoEffect;
    points.push_back(std::move(p));
  }
  return points;
}

StudyResult RunStudy(const StudyDesign& design, const SurgeOptions& surge, const StudyProgress& progress) {
  StudyRunHooks hooks;
  hooks.progress = progress;
  return RunStudy(design, surge, hooks);
}

StudyResult ComputeStudyDraws(const StudyDesign& design, const SurgeOptions& surge, const StudyRunHooks& hooks) {
  std::string error;
  if (!design.IsValid(&error)) ThrowUsageError(error);
  const auto start = std::chrono::steady_clock::now();
  StudyResult r;
  r.design = design;
  r.points = StudyPoints(design);
  r.threads = static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  const int64_t P = static_cast<int64_t>(r.points.size()), D = design.draws, total = P * D;
  r.draws.resize(static_cast<size_t>(total));
  for (const auto& [point, draws] : hooks.done) {
    if (point < 0 || point >= P || static_cast<int64_t>(draws.size()) != D)
      ThrowInternalError("RunStudy: resumed point " + std::to_string(point) + " does not fit the design");
    std::copy(draws.begin(), draws.end(), r.draws.begin() + point * D);
  }
  std::atomic<int64_t> done{static_cast<int64_t>(hooks.done.size()) * D};
  std::mutex progress_mutex;
  const int64_t step = std::max<int64_t>(1, total / 200);
  const StudyProgress& progress = hooks.progress;
  // Blocks of whole points, at least max(64, 8 x threads) draws each: the
  // unit of checkpointing and of stopping on a signal, big enough to keep
  // every thread busy between two checkpoints.
  const int64_t block_target = std::max<int64_t>(64, 8 * std::max(1, r.threads));
  const int64_t points_per_block = std::max<int64_t>(1, (block_target + D - 1) / D);
  std::vector<int64_t> todo;
  for (int64_t p = 0; p < P; ++p)
    if (!hooks.done.count(static_cast<int>(p))) todo.push_back(p);
  for (size_t b = 0; b < todo.size(); b += static_cast<size_t>(points_per_block)) {
    const size_t b_end = std::min(todo.size(), b + static_cast<size_t>(points_per_block));
    const int64_t block_units = static_cast<int64_t>(b_end - b) * D;
    ThrowIfInterrupted();
  tbb::parallel_for(int64_t{0}, block_units, [&](int64_t k) {
    if (InterruptRequested()) return;  // the block is discarded below
    const int64_t u = todo[b + static_cast<size_t>(k / D)] * D + k % D;
    if (hooks.owns && !hooks.owns(u)) return;  // another rank's unit
    const int point = static_cast<int>(u / D), draw = static_cast<int>(u % D);
    const StudyPoint& p = r.points[static_cast<size_t>(point)];
    StudyDraw& out = r.draws[static_cast<size_t>(u)];
    out.point = point;
    out.draw = draw;
    RandomStream stream(design.seed, static_cast<uint32_t>(point), static_cast<uint32_t>(draw));
    const SurgeDgp g = DgpOf(design, p);
    std::vector<double> x;
    SimulateGroup(g, p.codes, design.noise, stream, &x);
    const std::vector<unsigned char> present(x.size(), 1);
    const IndexSpec spec = SpecOf(p);
    const IndexValues v = ComputeSeriesIndices(x, present, kFirstMonth, spec);
    out.V = v.ok() ? v.V : kNaN;
    out.G = v.ok() ? v.G : kNaN;
    if (v.ok()) out.rule = static_cast<int>(Classify(v.V, v.G, design.semiconductor, p.thresholds).regime);
    // The models' verdict (the trend + surge model's BIC choice).
    std::vector<double> episode;  // fitted surge pulses (log), kept in the bootstrap's fitted path as `run` does
    try {
      const SurgeResult fit = FitSurgeModel(x, kFirstMonth, surge);
      if (fit.verdict == Regime::kStockpiling) episode = fit.fitted_surge;
      const SurgeFit& f = fit.chosen_fit();
      const bool has_surge = HasSurge(f.kind), has_break = HasBreak(f.kind);
      out.verdict = static_cast<int>(has_surge && has_break ? ModelVerdict::kBreakSurge
                                     : has_surge            ? ModelVerdict::kSurge
                                     : has_break            ? ModelVerdict::kBreak
                                                            : ModelVerdict::kTrend);
      out.surge_recovered = g.surge && has_surge && std::abs(f.onset_index - g.onset) <= design.onset_tolerance &&
                            std::abs(f.half_life - g.half_life) <= design.half_life_tolerance * g.half_life;
      out.break_recovered = g.slope_break && has_break && std::abs(f.break_index - g.break_index) <= design.break_tolerance;
    } catch (const Error&) {
      out.verdict = -1;
    }
    // The bootstrap's regime probabilities and intervals.
    out.p_regime.fill(kNaN);
    for (double* d : {&out.V_signal_lo, &out.V_signal_hi, &out.G_signal_lo, &out.G_signal_hi, &out.V_obs_lo,
                      &out.V_obs_hi, &out.G_obs_lo, &out.G_obs_hi})
      *d = kNaN;
    if (design.bootstrap_replicates > 0 && v.ok()) {
      bootstrap::BootstrapOptions o;
      o.replicates = design.bootstrap_replicates;
      o.level = design.level;
      o.seed = design.seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(u + 1));
      o.keep_replicates = false;
      o.progress = false;
      o.scheme_diagnostics = false;
      o.base_sensitivity = false;
      o.signal = true;
      o.calibrate = p.interval == bootstrap::EstimandMethod::kLogCentredCalibrated;
      o.resampler.scheme = *bootstrap::SchemeFromString(p.scheme);
      GroupSeries one;
      one.groups = {TechnologyGroup{1, "study", "study", GoodsCategory::kCapital, design.semiconductor}};
      one.first_month = kFirstMonth;
      one.num_months = p.months;
      one.values = x;
      one.present.assign(x.size(), 1);
      const std::vector<std::vector<double>> components = {episode};
      const bootstrap::BootstrapResult b = bootstrap::RunBootstrap(one, spec, p.thresholds, o, components);
      const bootstrap::GroupBootstrap& gb = b.groups[0];
      if (gb.ok) {
        const bootstrap::EstimandMethod method = p.interval;
        const auto& obs = gb.estimands[static_cast<int>(bootstrap::Estimand::kObserved)];
        const auto& sig = gb.estimands[static_cast<int>(bootstrap::Estimand::kSignal)];
        if (obs.ok) {
          out.p_regime = obs.regime_probability;
          if (obs.V[method].ok) out.V_obs_lo = obs.V[method].lower, out.V_obs_hi = obs.V[method].upper;
          if (obs.G[method].ok) out.G_obs_lo = obs.G[method].lower, out.G_obs_hi = obs.G[method].upper;
        }
        if (sig.ok) {
          if (sig.V[method].ok) out.V_signal_lo = sig.V[method].lower, out.V_signal_hi = sig.V[method].upper;
          if (sig.G[method].ok) out.G_signal_lo = sig.G[method].lower, out.G_signal_hi = sig.G[method].upper;
        }
      }
    }
    const int64_t n = ++done;
    if (progress && (n % step == 0 || n == total)) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(n, total);
    }
  });
    ThrowIfInterrupted();
    if (hooks.on_point_done)
      for (size_t i = b; i < b_end; ++i) {
        const auto first = r.draws.begin() + todo[i] * D;
        hooks.on_point_done(static_cast<int>(todo[i]), std::vector<StudyDraw>(first, first + D));
      }
  }

  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

StudyResult RunStudy(const StudyDesign& design, const SurgeOptions& surge, const StudyRunHooks& hooks) {
  StudyResult r = ComputeStudyDraws(design, surge, hooks);
  SummarizeStudy(&r);
  return r;
}

void SummarizeStudy(StudyResult* result) {
  StudyResult& r = *result;
  const StudyDesign& design = r.design;
  const int64_t P = static_cast<int64_t>(r.points.size()), D = design.draws;
  r.confusion_rule = {};
  r.confusion_model = {};
  // Summaries (serial, in unit order: the same numbers for any thread count).
  r.summaries.assign(static_cast<size_t>(P), StudySummary{});
  for (int64_t pi = 0; pi < P; ++pi) {
    const StudyPoint& p = r.points[static_cast<size_t>(pi)];
    StudySummary& s = r.summaries[static_cast<size_t>(pi)];
    s.draws = static_cast<int>(D);
    double sum_V = 0, sum_G = 0;
    int wrong_rule = 0, wrong_process = 0, fits = 0, surge_called = 0, break_called = 0, p_n = 0;
    int surge_rec = 0, break_rec = 0;
    double p_true = 0;
    for (int64_t k = 0; k < D; ++k) {
      const StudyDraw& dr = r.draws[static_cast<size_t>(pi * D + k)];
      if (dr.rule >= 0) {
        ++s.defined;
        ++s.rule_counts[static_cast<size_t>(dr.rule)];
        sum_V += dr.V;
        sum_G += dr.G;
        if (p.signal_ok && dr.rule != static_cast<int>(p.rule_truth)) ++wrong_rule;
        if (dr.rule != static_cast<int>(p.process_truth)) ++wrong_process;
        ++r.confusion_rule[static_cast<size_t>(p.process_truth)][static_cast<size_t>(dr.rule)];
      }
      if (dr.verdict >= 0) {
        ++fits;
        ++s.verdict_counts[static_cast<size_t>(dr.verdict)];
        ++r.confusion_model[static_cast<size_t>(p.process_truth)][static_cast<size_t>(dr.verdict)];
        const auto verdict = static_cast<ModelVerdict>(dr.verdict);
        surge_called += verdict == ModelVerdict::kSurge || verdict == ModelVerdict::kBreakSurge;
        break_called += verdict == ModelVerdict::kBreak || verdict == ModelVerdict::kBreakSurge;
      }
      surge_rec += dr.surge_recovered;
      break_rec += dr.break_recovered;
      if (std::isfinite(dr.p_regime[0])) {
        p_true += dr.p_regime[static_cast<size_t>(p.process_truth)];
        ++p_n;
      }
    }
    const auto rate = [](int k, int n) { return n > 0 ? static_cast<double>(k) / n : kNaN; };
    const auto se = [](double q, int n) { return n > 0 ? std::sqrt(q * (1 - q) / n) : kNaN; };
    s.misclassified_rule = p.signal_ok ? rate(wrong_rule, s.defined) : kNaN;
    s.misclassified_rule_se = se(s.misclassified_rule, s.defined);
    s.misclassified_process = rate(wrong_process, s.defined);
    s.misclassified_process_se = se(s.misclassified_process, s.defined);
    s.surge_called = rate(surge_called, fits);
    s.break_called = rate(break_called, fits);
    s.surge_recovered = rate(surge_rec, static_cast<int>(D));
    s.break_recovered = rate(break_rec, static_cast<int>(D));
    s.mean_p_true = p_n > 0 ? p_true / p_n : kNaN;
    s.mean_V = s.defined > 0 ? sum_V / s.defined : kNaN;
    s.mean_G = s.defined > 0 ? sum_G / s.defined : kNaN;
    // Coverage: of the noise-free indices by the signal intervals, and of the
    // Monte Carlo mean of the statistic by the observed intervals.
    int cn[4] = {0, 0, 0, 0}, cd[4] = {0, 0, 0, 0};
    const auto count = [&](int i, double lo, double hi, double truth) {
      if (!std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(truth)) return;
      ++cd[i];
      cn[i] += lo <= truth && truth <= hi;
    };
    for (int64_t k = 0; k < D; ++k) {
      const StudyDraw& dr = r.draws[static_cast<size_t>(pi * D + k)];
      count(0, dr.V_signal_lo, dr.V_signal_hi, p.V_signal);
      count(1, dr.G_signal_lo, dr.G_signal_hi, p.G_signal);
      count(2, dr.V_obs_lo, dr.V_obs_hi, s.mean_V);
      count(3, dr.G_obs_lo, dr.G_obs_hi, s.mean_G);
    }
    s.cover_V_signal = rate(cn[0], cd[0]);
    s.cover_G_signal = rate(cn[1], cd[1]);
    s.cover_V_observed = rate(cn[2], cd[2]);
    s.cover_G_observed = rate(cn[3], cd[3]);
  }
}

namespace {
std::string Pct(double x) {
  if (!std::isfinite(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
  return buf;
}
std::string PctSe(double x, double se) {
  if (!std::isfinite(x)) return "n/a";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f%% (%.1f)", 100 * x, 100 * se);
  return buf;
}
std::string Num(double x, const char* fmt = "%.3f") {
  if (!std::isfinite(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

// Share of draws where the rule says `regime`, pooled over the points with
// the same value of one parameter: an operating-characteristic curve.
template <typename Key>
std::string OcTable(const StudyResult& r, const char* label, Key key, Regime regime) {
  std::map<double, std::pair<int, int>> by;  // value -> (count, defined)
  for (size_t i = 0; i < r.points.size(); ++i) {
    auto& [k, n] = by[key(r.points[i])];
    k += r.summaries[i].rule_counts[static_cast<size_t>(regime)];
    n += r.summaries[i].defined;
  }
  std::ostringstream o;
  o << "| " << label << " | P(rule says " << ToString(regime) << ") | draws |\n|---:|---:|---:|\n";
  for (const auto& [value, kn] : by) {
    const double q = kn.second > 0 ? static_cast<double>(kn.first) / kn.second : kNaN;
    o << "| " << Num(value, "%.4g") << " | " << PctSe(q, std::sqrt(q * (1 - q) / std::max(1, kn.second))) << " | "
      << kn.second << " |\n";
  }
  return o.str();
}
}  // namespace

std::string StudyResult::FullReport() const {
  std::ostringstream o;
  const StudyDesign& d = design;
  o << "# chokepoint study: planted-truth Monte Carlo\n\n";
  o << "**SYNTHETIC by construction:** every series is simulated from the design below.\n\n";
  o << "- Design: " << points.size() << " points x " << d.draws << " draws = " << draws.size()
    << " draws; seed " << d.seed << "; " << Num(seconds, "%.1f") << " s on " << threads << " threads\n";
  o << "- Grid: months {" << JoinList(d.months) << "}, codes {" << JoinList(d.codes) << "}, trend {"
    << JoinList(d.trend) << "}, surge amplitude {" << JoinList(d.surge_amplitude) << "}, half-life {"
    << JoinList(d.surge_half_life) << "}, onset {" << JoinList(d.surge_onset) << "}, slope change {"
    << JoinList(d.slope_change) << "} at month " << d.break_month << ", month effects {"
    << JoinList(d.seasonal_amplitude) << "}, rho {" << JoinList(d.rho) << "}, noise sd {" << JoinList(d.noise_sd)
    << "} (" << ToString(d.noise) << ")\n";
  auto axis_or = [](const std::vector<double>& axis, double fixed) {
    return axis.empty() ? Num(fixed, "%.4g") : "{" + JoinList(axis) + "}";
  };
  std::vector<std::string> intervals;
  for (auto m : d.interval) intervals.emplace_back(bootstrap::ToString(m));
  o << "- Analysis: thresholds g* = " << axis_or(d.growth_threshold, d.thresholds.growth)
    << ", v_hi = " << axis_or(d.volatility_high_threshold, d.thresholds.volatility_high)
    << ", v_lo = " << d.thresholds.volatility_low << ", override " << (d.thresholds.semiconductor_override ? "on" : "off")
    << " (group " << (d.semiconductor ? "" : "not ") << "semiconductor-related); bootstrap "
    << (d.bootstrap_replicates > 0 ? std::to_string(d.bootstrap_replicates) + " replicates, level " + Num(d.level, "%.2f")
                                   : std::string("off"))
    << "; index window (last months, 0 = all) {" << JoinList(d.window_months) << "}; interval {"
    << JoinList(intervals) << "}\n";
  o << "- Truths: *rule* = the 2 x 3 rule on the noise-free path; *process* = stockpiling when a surge is planted, "
       "else substitution when the noise-free G <= g*, else no_effect (docs/method.md §8.8).\n\n";

  // The referee's answer first: recovery of each regime.
  o << "## How often the method recovers each regime (process truth)\n\n";
  o << "| true regime | draws | rule right | model verdict right | mean bootstrap P(true regime) |\n"
       "|---|---:|---:|---:|---:|\n";
  for (int t = 0; t < kNumRegimes; ++t) {
    int n = 0, right = 0, m = 0, model_right = 0;
    double p = 0;
    int pn = 0;
    for (int c = 0; c < kNumRegimes; ++c) n += confusion_rule[t][c];
    right = confusion_rule[t][t];
    for (int c = 0; c < kNumModelVerdicts; ++c) m += confusion_model[t][c];
    // The model's verdict is right for stockpiling when it has a surge, and
    // for the other regimes when it has none.
    const bool surge_truth = t == static_cast<int>(Regime::kStockpiling);
    model_right = surge_truth ? confusion_model[t][2] + confusion_model[t][3] : confusion_model[t][0] + confusion_model[t][1];
    for (size_t i = 0; i < points.size(); ++i)
      if (static_cast<int>(points[i].process_truth) == t && std::isfinite(summaries[i].mean_p_true)) {
        p += summaries[i].mean_p_true * summaries[i].defined;
        pn += summaries[i].defined;
      }
    const double qr = n ? static_cast<double>(right) / n : kNaN, qm = m ? static_cast<double>(model_right) / m : kNaN;
    o << "| " << ToString(static_cast<Regime>(t)) << " | " << n << " | " << PctSe(qr, std::sqrt(qr * (1 - qr) / std::max(1, n)))
      << " | " << PctSe(qm, std::sqrt(qm * (1 - qm) / std::max(1, m))) << " (" << (surge_truth ? "surge" : "no surge")
      << ") | " << (pn ? Num(p / pn) : std::string("n/a")) << " |\n";
  }
  o << "\nMonte Carlo standard errors in parentheses (percentage points).\n\n";
  o << "## Confusion: process truth x rule\n\n| truth \\ rule | stockpiling | no_effect | substitution |\n|---|---:|---:|---:|\n";
  for (int t = 0; t < kNumRegimes; ++t)
    o << "| " << ToString(static_cast<Regime>(t)) << " | " << confusion_rule[t][0] << " | " << confusion_rule[t][1]
      << " | " << confusion_rule[t][2] << " |\n";
  o << "\n## Confusion: process truth x model verdict\n\n| truth \\ model | trend | break | surge | break + surge |\n"
       "|---|---:|---:|---:|---:|\n";
  for (int t = 0; t < kNumRegimes; ++t)
    o << "| " << ToString(static_cast<Regime>(t)) << " | " << confusion_model[t][0] << " | " << confusion_model[t][1]
      << " | " << confusion_model[t][2] << " | " << confusion_model[t][3] << " |\n";
  o << "\n## Operating characteristics\n\n";
  o << OcTable(*this, "surge amplitude", [](const StudyPoint& p) { return p.surge_amplitude; }, Regime::kStockpiling) << "\n";
  o << OcTable(*this, "trend (log points / month)", [](const StudyPoint& p) { return p.trend; }, Regime::kSubstitution)
    << "\n";
  if (d.growth_threshold.size() > 1)
    o << OcTable(*this, "g*", [](const StudyPoint& p) { return p.thresholds.growth; }, Regime::kSubstitution) << "\n";
  if (d.volatility_high_threshold.size() > 1)
    o << OcTable(*this, "v_hi", [](const StudyPoint& p) { return p.thresholds.volatility_high; }, Regime::kStockpiling)
      << "\n";
  if (d.window_months.size() > 1)
    o << OcTable(*this, "window (last months, 0 = all)", [](const StudyPoint& p) { return double(p.window_months); },
                 Regime::kStockpiling)
      << "\n";
  o << "## Design points\n\n";
  o << "| # | T | codes | trend | A | half-life | slope | rho | sd | g* | v_hi | window | weighting | base | scheme | "
       "interval | V* | G* | rule truth | "
       "process truth | misclassified (rule) | misclassified (process) | surge called | break called | surge recovered | "
       "cover V signal | cover G signal | cover V observed | cover G observed |\n";
  o << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|"
       "---:|---:|---:|---:|\n";
  for (size_t i = 0; i < points.size(); ++i) {
    const StudyPoint& p = points[i];
    const StudySummary& s = summaries[i];
    o << "| " << i << " | " << p.months << " | " << p.codes << " | " << Num(p.trend, "%.4f") << " | "
      << Num(p.surge_amplitude, "%.2f") << " | " << Num(p.surge_half_life, "%.1f") << " | "
      << Num(p.slope_change, "%.3f") << " | " << Num(p.rho, "%.2f") << " | " << Num(p.noise_sd, "%.3f") << " | "
      << Num(p.thresholds.growth, "%.3g") << " | " << Num(p.thresholds.volatility_high, "%.3g") << " | "
      << (p.window_months > 0 ? std::to_string(p.window_months) : std::string("all")) << " | "
      << ToString(p.weighting) << " | " << ToString(p.base) << " | " << p.scheme << " | "
      << bootstrap::ToString(p.interval) << " | " << Num(p.V_signal) << " | "
      << Num(p.G_signal) << " | " << (p.signal_ok ? std::string(ToString(p.rule_truth)) : "undefined") << " | "
      << ToString(p.process_truth) << " | " << PctSe(s.misclassified_rule, s.misclassified_rule_se) << " | "
      << PctSe(s.misclassified_process, s.misclassified_process_se) << " | " << Pct(s.surge_called) << " | "
      << Pct(s.break_called) << " | " << Pct(s.surge_recovered) << " | " << Pct(s.cover_V_signal) << " | "
      << Pct(s.cover_G_signal) << " | " << Pct(s.cover_V_observed) << " | " << Pct(s.cover_G_observed) << " |\n";
  }
  o << "\nSurge called at a point without a planted surge is the test's size; with one, its power.\n";
  return o.str();
}

}  // namespace chokepoint::robustness
