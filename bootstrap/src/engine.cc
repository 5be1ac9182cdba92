#include "chokepoint/bootstrap/engine.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "block_indices.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/memory_limit.h"
#include "chokepoint/core/version.h"

namespace chokepoint::bootstrap {

// ---- Options ---------------------------------------------------------------

bool BootstrapOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) {
    if (error) *error = msg;
    return false;
  };
  if (replicates < 2) return fail("bootstrap.replicates must be >= 2, got " + std::to_string(replicates));
  if (!(level > 0.0 && level < 1.0)) return fail("bootstrap.level must be in (0, 1), got " + std::to_string(level));
  if (threads < 0) return fail("bootstrap.threads must be >= 0 (0 = all cores), got " + std::to_string(threads));
  if (scheme_diagnostics && diagnostic_replicates < 20)
    return fail("bootstrap.diagnostic_replicates must be >= 20, got " + std::to_string(diagnostic_replicates));
  if (!(scheme_disagreement_threshold > 0.0 && scheme_disagreement_threshold < 1.0))
    return fail("bootstrap.scheme_disagreement_threshold must be in (0, 1), got " +
                std::to_string(scheme_disagreement_threshold));
  if (calibrate && (calibration_outer < 20 || calibration_outer > replicates))
    return fail("bootstrap.calibration_outer must be in 20..replicates (" + std::to_string(replicates) + "), got " +
                std::to_string(calibration_outer));
  if (calibrate && calibration_inner < 20)
    return fail("bootstrap.calibration_inner must be >= 20, got " + std::to_string(calibration_inner));
  if (calibrate && static_cast<int64_t>(calibration_outer) * calibration_inner > (int64_t{1} << 31))
    return fail("bootstrap.calibration_outer x calibration_inner must stay below 2^31");
  return resampler.IsValid(error);
}

BootstrapOptions BootstrapOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"replicates", "level", "seed", "threads", "keep_replicates", "scheme", "blocks",
                       "block_length", "report_interval", "progress", "trend_growth", "fitted_surges", "estimand", "signal",
                       "scheme_diagnostics", "diagnostic_replicates", "scheme_disagreement_threshold",
                       "base_sensitivity", "calibrate", "calibration_outer", "calibration_inner"});
  BootstrapOptions o;
  if (auto v = s.GetInt("replicates")) {
    if (*v < 2 || *v > std::numeric_limits<int>::max()) s.Fail("replicates", "must be an integer >= 2");
    o.replicates = static_cast<int>(*v);
  }
  if (auto v = s.GetDouble("level")) o.level = *v;
  if (auto v = s.GetInt("seed")) {
    if (*v < 0) s.Fail("seed", "must be >= 0");
    o.seed = static_cast<uint64_t>(*v);
  }
  if (auto v = s.GetInt("threads")) {
    if (*v < 0 || *v > 4096) s.Fail("threads", "must be between 0 (all cores) and 4096");
    o.threads = static_cast<int>(*v);
  }
  if (auto v = s.GetBool("keep_replicates")) o.keep_replicates = *v;
  if (auto v = s.GetBool("progress")) o.progress = *v;
  if (auto v = s.GetBool("trend_growth")) o.trend_growth = *v;
  if (auto v = s.GetBool("fitted_surges")) o.fitted_surges = *v;
  if (auto v = s.GetString("estimand")) {
    auto e = EstimandFromString(*v);
    if (!e) s.Fail("estimand", "must be one of observed, signal; got \"" + *v + "\"");
    o.estimand = *e;
  }
  if (auto v = s.GetBool("scheme_diagnostics")) o.scheme_diagnostics = *v;
  if (auto v = s.GetBool("signal")) o.signal = *v;
  const auto small_int = [&](std::string_view key, int* out) {
    if (auto v = s.GetInt(key)) {
      if (*v < 0 || *v > 100000000) s.Fail(key, "must be an integer in 0..100000000");
      *out = static_cast<int>(*v);
    }
  };
  small_int("diagnostic_replicates", &o.diagnostic_replicates);
  if (auto v = s.GetDouble("scheme_disagreement_threshold")) o.scheme_disagreement_threshold = *v;
  if (auto v = s.GetBool("base_sensitivity")) o.base_sensitivity = *v;
  if (auto v = s.GetBool("calibrate")) o.calibrate = *v;
  small_int("calibration_outer", &o.calibration_outer);
  small_int("calibration_inner", &o.calibration_inner);
  if (auto v = s.GetString("scheme")) {
    auto e = SchemeFromString(*v);
    if (!e) s.Fail("scheme", "must be one of residual, growth, sieve, levels; got \"" + *v + "\"");
    o.resampler.scheme = *e;
  }
  if (auto v = s.GetString("blocks")) {
    auto e = BlockMethodFromString(*v);
    if (!e) s.Fail("blocks", "must be one of stationary, circular, moving; got \"" + *v + "\"");
    o.resampler.blocks = *e;
  }
  if (s.Has("block_length")) {
    // "auto" or a number of months.
    std::optional<std::string> text;
    try {
      text = s.GetString("block_length");
    } catch (const Error&) {
    }
    if (text) {
      if (*text != "auto") s.Fail("block_length", "must be \"auto\" or a number of months >= 1");
      o.resampler.block_length = 0.0;
    } else {
      o.resampler.block_length = *s.GetDouble("block_length");
    }
  }
  if (auto v = s.GetString("report_interval")) {
    auto e = IntervalMethodFromString(*v);
    if (!e) s.Fail("report_interval", "must be one of percentile, basic, normal, bca; got \"" + *v + "\"");
    o.report_interval = *e;
  }
  std::string error;
  if (!o.IsValid(&error)) {
    // Locate the message at the key it names when possible.
    const std::string key = error.substr(0, error.find(' '));
    const std::string field = key.substr(key.find('.') + 1);
    if (s.Has(field)) s.Fail(field, error.substr(key.size() + 1));
    s.Fail({}, error);
  }
  return o;
}

