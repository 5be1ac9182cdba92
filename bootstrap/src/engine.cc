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

#include "block_indices.h"
#include "chokepoint/core/error.h"
#include "chokepoint/version.h"

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
  return resampler.IsValid(error);
}

BootstrapOptions BootstrapOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"replicates", "level", "seed", "threads", "keep_replicates", "scheme", "blocks",
                       "block_length", "report_interval", "progress", "trend_growth", "fitted_surges"});
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
  return t;
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
  // V and G of the fitted mean path (residual / sieve): the bootstrap world's parameters.
  double v_world = kNaN, g_world = kNaN;
};

struct ThreadScratch {
  explicit ThreadScratch(int n)
      : ws(n), series(static_cast<size_t>(n)), periods(static_cast<size_t>(n)), fitted(static_cast<size_t>(n)) {}
  Workspace ws;
  std::vector<double> series;
  std::vector<double> periods;
  std::vector<double> fitted;
};

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

StatisticSummary Summarise(std::vector<double>& finite_sorted, double point, double level,
                           std::span<const double> jackknife, double bootstrap_world = kNaN) {
  StatisticSummary s;
  s.point = point;
  s.bootstrap_world = bootstrap_world;
  std::sort(finite_sorted.begin(), finite_sorted.end());
  const size_t b = finite_sorted.size();
  double mean = 0.0;
  for (double v : finite_sorted) mean += v;
  mean = b ? mean / static_cast<double>(b) : kNaN;
  double ss = 0.0;
  for (double v : finite_sorted) ss += (v - mean) * (v - mean);
  s.mean = mean;
  s.sd = b > 1 ? std::sqrt(ss / static_cast<double>(b - 1)) : kNaN;
  s.jackknife_values = static_cast<int>(jackknife.size());
  s.intervals = ComputeIntervals(finite_sorted, point, level, JackknifeAcceleration(jackknife), bootstrap_world);
  if (jackknife.size() < 2) {
    s.intervals.by_method[3].ok = false;
    s.intervals.by_method[3].note = "fewer than 2 jackknife values for the acceleration";
  }
  return s;
}

}  // namespace

BootstrapResult RunBootstrap(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds,
                             const BootstrapOptions& options, std::span<const std::vector<double>> log_components) {
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
  result.groups.resize(num_groups);

  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  result.threads_used = threads;
  tbb::task_arena arena(threads);

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
      }
      if (options.trend_growth) {
        out.G_trend.emplace();
        out.G_trend->point = GrowthIndex(periods, plan.weights, plan.base_periods);
        plan.trend = true;
      }
    }
    if (!plan.trend && BlockIndexKernel::Supports(*plan.resampler, spec))
      plan.block_kernel.emplace(*plan.resampler, plan.weights, plan.base_periods);
    out.block_length_used = plan.resampler->block_length_used();
    out.automatic = plan.resampler->automatic();
    out.ar_order = plan.resampler->ar_order();
    out.resampler = plan.resampler->Describe() + (plan.block_kernel ? " evaluation=block_sums" : "");
    plan.ok = true;
  };
  arena.execute([&] { tbb::parallel_for(0, num_groups, prepare); });
  int max_months = 1;
  for (const GroupPlan& plan : plans)
    if (plan.ok) max_months = std::max(max_months, plan.window.num_months);

  std::vector<double> V(static_cast<size_t>(num_groups) * B, kNaN);
  std::vector<double> G(static_cast<size_t>(num_groups) * B, kNaN);
  std::vector<double> GT;
  if (options.trend_growth) GT.assign(static_cast<size_t>(num_groups) * B, kNaN);

  tbb::enumerable_thread_specific<ThreadScratch> scratch([&] { return ThreadScratch(max_months); });
  const int64_t total = static_cast<int64_t>(num_groups) * B;
  Progress progress(options.progress, total);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, total, 256), [&](const tbb::blocked_range<int64_t>& range) {
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
        plan.resampler->Generate(options.seed, static_cast<uint32_t>(g), static_cast<uint32_t>(r), x, s.ws);
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

  // Summaries: one task per group, each reading only its own row and writing
  // only its own GroupBootstrap, so the outcome does not depend on threads.
  auto summarise_group = [&](int g) {
    std::vector<double> jv, jg, v_sorted, g_sorted, buffer, periods, weights;
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
    for (int start = 0; start < n && L < n; start += L) {
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
      weights = MakeWeights(spec, w.num_periods);
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
    v_sorted.clear();
    g_sorted.clear();
    for (int r = 0; r < B; ++r) {
      const double v = V[static_cast<size_t>(g) * B + r], gg = G[static_cast<size_t>(g) * B + r];
      if (!(std::isfinite(v) && std::isfinite(gg))) continue;
      v_sorted.push_back(v);
      g_sorted.push_back(gg);
      const Classification c = Classify(v, gg, out.semiconductor, thresholds);
      ++regimes[static_cast<int>(c.regime)];
      ++cells[c.cell()];
    }
    out.valid_replicates = static_cast<int>(v_sorted.size());
    if (out.valid_replicates < 2) {
      out.note = "fewer than 2 valid replicates";
      return;
    }
    const double b = out.valid_replicates;
    for (int k = 0; k < kNumRegimes; ++k) out.regime_probability[k] = regimes[k] / b;
    for (int k = 0; k < kNumCells; ++k) out.cell_probability[k] = cells[k] / b;
    out.regime_stability = out.regime_probability[static_cast<int>(point.regime)];
    out.V = Summarise(v_sorted, out.V.point, options.level, jv, plan.v_world);
    out.G = Summarise(g_sorted, out.G.point, options.level, jg, plan.g_world);
    if (plan.trend) {
      std::vector<double> t_sorted;
      for (int r = 0; r < B; ++r) {
        const double v = GT[static_cast<size_t>(g) * B + r];
        if (std::isfinite(v)) t_sorted.push_back(v);
      }
      *out.G_trend = Summarise(t_sorted, out.G_trend->point, options.level, {});
      out.G_trend->intervals.by_method[3].note = "no jackknife for G_trend";
    }
    out.ok = true;
  };
  arena.execute([&] {
    tbb::parallel_for(0, num_groups, [&](int g) { summarise_group(g); });
  });
  if (options.keep_replicates) {
    result.replicates_kept = true;
    result.V_replicates = std::move(V);
    result.G_replicates = std::move(G);
    result.G_trend_replicates = std::move(GT);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return result;
}

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
  out << "chokepoint " << kVersionString << " bootstrap\n";
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
      << "  replicates kept: " << (replicates_kept ? "yes" : "no") << "  time: " << seconds << " s";
  if (seconds > 0) out << " (" << (static_cast<double>(replicates) * num_groups() / seconds) << " replicates/s)";
  out << "\n";
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
    out << "    point regime " << ToString(g.point_regime) << " (stability " << g.regime_stability
        << "), P(stockpiling, no_effect, substitution) = " << g.regime_probability[0] << ", "
        << g.regime_probability[1] << ", " << g.regime_probability[2] << "\n";
  }
  return out.str();
}

}  // namespace chokepoint::bootstrap