toml::table BootstrapOptions::ToToml() const {
  toml::table t;
  t.insert("replicates", static_cast<int64_t>(replicates));
  t.insert("level", level);
  t.insert("seed", static_cast<int64_t>(seed));
  t.insert("threads", static_cast<int64_t>(threads));
  t.insert("keep_replicates", keep_replicates);
  t.insert("scheme", std::string(ToString(resampler.scheme)));
  t.insert("blocks", std::string(ToString(resampler.blocks)));
  if (resampler.block_length == 0.0) t.insert("block_length", "auto");
  else t.insert("block_length", resampler.block_length);
  t.insert("report_interval", std::string(ToString(report_interval)));
  t.insert("progress", progress);
  t.insert("trend_growth", trend_growth);
  t.insert("fitted_surges", fitted_surges);
  t.insert("estimand", std::string(ToString(estimand)));
  t.insert("signal", signal);
  t.insert("scheme_diagnostics", scheme_diagnostics);
  t.insert("diagnostic_replicates", static_cast<int64_t>(diagnostic_replicates));
  t.insert("scheme_disagreement_threshold", scheme_disagreement_threshold);
  t.insert("base_sensitivity", base_sensitivity);
  t.insert("calibrate", calibrate);
  t.insert("calibration_outer", static_cast<int64_t>(calibration_outer));
  t.insert("calibration_inner", static_cast<int64_t>(calibration_inner));
  return t;
}

EstimandMethod DefaultEstimandMethod(const BootstrapOptions& options) {
  return options.calibrate ? EstimandMethod::kLogCentredCalibrated : EstimandMethod::kLogCentred;
}

// ---- Engine ----------------------------------------------------------------

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct GroupPlan {
  bool ok = false;
  ResolvedWindow window;
  std::optional<SeriesResampler> resampler;
  // Levels scheme on monthly periods with equal/linear weights: V and G from
  // block sums, O(blocks) per replicate instead of building the series.
  std::optional<BlockIndexKernel> block_kernel;
  std::vector<double> weights;
  int base_periods = 1;
  bool trend = false;  // G_trend computed
  // V and G of the fitted mean path (residual / sieve): the bootstrap world's
  // parameters, and the signal estimand's point estimates.
  double v_world = kNaN, g_world = kNaN;
  // The signal estimand's replicates (refitted path) are computed.
  bool signal = false;
  // Base sensitivity: periods of the other base rule, and G of the observed
  // series and of the fitted path under it.
  int base_periods_alt = 0;
  double g_alt = kNaN, g_world_alt = kNaN;
  // The log component kept in the fitted path (views the caller's data).
  std::span<const double> component;
};

struct ThreadScratch {
  explicit ThreadScratch(int n)
      : ws(n),
        series(static_cast<size_t>(n)),
        periods(static_cast<size_t>(n)),
        fitted(static_cast<size_t>(n)),
        noise(static_cast<size_t>(n)),
        signal_periods(static_cast<size_t>(n)) {}
  Workspace ws;
  std::vector<double> series;
  std::vector<double> periods;
  std::vector<double> fitted;
  std::vector<double> noise;           // log noise of the replicate (signal estimand)
  std::vector<double> signal_periods;  // the refitted path, aggregated to periods
};

// G under the other base from G under the run's: the weighted mean is the
// same, only the base differs, so 1 + G scales by base / other base (O(12)
// instead of another pass over the series). NaN when the other base is not
// positive.
double OtherBaseGrowth(std::span<const double> periods, double g, const GroupPlan& plan) {
  const int b = plan.base_periods, a = plan.base_periods_alt;
  if (static_cast<int>(periods.size()) < std::max(a, b)) return kNaN;
  double base = 0.0, other = 0.0;
  for (int k = 0; k < b; ++k) base += periods[k];
  for (int k = 0; k < a; ++k) other += periods[k];
  base /= b;
  other /= a;
  return other > 0.0 ? (g + 1.0) * (base / other) - 1.0 : kNaN;
}

// The signal estimand's V and G (and, with other_base, G under the other
// base) of the path `rs` refits on a replicate's log noise: monthly in one
// pass without writing the path (SignalIndices); otherwise through the
// written path aggregated to periods (`path`, `periods`: scratch).
SignalStatistics SignalReplicate(const SeriesResampler& rs, std::span<const double> noise, const GroupPlan& plan,
                                 bool other_base, std::span<double> path, std::span<double> periods) {
  if (plan.window.months_per_period == 1)
    return rs.SignalIndices(noise, plan.weights, plan.base_periods, other_base ? plan.base_periods_alt : 0);
  rs.SignalPath(noise, path);
  std::span<double> p = periods.first(static_cast<size_t>(plan.window.num_periods));
  AggregateToPeriods(path, plan.window, p);
  SignalStatistics out;
  out.values = ComputeIndices(p, plan.weights, plan.base_periods);
  if (out.values.ok() && other_base && plan.base_periods_alt > 0)
    out.other_base_growth = OtherBaseGrowth(p, out.values.G, plan);
  return out;
}

// The other growth base: first <-> first12.
IndexSpec OtherBase(const IndexSpec& spec) {
  IndexSpec alt = spec;
  alt.base = spec.base == BaseRule::kFirstPeriod ? BaseRule::kFirstYearMean : BaseRule::kFirstPeriod;
  return alt;
}

// Seed of the double bootstrap's inner streams, derived from the run's seed
// (SplitMix64 finaliser), so they never coincide with the outer streams.
uint64_t CalibrationSeed(uint64_t seed) { return MixKey(seed ^ 0x63616c6962726174ull); }  // "calibrat"

// Progress bar on stderr (replicates done, rate, time left), only for a terminal.
class Progress {
 public:
  Progress(bool enabled, int64_t total) : total_(total) {
    if (!enabled || !isatty(STDERR_FILENO) || total < 20000) return;
    thread_ = std::thread([this] { Loop(); });
  }
  ~Progress() { Stop(); }
  void Add(int64_t k) { done_.fetch_add(k, std::memory_order_relaxed); }
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    std::fprintf(stderr, "\r%78s\r", "");
  }

 private:
  void Loop() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      const int64_t done = done_.load(std::memory_order_relaxed);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = secs > 0 ? done / secs : 0.0;
      const double left = rate > 0 ? (total_ - done) / rate : 0.0;
      const int width = 30;
      const int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total_));
      std::fprintf(stderr, "\rbootstrap [%-*s] %lld/%lld  %.3g/s  %.0fs left ", width,
                   std::string(static_cast<size_t>(std::clamp(filled, 0, width)), '#').c_str(),
                   static_cast<long long>(done), static_cast<long long>(total_), rate, left);
      std::fflush(stderr);
    }
  }

  int64_t total_;
  std::atomic<int64_t> done_{0};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
};

// `finite` is reordered (quantiles by selection).
StatisticSummary Summarise(std::vector<double>& finite, double point, double level,
                           std::span<const double> jackknife, double bootstrap_world = kNaN) {
  StatisticSummary s;
  s.point = point;
  s.bootstrap_world = bootstrap_world;
  const size_t b = finite.size();
  double mean = 0.0;
  for (double v : finite) mean += v;
  mean = b ? mean / static_cast<double>(b) : kNaN;
  double ss = 0.0;
  for (double v : finite) ss += (v - mean) * (v - mean);
  s.mean = mean;
  s.sd = b > 1 ? std::sqrt(ss / static_cast<double>(b - 1)) : kNaN;
  s.jackknife_values = static_cast<int>(jackknife.size());
  QuantileSelector cloud(finite);
  s.intervals = ComputeIntervals(cloud, point, level, JackknifeAcceleration(jackknife), bootstrap_world);
  if (jackknife.size() < 2) {
    s.intervals.by_method[3].ok = false;
    s.intervals.by_method[3].note = "fewer than 2 jackknife values for the acceleration";
  }
  return s;
}

// What the engine computes: everything, or (scheme diagnostics) only each
// group's regime probabilities of the observed statistic, without the
// jackknife, the intervals and the estimand summaries.
enum class EngineMode { kFull, kRegimesOnly };

BootstrapResult RunEngine(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds,
                          const BootstrapOptions& options, std::span<const std::vector<double>> log_components,
                          EngineMode mode, tbb::task_arena* caller_arena = nullptr);

}  // namespace

void CheckBootstrapMemory(int num_groups, const BootstrapOptions& options) {
  // The replicate arrays (V, G, the signal's V and G, the other base's G
  // twice, G_trend), checked before any work (memory_limit.h).
  const int arrays = 4 + (options.base_sensitivity ? 2 : 0) + (options.trend_growth ? 1 : 0);
  CheckMemoryEstimate("bootstrap replicate arrays (" + std::to_string(num_groups) + " groups x " +
                          std::to_string(options.replicates) + " replicates x " + std::to_string(arrays) +
                          " statistics)",
                      8.0 * num_groups * static_cast<double>(options.replicates) * arrays);
}

BootstrapResult RunBootstrap(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds,
                             const BootstrapOptions& options, std::span<const std::vector<double>> log_components) {
  return RunEngine(series, spec, thresholds, options, log_components, EngineMode::kFull);
}

namespace {

BootstrapResult RunEngine(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds,
                          const BootstrapOptions& options, std::span<const std::vector<double>> log_components,
                          EngineMode mode, tbb::task_arena* caller_arena) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  if (!spec.IsValid(&error)) ThrowUsageError(error);
  if (!thresholds.IsValid(&error)) ThrowUsageError(error);

  const auto t_start = std::chrono::steady_clock::now();
  BootstrapResult result;
  result.options = options;
  result.spec = spec;
  result.thresholds = thresholds;
  result.replicates = options.replicates;
  const int num_groups = series.num_groups();
  const int B = options.replicates;
  CheckBootstrapMemory(num_groups, options);
  result.groups.resize(num_groups);

  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  result.threads_used = threads;
  // A nested run (the scheme diagnostics) works in its caller's arena: the
  // workers are awake there, a new arena would wake them again per phase.
  std::optional<tbb::task_arena> own_arena;
  if (!caller_arena) own_arena.emplace(threads);
  tbb::task_arena& arena = caller_arena ? *caller_arena : *own_arena;

  // Scheme diagnostics (docs/method.md §5.14): the other schemes' runs are
  // independent of this one, so they start now and fill the threads this
  // run's phases leave idle (setup and summaries go one group per task);
  // each run is deterministic, so the outcome does not depend on scheduling.
  // Their rows are read after the summaries.
  std::array<BootstrapResult, kNumSchemes> others;
  std::array<std::string, kNumSchemes> failures;
  tbb::task_group diagnostics;
  const auto t_diag = std::chrono::steady_clock::now();
  if (options.scheme_diagnostics && mode == EngineMode::kFull) {
    arena.execute([&] {
      diagnostics.run([&] {
        tbb::parallel_for(0, kNumSchemes, [&](int k) {
          if (static_cast<Scheme>(k) == options.resampler.scheme) return;
          BootstrapOptions o = options;
          o.resampler.scheme = static_cast<Scheme>(k);
          o.replicates = options.diagnostic_replicates;
          o.scheme_diagnostics = false;
          o.base_sensitivity = false;
          o.calibrate = false;
          o.trend_growth = false;
          o.keep_replicates = false;
          o.progress = false;
          o.signal = false;  // the diagnostics classify the observed statistic only
          try {
            others[k] = RunEngine(series, spec, thresholds, o, log_components, EngineMode::kRegimesOnly, &arena);
          } catch (const Error& e) {
            failures[k] = e.what();
          }
        });
      });
    });
  }

  // Prepare each group once: window, resampler fitted on the window, weights.
  // Groups are independent (each writes only its own plan and result row),
  // so they are prepared in parallel too: the fits (an n x n projection, the
  // block-length selection) were a serial stretch before the replicates.
  std::vector<GroupPlan> plans(num_groups);
  auto prepare = [&](int g) {
    GroupBootstrap& out = result.groups[g];
    out.name = series.groups[g].name;
    out.group_id = series.groups[g].id;
    out.semiconductor = series.groups[g].semiconductor;
    GroupPlan& plan = plans[g];
    plan.window = ResolveWindow(spec, series.first_month, series.num_months);
    if (plan.window.status != IndexStatus::kOk) {
      out.note = "window: " + std::string(ToString(plan.window.status));
      return;
    }
    const auto row = series.row(g).subspan(plan.window.first_column, plan.window.num_months);
    bool complete = true;
    if (!series.present.empty()) {
      for (int t = 0; t < plan.window.num_months; ++t)
        complete = complete && series.present[static_cast<size_t>(g) * series.num_months + plan.window.first_column + t];
    }
    if (!complete) {
      out.note = "missing months in the window";
      return;
    }
    try {
      std::span<const double> component;
      if (static_cast<int>(log_components.size()) > g && !log_components[g].empty()) {
        if (static_cast<int>(log_components[g].size()) != series.num_months)
          ThrowUsageError("bootstrap: log component of group " + out.name + " has " +
                          std::to_string(log_components[g].size()) + " months, the series " +
                          std::to_string(series.num_months));
        if (options.resampler.scheme == Scheme::kResidual || options.resampler.scheme == Scheme::kSieve)
          component = std::span<const double>(log_components[g]).subspan(plan.window.first_column,
                                                                          plan.window.num_months);
      }
      plan.resampler.emplace(row, plan.window.start, options.resampler, component);
      plan.component = component;
    } catch (const Error& e) {
      out.note = e.what();
      return;
    }
    plan.window.first_column = 0;  // replicates hold the window only
    plan.weights = MakeWeights(spec, plan.window.num_periods);
    plan.base_periods = BasePeriods(spec);
    std::vector<double> periods(static_cast<size_t>(plan.window.num_periods));
    AggregateToPeriods(row, plan.window, periods);
    const IndexValues point = ComputeIndices(periods, plan.weights, plan.base_periods);
    if (!point.ok()) {
      out.note = "observed series: " + std::string(ToString(point.status));
      return;
    }
    out.num_months = plan.window.num_months;
    out.V.point = point.V;
    out.G.point = point.G;
    const Scheme scheme = options.resampler.scheme;
    if (plan.resampler->has_trend_fit() && (scheme == Scheme::kResidual || scheme == Scheme::kSieve ||
                                            options.trend_growth)) {
      Workspace ws(plan.window.num_months);
      std::vector<double> fitted(static_cast<size_t>(plan.window.num_months));
      plan.resampler->FittedPath(row, fitted, ws);
      AggregateToPeriods(fitted, plan.window, periods);
      const IndexValues world = ComputeIndices(periods, plan.weights, plan.base_periods);
      if (world.ok() && (scheme == Scheme::kResidual || scheme == Scheme::kSieve)) {
        plan.v_world = world.V;
        plan.g_world = world.G;
        if (options.base_sensitivity) {
          const IndexValues alt =
              ComputeIndices(periods, plan.weights, BasePeriods(OtherBase(spec)));
          if (alt.ok()) plan.g_world_alt = alt.G;
        }
        plan.signal = options.signal;
      }
      if (options.trend_growth) {
        out.G_trend.emplace();
        out.G_trend->point = GrowthIndex(periods, plan.weights, plan.base_periods);
        plan.trend = true;
      }
    }
    if (options.base_sensitivity) {
      plan.base_periods_alt = BasePeriods(OtherBase(spec));
      AggregateToPeriods(row, plan.window, periods);
      const IndexValues alt = ComputeIndices(periods, plan.weights, plan.base_periods_alt);
      if (alt.ok()) plan.g_alt = alt.G;
    }
    // The block-sum kernel gives V and G under the run's base only.
    if (!plan.trend && !options.base_sensitivity && BlockIndexKernel::Supports(*plan.resampler, spec))
      plan.block_kernel.emplace(*plan.resampler, plan.weights, plan.base_periods);
    out.block_length_used = plan.resampler->block_length_used();
    out.automatic = plan.resampler->automatic();
    out.ar_order = plan.resampler->ar_order();
    out.resampler = plan.resampler->Describe() + (plan.block_kernel ? " evaluation=block_sums" : "");
    plan.ok = true;
  };
  arena.execute([&] { tbb::parallel_for(0, num_groups, prepare); });
  const auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  result.setup_seconds = since(t_start);
  const auto t_replicates = std::chrono::steady_clock::now();
  int max_months = 1;
  for (const GroupPlan& plan : plans)
    if (plan.ok) max_months = std::max(max_months, plan.window.num_months);

  std::vector<double> V(static_cast<size_t>(num_groups) * B, kNaN);
  std::vector<double> G(static_cast<size_t>(num_groups) * B, kNaN);
  std::vector<double> GT;
  if (options.trend_growth) GT.assign(static_cast<size_t>(num_groups) * B, kNaN);
  // Signal estimand (refitted path) and the other base's G, per replicate.
  const size_t cells = static_cast<size_t>(num_groups) * B;
  std::vector<double> VS(cells, kNaN), GS(cells, kNaN);
  std::vector<double> GA, GSA;
  if (options.base_sensitivity) {
    GA.assign(cells, kNaN);
    GSA.assign(cells, kNaN);
  }

  tbb::enumerable_thread_specific<ThreadScratch> scratch([&] { return ThreadScratch(max_months); });
  const int64_t total = static_cast<int64_t>(num_groups) * B;
  Progress progress(options.progress, total);
  arena.execute([&] {
    // Chunks of up to 256 replicates, smaller for small runs (the scheme
    // diagnostics' 99 per group) so both ends of a run keep every thread busy.
    const int64_t grain = std::clamp<int64_t>(total / (16 * static_cast<int64_t>(threads)), 16, 256);
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, total, grain), [&](const tbb::blocked_range<int64_t>& range) {
      ThrowIfInterrupted();  // Ctrl-C stops at a chunk boundary (interrupt.h)
      ThreadScratch& s = scratch.local();
      for (int64_t idx = range.begin(); idx < range.end(); ++idx) {
        const int g = static_cast<int>(idx / B);
        const int r = static_cast<int>(idx % B);
        const GroupPlan& plan = plans[g];
        if (!plan.ok) continue;
        if (plan.block_kernel) {
          const IndexValues iv = plan.block_kernel->Compute(options.seed, static_cast<uint32_t>(g),
                                                            static_cast<uint32_t>(r));
          if (iv.ok()) {
            V[idx] = iv.V;
            G[idx] = iv.G;
          }
          continue;
        }
        const int n = plan.window.num_months;
        std::span<double> x(s.series.data(), static_cast<size_t>(n));
        std::span<double> noise(s.noise.data(), plan.signal ? static_cast<size_t>(n) : 0);
        plan.resampler->Generate(options.seed, static_cast<uint32_t>(g), static_cast<uint32_t>(r), x, s.ws, noise);
        {
          std::span<const double> periods = x;
          if (plan.window.months_per_period > 1) {
            std::span<double> p(s.periods.data(), static_cast<size_t>(plan.window.num_periods));
            AggregateToPeriods(x, plan.window, p);
            periods = p;
          }
          const IndexValues iv = ComputeIndices(periods, plan.weights, plan.base_periods);
          if (iv.ok()) {
            V[idx] = iv.V;
            G[idx] = iv.G;
            if (plan.base_periods_alt > 0) GA[idx] = OtherBaseGrowth(periods, iv.G, plan);
          }
        }
        if (plan.signal) {
          // The path refitted on this replicate: the signal estimand's replicate.
          const SignalStatistics st = SignalReplicate(*plan.resampler, noise, plan, true,
                                                      std::span<double>(s.fitted.data(), static_cast<size_t>(n)),
                                                      s.signal_periods);
          if (st.values.ok()) {
            VS[idx] = st.values.V;
            GS[idx] = st.values.G;
            if (plan.base_periods_alt > 0) GSA[idx] = st.other_base_growth;
          }
          if (plan.trend) GT[idx] = GS[idx];
          continue;
        }
        if (plan.trend) {
          std::span<double> f(s.fitted.data(), static_cast<size_t>(n));
          plan.resampler->FittedPath(x, f, s.ws);
          std::span<double> p(s.periods.data(), static_cast<size_t>(plan.window.num_periods));
          AggregateToPeriods(f, plan.window, p);
          GT[idx] = GrowthIndex(p, plan.weights, plan.base_periods);
        }
      }
      progress.Add(range.size());
    });
  });
  progress.Stop();
  result.replicate_seconds = since(t_replicates);

  // Double-bootstrap calibration (options.calibrate; docs/method.md §5.13):
  // for outer replicate b of group g, an inner resampler is fitted to the
  // replicate series (block length fixed at the outer one) and its inner
  // replicates give u_b, the position of the outer world's estimand in the
  // inner distribution. Tasks (g, b) write only their own slots.
  // calibrated[g][estimand][index] = the nominal level to use (NaN = none).
  std::vector<std::array<std::array<double, 2>, kNumEstimands>> calibrated(
      static_cast<size_t>(num_groups), {{{kNaN, kNaN}, {kNaN, kNaN}}});
  if (options.calibrate) {
    const auto t_cal = std::chrono::steady_clock::now();
    const int C = options.calibration_outer, D = options.calibration_inner;
    const uint64_t inner_seed = CalibrationSeed(options.seed);
    // positions[(g * C + b) * 4 + estimand * 2 + index]
    std::vector<double> positions(static_cast<size_t>(num_groups) * C * 4, kNaN);
    // The outer world's estimands on the log scale: observed = median of the
    // outer replicates; signal = the fitted path's statistic.
    std::vector<std::array<double, 4>> truth(static_cast<size_t>(num_groups), {kNaN, kNaN, kNaN, kNaN});
    for (int g = 0; g < num_groups; ++g) {
      if (!plans[g].ok) continue;
      for (int index = 0; index < 2; ++index) {
        const std::vector<double>& a = index == 0 ? V : G;
        const IndexScale scale = index == 0 ? IndexScale::kLog : IndexScale::kLogOnePlus;
        std::vector<double> h;
        for (int r = 0; r < B; ++r) {
          const double v = ToScale(scale, a[static_cast<size_t>(g) * B + r]);
          if (std::isfinite(v)) h.push_back(v);
        }
        if (h.size() >= 2) truth[g][index] = QuantileSelector(h).Quantile(0.5);
        if (plans[g].signal)
          truth[g][2 + index] = ToScale(scale, index == 0 ? plans[g].v_world : plans[g].g_world);
      }
    }
    auto calibrate_task = [&](int64_t task) {
      const int g = static_cast<int>(task / C), b = static_cast<int>(task % C);
      const GroupPlan& plan = plans[g];
      if (!plan.ok) return;
      const int n = plan.window.num_months;
      Workspace ws(n);
      std::vector<double> x(static_cast<size_t>(n)), noise(static_cast<size_t>(n)), x2(static_cast<size_t>(n)),
          noise2(static_cast<size_t>(n)), path(static_cast<size_t>(n)), periods(static_cast<size_t>(n));
      std::span<double> outer_noise(noise.data(), plan.signal ? static_cast<size_t>(n) : 0);
      plan.resampler->Generate(options.seed, static_cast<uint32_t>(g), static_cast<uint32_t>(b), x, ws, outer_noise);
      const size_t outer = static_cast<size_t>(g) * B + b;
      const double outer_point[4] = {ToScale(IndexScale::kLog, V[outer]), ToScale(IndexScale::kLogOnePlus, G[outer]),
                                     ToScale(IndexScale::kLog, VS[outer]),
                                     ToScale(IndexScale::kLogOnePlus, GS[outer])};
      ResamplerOptions inner_options = options.resampler;
      inner_options.block_length = plan.resampler->block_length_used();
      std::optional<SeriesResampler> inner;
      try {
        inner.emplace(x, plan.window.start, inner_options, plan.component);
      } catch (const Error&) {
        return;  // this outer replicate cannot be resampled: no position
      }
      const bool signal = plan.signal && inner->has_trend_fit();
      std::array<std::vector<double>, 4> inner_values;
      for (auto& v : inner_values) v.reserve(static_cast<size_t>(D));
      std::span<double> inner_noise(noise2.data(), signal ? static_cast<size_t>(n) : 0);
      std::span<double> p(periods.data(), static_cast<size_t>(plan.window.num_periods));
      for (int r = 0; r < D; ++r) {
        const uint32_t stream = static_cast<uint32_t>(static_cast<int64_t>(b) * D + r);
        inner->Generate(inner_seed, static_cast<uint32_t>(g), stream, x2, ws, inner_noise);
        AggregateToPeriods(x2, plan.window, p);
        const IndexValues iv = ComputeIndices(p, plan.weights, plan.base_periods);
        if (iv.ok()) {
          inner_values[0].push_back(ToScale(IndexScale::kLog, iv.V));
          inner_values[1].push_back(ToScale(IndexScale::kLogOnePlus, iv.G));
        }
        if (signal) {
          const IndexValues sv = SignalReplicate(*inner, inner_noise, plan, false, path, periods).values;
          if (sv.ok()) {
            inner_values[2].push_back(ToScale(IndexScale::kLog, sv.V));
            inner_values[3].push_back(ToScale(IndexScale::kLogOnePlus, sv.G));
          }
        }
      }
      for (int k = 0; k < 4; ++k) {
        std::vector<double>& v = inner_values[k];
        v.erase(std::remove_if(v.begin(), v.end(), [](double z) { return !std::isfinite(z); }), v.end());
        if (v.size() < 2 || !std::isfinite(outer_point[k]) || !std::isfinite(truth[g][k])) continue;
        // The inner interval around the outer estimate e pivots on the inner
        // world's estimand w (the inner median for observed; e itself for
        // signal): it covers the truth T when d = e - T + w lies between the
        // inner quantiles, i.e. u = F_inner(d).
        const double w = k < 2 ? QuantileSelector(v).Quantile(0.5) : outer_point[k];
        const double d = outer_point[k] - truth[g][k] + w;
        positions[(static_cast<size_t>(g) * C + b) * 4 + k] = MidRank(v, d);
      }
    };
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<int64_t>(0, static_cast<int64_t>(num_groups) * C),
                        [&](const tbb::blocked_range<int64_t>& range) {
                          ThrowIfInterrupted();
                          for (int64_t t = range.begin(); t < range.end(); ++t) calibrate_task(t);
                        });
    });
    for (int g = 0; g < num_groups; ++g)
      for (int k = 0; k < 4; ++k) {
        std::vector<double> u(static_cast<size_t>(C));
        for (int b = 0; b < C; ++b) u[b] = positions[(static_cast<size_t>(g) * C + b) * 4 + k];
        if (auto l = CalibratedLevel(u, options.level)) calibrated[g][k / 2][k % 2] = *l;
      }
    result.calibration_seconds = since(t_cal);
  }

  const auto t_summaries = std::chrono::steady_clock::now();
  // Summaries: one task per group, each reading only its own row and writing
  // only its own GroupBootstrap, so the outcome does not depend on threads.
  auto row = [&](const std::vector<double>& a, int g) {
    return a.empty() ? std::span<const double>() : std::span<const double>(a).subspan(static_cast<size_t>(g) * B, B);
  };
  // Regime probabilities of (V*, G*) pairs, finite pairs only.
  auto regime_probability = [&](std::span<const double> v, std::span<const double> gg, bool semiconductor,
                                const Thresholds& t, int limit) {
    std::array<int64_t, kNumRegimes> counts{};
    int64_t total = 0;
    for (int r = 0; r < limit && r < static_cast<int>(v.size()); ++r) {
      if (!(std::isfinite(v[r]) && std::isfinite(gg[r]))) continue;
      ++counts[static_cast<int>(Classify(v[r], gg[r], semiconductor, t).regime)];
      ++total;
    }
    std::array<double, kNumRegimes> p{};
    for (int k = 0; k < kNumRegimes; ++k) p[k] = total > 0 ? static_cast<double>(counts[k]) / total : kNaN;
    return p;
  };
  // The named estimands and the base variants of one group (docs/method.md
  // §5.13, §5.15), from the replicate rows filled above.
  auto SummariseEstimands = [&](int g, const GroupPlan& plan, GroupBootstrap& out) {
    const double level = options.level;
    auto& obs = out.estimands[static_cast<int>(Estimand::kObserved)];
    obs.V = SummariseEstimand(row(V, g), out.V.point, level, IndexScale::kLog, calibrated[g][0][0]);
    obs.G = SummariseEstimand(row(G, g), out.G.point, level, IndexScale::kLogOnePlus, calibrated[g][0][1]);
    obs.ok = obs.V.ok && obs.G.ok;
    if (!obs.ok) obs.note = !obs.V.ok ? "V: " + obs.V.note : "G: " + obs.G.note;
    obs.point_regime = out.point_regime;
    obs.regime_probability = out.regime_probability;
    auto& sig = out.estimands[static_cast<int>(Estimand::kSignal)];
    if (plan.signal) {
      // The bootstrap world's signal is the fitted path's statistic: the
      // pivot, which corrects the refit's bias (estimands.h).
      sig.V = SummariseEstimand(row(VS, g), plan.v_world, level, IndexScale::kLog, calibrated[g][1][0], plan.v_world);
      sig.G = SummariseEstimand(row(GS, g), plan.g_world, level, IndexScale::kLogOnePlus, calibrated[g][1][1],
                                plan.g_world);
      sig.ok = sig.V.ok && sig.G.ok;
      if (!sig.ok) sig.note = !sig.V.ok ? "V: " + sig.V.note : "G: " + sig.G.note;
      sig.point_regime = Classify(plan.v_world, plan.g_world, out.semiconductor, thresholds).regime;
      sig.regime_probability = regime_probability(row(VS, g), row(GS, g), out.semiconductor, thresholds, B);
    } else {
      sig.note = !options.signal ? std::string("not computed ([bootstrap] signal = false)")
                                 : "the " + std::string(ToString(options.resampler.scheme)) +
                                       " scheme has no fitted noise-free path (use residual or sieve)";
    }
    if (!options.base_sensitivity) return;
    const Estimand e = options.estimand;
    const bool use_signal = e == Estimand::kSignal;
    const auto& chosen = out.estimands[static_cast<int>(e)];
    const IndexSpec other = OtherBase(spec);
    const int here = spec.base == BaseRule::kFirstPeriod ? 0 : 1;
    GroupBootstrap::BaseVariant& current = out.base_variants[here];
    GroupBootstrap::BaseVariant& alternative = out.base_variants[1 - here];
    current.base = spec.base;
    alternative.base = other.base;
    if (!chosen.ok) {
      current.note = alternative.note = chosen.note.empty() ? "estimand not available" : chosen.note;
      return;
    }
    current.ok = true;
    current.G = chosen.G;
    current.point_regime = chosen.point_regime;
    current.regime_probability = chosen.regime_probability;
    const double v_point = use_signal ? plan.v_world : out.V.point;
    const double g_alt_point = use_signal ? plan.g_world_alt : plan.g_alt;
    alternative.G = SummariseEstimand(row(use_signal ? GSA : GA, g), g_alt_point, level, IndexScale::kLogOnePlus,
                                      std::numeric_limits<double>::quiet_NaN(),
                                      use_signal ? g_alt_point : std::numeric_limits<double>::quiet_NaN());
    alternative.ok = alternative.G.ok && std::isfinite(g_alt_point);
    if (!alternative.ok) {
      alternative.note = std::isfinite(g_alt_point) ? alternative.G.note : "G undefined under this base";
      return;
    }
    alternative.point_regime = Classify(v_point, g_alt_point, out.semiconductor, thresholds).regime;
    alternative.regime_probability = regime_probability(row(use_signal ? VS : V, g), row(use_signal ? GSA : GA, g),
                                                        out.semiconductor, thresholds, B);
    out.base_changes_regime = alternative.point_regime != current.point_regime;
  };
  auto summarise_group = [&](int g) {
    std::vector<double> jv, jg, v_finite, g_finite, buffer, periods, weights;
    GroupBootstrap& out = result.groups[g];
    const GroupPlan& plan = plans[g];
    if (!plan.ok) return;
    const SeriesResampler& rs = *plan.resampler;
    const int n = plan.window.num_months;
    const int mpp = plan.window.months_per_period;
    // Delete-a-block jackknife with the bootstrap's block length, rounded up
    // to whole periods; non-overlapping blocks aligned at the window start.
    int L = rs.jackknife_block();
    L = ((L + mpp - 1) / mpp) * mpp;
    out.jackknife_block = L;
    jv.clear();
    jg.clear();
    buffer.assign(static_cast<size_t>(n), 0.0);
    for (int start = 0; mode == EngineMode::kFull && start < n && L < n; start += L) {
      const int len = std::min(L, n - start);
      const int kept = rs.JackknifeSeries(start, len, buffer);
      ResolvedWindow w;
      w.first_column = 0;
      w.num_months = kept;
      w.months_per_period = mpp;
      w.num_periods = kept / mpp;
      if (w.num_periods < 2 || w.num_periods < plan.base_periods) continue;
      periods.assign(static_cast<size_t>(w.num_periods), 0.0);
      AggregateToPeriods(buffer, w, periods);
      // Every block but the last leaves the same length: one weight vector.
      if (static_cast<int>(weights.size()) != w.num_periods) weights = MakeWeights(spec, w.num_periods);
      const IndexValues iv = ComputeIndices(periods, weights, plan.base_periods);
      if (!iv.ok()) continue;
      jv.push_back(iv.V);
      jg.push_back(iv.G);
    }
    // Regime and cell counts.
    const Classification point = Classify(out.V.point, out.G.point, out.semiconductor, thresholds);
    out.point_regime = point.regime;
    out.point_cell = point.cell();
    std::array<int64_t, kNumRegimes> regimes{};
    std::array<int64_t, kNumCells> cells{};
    v_finite.clear();
    g_finite.clear();
    for (int r = 0; r < B; ++r) {
      const double v = V[static_cast<size_t>(g) * B + r], gg = G[static_cast<size_t>(g) * B + r];
      if (!(std::isfinite(v) && std::isfinite(gg))) continue;
      v_finite.push_back(v);
      g_finite.push_back(gg);
      const Classification c = Classify(v, gg, out.semiconductor, thresholds);
      ++regimes[static_cast<int>(c.regime)];
      ++cells[c.cell()];
    }
    out.valid_replicates = static_cast<int>(v_finite.size());
    if (out.valid_replicates < 2) {
      out.note = "fewer than 2 valid replicates";
      return;
    }
    const double b = out.valid_replicates;
    for (int k = 0; k < kNumRegimes; ++k) out.regime_probability[k] = regimes[k] / b;
    for (int k = 0; k < kNumCells; ++k) out.cell_probability[k] = cells[k] / b;
    out.regime_stability = out.regime_probability[static_cast<int>(point.regime)];
    if (mode == EngineMode::kRegimesOnly) {
      out.ok = true;
      return;
    }
    out.V = Summarise(v_finite, out.V.point, options.level, jv, plan.v_world);
    out.G = Summarise(g_finite, out.G.point, options.level, jg, plan.g_world);
    if (plan.trend) {
      std::vector<double> t_finite;
      for (int r = 0; r < B; ++r) {
        const double v = GT[static_cast<size_t>(g) * B + r];
        if (std::isfinite(v)) t_finite.push_back(v);
      }
      *out.G_trend = Summarise(t_finite, out.G_trend->point, options.level, {});
      out.G_trend->intervals.by_method[3].note = "no jackknife for G_trend";
    }
    SummariseEstimands(g, plan, out);
    out.ok = true;
  };
  arena.execute([&] {
    tbb::parallel_for(0, num_groups, [&](int g) { summarise_group(g); });
  });
  result.summary_seconds = since(t_summaries);
  // Scheme diagnostics (docs/method.md §5.14): the observed estimand's regime
  // probabilities under every scheme from the same seed at a modest count.
  // The run's own scheme reuses its first replicates (the same streams).
  if (options.scheme_diagnostics) {
    arena.execute([&] { diagnostics.wait(); });
    ThrowIfInterrupted();  // an interrupted scheme run is not a failed scheme
    const int R = std::min(options.diagnostic_replicates, B);
    for (int k = 0; k < kNumSchemes; ++k) {
      const Scheme scheme = static_cast<Scheme>(k);
      if (scheme == options.resampler.scheme) {
        for (int g = 0; g < num_groups; ++g) {
          GroupBootstrap::SchemeDiagnostic& d = result.groups[g].scheme_diagnostics[k];
          if (!plans[g].ok) {
            d.note = result.groups[g].note;
            continue;
          }
          d.regime_probability = regime_probability(row(V, g), row(G, g), result.groups[g].semiconductor, thresholds, R);
          d.replicates = R;
          d.ok = std::isfinite(d.regime_probability[0]);
          if (!d.ok) d.note = "no valid replicate";
        }
        continue;
      }
      if (!failures[k].empty()) {
        for (int g = 0; g < num_groups; ++g) result.groups[g].scheme_diagnostics[k].note = failures[k];
        continue;
      }
      for (int g = 0; g < num_groups; ++g) {
        GroupBootstrap::SchemeDiagnostic& d = result.groups[g].scheme_diagnostics[k];
        const GroupBootstrap& og = others[k].groups[g];
        d.ok = og.ok;
        d.note = og.note;
        d.replicates = og.valid_replicates;
        if (og.ok) d.regime_probability = og.regime_probability;
      }
    }
    for (GroupBootstrap& gb : result.groups) {
      double spread = kNaN;
      for (int regime = 0; regime < kNumRegimes; ++regime) {
        double lo = 2.0, hi = -1.0;
        for (const auto& d : gb.scheme_diagnostics)
          if (d.ok) {
            lo = std::min(lo, d.regime_probability[regime]);
            hi = std::max(hi, d.regime_probability[regime]);
          }
        if (hi >= lo) spread = std::isfinite(spread) ? std::max(spread, hi - lo) : hi - lo;
      }
      gb.scheme_spread = spread;
      gb.scheme_disagreement = std::isfinite(spread) && spread > options.scheme_disagreement_threshold;
    }
    result.diagnostics_seconds = since(t_diag);
  }
  if (options.keep_replicates) {
    result.V_signal_replicates = VS;
    result.G_signal_replicates = GS;
    result.replicates_kept = true;
    result.V_replicates = std::move(V);
    result.G_replicates = std::move(G);
    result.G_trend_replicates = std::move(GT);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return result;
}

}  // namespace

BootstrapResult RunSeriesBootstrap(std::span<const double> monthly, YearMonth first_month, const IndexSpec& spec,
                                   const Thresholds& thresholds, const BootstrapOptions& options,
                                   const std::string& name) {
  GroupSeries gs;
  TechnologyGroup group;
  group.id = 1;
  group.name = name;
  group.short_name = name;
  gs.groups.push_back(group);
  gs.first_month = first_month;
  gs.num_months = static_cast<int>(monthly.size());
  gs.values.assign(monthly.begin(), monthly.end());
  return RunBootstrap(gs, spec, thresholds, options);
}

std::string BootstrapResult::FullReport() const {
  std::ostringstream out;
  out.precision(6);
  out << "chokepoint " << ToolVersion() << " bootstrap\n";
  out << "  scheme: " << ToString(options.resampler.scheme)
      << (options.resampler.scheme == Scheme::kLevels ? " (naive levels: unsuitable for trending series)" : "")
      << "\n  blocks: " << ToString(options.resampler.blocks) << "\n  block length given: "
      << (options.resampler.block_length == 0.0
              ? std::string("auto (Politis-White 2004 + Patton-Politis-White 2009, np::b.star constants)")
              : std::to_string(options.resampler.block_length))
      << "\n  replicates: " << replicates << "  level: " << options.level << "  seed: " << options.seed
      << "  streams: RandomStream(seed, group index, replicate)\n"
      << "  threads given: " << (options.threads == 0 ? std::string("0 (all)") : std::to_string(options.threads))
      << "  used: " << threads_used << "\n"
      << "  index spec: " << spec.Describe() << "\n"
      << "  thresholds: growth " << thresholds.growth << ", volatility " << thresholds.volatility_low << ".."
      << thresholds.volatility_high << (thresholds.semiconductor_override ? ", semiconductor override" : "") << "\n"
      << "  intervals: percentile/basic (type-6 quantiles), normal (bias-corrected), BCa (acceleration from a "
         "delete-a-block jackknife on the resampled object, centred at the jackknife mean)\n"
      << "  estimands: observed (the statistic of the series), signal (of the fitted noise-free path); report "
         "shows "
      << ToString(options.estimand) << "; default interval " << ToString(EstimandMethod::kLogCentred) << ": "
      << Describe(EstimandMethod::kLogCentred) << "\n"
      << "  calibration: "
      << (options.calibrate ? "double bootstrap, " + std::to_string(options.calibration_outer) + " outer x " +
                                  std::to_string(options.calibration_inner) + " inner replicates per group (" +
                                  std::to_string(calibration_seconds) + " s)"
                            : std::string("off"))
      << "\n  scheme diagnostics: "
      << (options.scheme_diagnostics ? std::to_string(options.diagnostic_replicates) + " replicates per scheme (" +
                                           std::to_string(diagnostics_seconds) + " s)"
                                     : std::string("off"))
      << "\n  replicates kept: " << (replicates_kept ? "yes" : "no") << "  time: " << seconds << " s";
  if (seconds > 0) out << " (" << (static_cast<double>(replicates) * num_groups() / seconds) << " replicates/s)";
  out << "\n  phases: setup " << setup_seconds << " s, replicates " << replicate_seconds << " s, calibration "
      << calibration_seconds << " s, summaries " << summary_seconds << " s, scheme diagnostics " << diagnostics_seconds
      << " s\n";
  for (const GroupBootstrap& g : groups) {
    out << "  group " << g.group_id << " " << g.name << ": ";
    if (!g.ok) {
      out << "NOT BOOTSTRAPPED: " << g.note << "\n";
      continue;
    }
    out << "block length used " << g.block_length_used << ", valid replicates " << g.valid_replicates
        << ", jackknife block " << g.jackknife_block << " (" << g.G.jackknife_values << " values)\n"
        << "    " << g.resampler << "\n";
    std::vector<std::pair<const char*, const StatisticSummary*>> stats = {{"V", &g.V}, {"G", &g.G}};
    if (g.G_trend) stats.emplace_back("G_trend", &*g.G_trend);
    for (const auto& [label, st] : stats) {
      out << "    " << label << " point " << st->point << " mean " << st->mean << " sd " << st->sd
          << " z0 " << st->intervals.z0 << " a " << st->intervals.acceleration;
      for (int m = 0; m < kNumIntervalMethods; ++m) {
        const Interval& iv = st->intervals.by_method[m];
        out << " | " << ToString(static_cast<IntervalMethod>(m));
        if (iv.ok) out << " [" << iv.lower << ", " << iv.upper << "]";
        else out << " failed (" << iv.note << ")";
      }
      out << "\n";
    }
    for (int e = 0; e < kNumEstimands; ++e) {
      const GroupBootstrap::EstimandResult& er = g.estimands[e];
      out << "    estimand " << ToString(static_cast<Estimand>(e)) << ":";
      if (!er.ok) {
        out << " not available (" << er.note << ")\n";
        continue;
      }
      for (const auto& [label, es] : {std::pair<const char*, const EstimandSummary*>{"V", &er.V}, {"G", &er.G}}) {
        out << " " << label << " " << es->point;
        for (int m = 0; m < 3; ++m) {
          const Interval& iv = es->by_method[m];
          if (!iv.ok) continue;
          out << " " << ToString(static_cast<EstimandMethod>(m)) << " [" << iv.lower << ", " << iv.upper << "]";
        }
        if (std::isfinite(es->calibrated_level)) out << " (calibrated level " << es->calibrated_level << ")";
        out << ";";
      }
      out << " P(regimes) = " << er.regime_probability[0] << ", " << er.regime_probability[1] << ", "
          << er.regime_probability[2] << "\n";
    }
    if (std::isfinite(g.scheme_spread)) {
      out << "    schemes:";
      for (int k = 0; k < kNumSchemes; ++k) {
        const auto& d = g.scheme_diagnostics[k];
        out << " " << ToString(static_cast<Scheme>(k));
        if (d.ok) out << " P(stockpiling) " << d.regime_probability[0];
        else out << " (" << d.note << ")";
      }
      out << "; largest difference " << g.scheme_spread << (g.scheme_disagreement ? " DISAGREE" : "") << "\n";
    }
    out << "    point regime " << ToString(g.point_regime) << " (stability " << g.regime_stability
        << "), P(stockpiling, no_effect, substitution) = " << g.regime_probability[0] << ", "
        << g.regime_probability[1] << ", " << g.regime_probability[2] << "\n";
  }
  return out.str();
}

}  // namespace chokepoint::bootstrap
