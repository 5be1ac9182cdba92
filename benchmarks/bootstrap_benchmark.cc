// Bootstrap speed and coverage (coverage design: docs/method.md §8.7):
//  - BM_Replicate/<scheme>: one replicate (resample + rebuild) plus V and G at
//    T = 120, single thread: items_per_second = V+G replicate evaluations per
//    second per core (targets: levels >= 2M/s, residual >= 500k/s).
//  - BM_ReplicateBlockSums: the levels scheme as the engine evaluates it
//    (V and G from block prefix sums, no series built).
//  - BM_EngineLevels/threads:N: RunBootstrap, levels scheme, 16 groups x 20000.
//  - BM_CloudQuantiles/B: five quantiles of a B-replicate cloud by selection.
//  - BM_Engine/threads:N: RunBootstrap on 16 groups x B = 4000 (residual,
//    stationary, automatic block length): parallel efficiency = rate(2) / (2 rate(1)).
//  - BM_CoverageResidual: the 500-series coverage study of nominal 90%
//    intervals for G under the residual scheme (counters per interval method).
// The machine is shared: rates are noisy, compare repeated runs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <cstdio>
#include <vector>

#include "block_indices.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/bootstrap/intervals.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"
#include "chokepoint/robustness/models/models.h"
#include "chokepoint/robustness/models/surge.h"
#include "chokepoint/core/random.h"

namespace chokepoint::bootstrap {
namespace {

std::vector<double> Series(uint32_t key, int n, double slope, std::vector<double>* noise_free = nullptr) {
  static const double season[12] = {-0.10, -0.25, 0.05, 0.02, 0.04, 0.06, 0.03, -0.02, 0.05, 0.04, 0.03, 0.05};
  RandomStream rs(77, key, 0);
  std::vector<double> x(static_cast<size_t>(n));
  if (noise_free) noise_free->resize(static_cast<size_t>(n));
  const double phi = 0.5, sigma = 0.1;
  double u = rs.NextNormal() * sigma / std::sqrt(1 - phi * phi);
  for (int t = 0; t < n; ++t) {
    if (t > 0) u = phi * u + sigma * rs.NextNormal();
    const double mean = 20.0 + slope * (t + 1) + season[t % 12];
    x[t] = std::exp(mean + u);
    if (noise_free) (*noise_free)[t] = std::exp(mean);
  }
  return x;
}

// With --benchmark_repetitions: the fastest repetition, the least disturbed
// by other tenants of a shared machine (as timeit advises), next to the median.
double MinOf(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

void BM_Replicate(benchmark::State& state) {
  const auto scheme = static_cast<Scheme>(state.range(0));
  const int n = 120;
  const auto x = Series(1, n, 0.008);
  ResamplerOptions o;
  o.scheme = scheme;
  o.block_length = 6.0;  // fixed, as in the tsboot comparison
  const SeriesResampler r(x, YearMonth{2015, 1}, o);
  Workspace ws(n);
  std::vector<double> out(n);
  const auto w = MakeWeights(IndexSpec{}, n);
  uint32_t rep = 0;
  double sink = 0;
  for (auto _ : state) {
    r.Generate(20180417, 0, rep++, out, ws);
    const IndexValues iv = ComputeIndices(out, w, 1);
    sink += iv.V + iv.G;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(ToString(scheme)) + " T=120 stationary L=6");
}
BENCHMARK(BM_Replicate)
    ->ComputeStatistics("min", MinOf)
    ->ArgName("scheme")
    ->Arg(static_cast<int>(Scheme::kLevels))
    ->Arg(static_cast<int>(Scheme::kResidual))
    ->Arg(static_cast<int>(Scheme::kGrowth))
    ->Arg(static_cast<int>(Scheme::kSieve));

// The residual replicate with its signal estimand, step by step: 0 the
// replicate and its indices (as BM_Replicate), 1 plus its log noise, 2 plus
// the signal path's V and G (SignalIndices), 3 the same through the written
// path (SignalPath + ComputeIndices); 4 SignalIndices alone.
void BM_SignalReplicate(benchmark::State& state) {
  const int variant = static_cast<int>(state.range(0));
  const int n = 120;
  const auto x = Series(1, n, 0.008);
  ResamplerOptions o;
  o.block_length = 6.0;
  const SeriesResampler r(x, YearMonth{2015, 1}, o);
  Workspace ws(n);
  std::vector<double> out(n), noise(n), path(n);
  const auto w = MakeWeights(IndexSpec{}, n);
  uint32_t rep = 0;
  double sink = 0;
  for (auto _ : state) {
    if (variant == 4) {  // the signal's V and G alone, on a fixed noise
      noise[rep++ % n] += 1e-9;
      sink += r.SignalIndices(noise, w, 1, 12).values.V;
      continue;
    }
    if (variant == 0) r.Generate(20180417, 0, rep++, out, ws);
    else r.Generate(20180417, 0, rep++, out, ws, noise);
    const IndexValues iv = ComputeIndices(out, w, 1);
    sink += iv.V + iv.G;
    if (variant == 2) sink += r.SignalIndices(noise, w, 1, 12).values.V;
    if (variant == 3) {
      r.SignalPath(noise, path);
      sink += ComputeIndices(path, w, 1).V;
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignalReplicate)->DenseRange(0, 4)->ComputeStatistics("min", MinOf);

// The levels scheme as the engine evaluates it (monthly, linear weights):
// V and G from block prefix sums, same blocks as BM_Replicate/scheme:3.
void BM_ReplicateBlockSums(benchmark::State& state) {
  const int n = 120;
  const auto x = Series(1, n, 0.008);
  ResamplerOptions o;
  o.scheme = Scheme::kLevels;
  o.block_length = 6.0;
  const SeriesResampler r(x, YearMonth{2015, 1}, o);
  const auto w = MakeWeights(IndexSpec{}, n);
  const BlockIndexKernel kernel(r, w, 1);
  uint32_t rep = 0;
  double sink = 0;
  for (auto _ : state) {
    const IndexValues iv = kernel.Compute(20180417, 0, rep++);
    sink += iv.V + iv.G;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("levels T=120 stationary L=6, block sums (engine path)");
}
BENCHMARK(BM_ReplicateBlockSums)->ComputeStatistics("min", MinOf);

GroupSeries SixteenGroups() {
  GroupSeries gs;
  gs.first_month = YearMonth{2015, 1};
  gs.num_months = 120;
  for (int g = 0; g < 16; ++g) {
    TechnologyGroup tg;
    tg.id = g + 1;
    char name[16];
    std::snprintf(name, sizeof name, "g%d", g + 1);
    tg.name = name;
    gs.groups.push_back(tg);
    const auto x = Series(static_cast<uint32_t>(g + 10), 120, 0.002 * g);
    gs.values.insert(gs.values.end(), x.begin(), x.end());
  }
  return gs;
}

// The quantiles one estimand summary asks of a cloud of B replicates in
// random order (median, the 5% and 95% points, BCa-shifted ones near them),
// through QuantileSelector, the cloud copied fresh each time (as each
// summary gets its own). Arg: B.
void BM_CloudQuantiles(benchmark::State& state) {
  const size_t b = static_cast<size_t>(state.range(0));
  RandomStream rs(5, 1, 0);
  std::vector<double> cloud(b), work(b);
  for (double& v : cloud) v = std::exp(0.3 * rs.NextNormal());
  const double probabilities[] = {0.5, 0.05, 0.95, 0.043, 0.941};
  for (auto _ : state) {
    std::copy(cloud.begin(), cloud.end(), work.begin());
    QuantileSelector selector(work);
    double sum = 0.0;
    for (double p : probabilities) sum += selector.Quantile(p);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(std::size(probabilities)));
}
BENCHMARK(BM_CloudQuantiles)->Arg(199)->Arg(1000)->Arg(100000);

void BM_Engine(benchmark::State& state) {
  const GroupSeries gs = SixteenGroups();
  BootstrapOptions o;
  o.replicates = 4000;
  o.threads = static_cast<int>(state.range(0));
  o.progress = false;
  o.keep_replicates = false;
  for (auto _ : state) {
    const BootstrapResult r = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o);
    benchmark::DoNotOptimize(r.groups[0].G.mean);
  }
  state.SetItemsProcessed(state.iterations() * 16 * o.replicates);
}
BENCHMARK(BM_Engine)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// The default run's bootstrap stage: the 17 groups of the shipped synthetic
// panel, B = 1000, residual scheme. Arg 0: estimands only (no scheme
// diagnostics, no base sensitivity); 1: the default (estimands, scheme
// diagnostics at 199 replicates per scheme, both bases); 2: the default plus
// the double-bootstrap calibration (200 x 200 per group); 3: none of these
// (the baseline the speed target is measured against). Arg 4 and 5: as 1
// and 3 with the models' fitted episodes held in the fitted path, which is
// what `chokepoint run` feeds the stage (shorter residual blocks).
void BM_DefaultRunBootstrapStage(benchmark::State& state) {
  static const GroupSeries panel =
      AggregateGroups(Simulate(Scenario::Load("paper2025"), 1).panel, Catalog::LoadDefault());
  static const std::vector<std::vector<double>> episodes = [] {
    std::vector<std::vector<double>> e;
    const robustness::ModelsResult models = robustness::RunModels(panel, robustness::ModelsOptions{});
    for (const robustness::GroupModels& gm : models.groups) e.push_back(gm.EpisodeLogComponent());
    return e;
  }();
  const bool held = state.range(0) >= 4;
  const int variant = held ? (state.range(0) == 4 ? 1 : 3) : static_cast<int>(state.range(0));
  BootstrapOptions o;
  o.replicates = 1000;
  o.progress = false;
  o.seed = 1;
  // Arg 3: none of the additions (the engine's work before the estimands).
  o.signal = variant != 3;
  o.scheme_diagnostics = variant == 1 || variant == 2;
  o.base_sensitivity = variant == 1 || variant == 2;
  o.calibrate = variant == 2;
  double diagnostics = 0.0, calibration = 0.0;
  for (auto _ : state) {
    const BootstrapResult r = RunBootstrap(panel, IndexSpec{}, Thresholds{}, o,
                                           held ? std::span<const std::vector<double>>(episodes)
                                                : std::span<const std::vector<double>>());
    benchmark::DoNotOptimize(r.groups[0].G.mean);
    diagnostics += r.diagnostics_seconds;
    calibration += r.calibration_seconds;
  }
  // Mean seconds per run spent in the scheme diagnostics and the calibration.
  state.counters["diagnostics_ms"] = 1e3 * diagnostics / static_cast<double>(state.iterations());
  state.counters["calibration_ms"] = 1e3 * calibration / static_cast<double>(state.iterations());
  static const char* kLabels[] = {"estimands", "default", "default+calibrated", "before the estimands"};
  state.SetLabel(std::string(kLabels[variant]) + (held ? ", episodes held (as run)" : ""));
}
BENCHMARK(BM_DefaultRunBootstrapStage)
    ->Arg(3)->Arg(0)->Arg(1)->Arg(2)->Arg(5)->Arg(4)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The whole engine on the levels scheme (fixed L = 6, as the tsboot
// comparison): per-core rate including scheduling and summaries.
void BM_EngineLevels(benchmark::State& state) {
  const GroupSeries gs = SixteenGroups();
  BootstrapOptions o;
  o.replicates = 20000;
  o.threads = static_cast<int>(state.range(0));
  o.progress = false;
  o.keep_replicates = false;
  o.resampler.scheme = Scheme::kLevels;
  o.resampler.block_length = 6.0;
  for (auto _ : state) {
    const BootstrapResult r = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o);
    benchmark::DoNotOptimize(r.groups[0].G.mean);
  }
  state.SetItemsProcessed(state.iterations() * 16 * o.replicates);
}
BENCHMARK(BM_EngineLevels)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_CoverageResidual(benchmark::State& state) {
  const int num_series = 500;
  const auto weights = MakeWeights(IndexSpec{}, 120);
  BootstrapOptions o;
  o.replicates = 999;
  o.progress = false;
  o.keep_replicates = false;
  o.threads = 0;
  o.trend_growth = true;
  int covered[kNumIntervalMethods] = {0, 0, 0, 0};
  int covered_trend[kNumIntervalMethods] = {0, 0, 0, 0};
  double width = 0;
  for (auto _ : state) {
    for (int s = 0; s < num_series; ++s) {
      std::vector<double> truth;
      const auto x = Series(static_cast<uint32_t>(1000 + s), 120, 0.008, &truth);
      const double true_g = ComputeIndices(truth, weights, 1).G;
      o.seed = 5000 + s;
      const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, o);
      for (int m = 0; m < kNumIntervalMethods; ++m) {
        const Interval& iv = r.groups[0].G.intervals.by_method[m];
        covered[m] += iv.ok && iv.lower <= true_g && true_g <= iv.upper;
        const Interval& it = r.groups[0].G_trend->intervals.by_method[m];
        covered_trend[m] += it.ok && it.lower <= true_g && true_g <= it.upper;
      }
      const Interval& p = r.groups[0].G.intervals.by_method[0];
      width += (p.upper - p.lower) / num_series;
    }
  }
  state.counters["series"] = num_series;
  state.counters["cover_percentile"] = static_cast<double>(covered[0]) / num_series;
  state.counters["cover_basic"] = static_cast<double>(covered[1]) / num_series;
  state.counters["cover_normal"] = static_cast<double>(covered[2]) / num_series;
  state.counters["cover_bca"] = static_cast<double>(covered[3]) / num_series;
  state.counters["pct_width"] = width;
  state.counters["trend_cover_percentile"] = static_cast<double>(covered_trend[0]) / num_series;
  state.counters["trend_cover_basic"] = static_cast<double>(covered_trend[1]) / num_series;
  state.counters["trend_cover_normal"] = static_cast<double>(covered_trend[2]) / num_series;
}
BENCHMARK(BM_CoverageResidual)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// Coverage on the shipped scenario with known truth (data/scenarios/coverage:
// steady growth, steady decline, two surges, slump and recovery; AR(1) noise
// rho 0.5 sigma 0.08, seasonality, Lunar New Year): 500 simulation seeds,
// each group's series bootstrapped (residual scheme, stationary blocks,
// automatic length, 999 replicates); truth = G and V of the noise-free group
// path. Prints the coverage per group and interval method.
// Second argument 1: each group's episodes are first fitted by the models
// stage (surge pulses of stockpiling groups, else Bai-Perron LWZ segments)
// and kept in the fitted path (as `chokepoint run` does with [bootstrap]
// fitted_surges).
void BM_CoverageScenario(benchmark::State& state) {
  const int num_seeds = static_cast<int>(state.range(0));
  const bool fitted_surges = state.range(1) != 0;
  const Scenario scenario = Scenario::Load("coverage");
  const Catalog catalog = Catalog::LoadDefault();
  BootstrapOptions o;
  o.replicates = 999;
  o.progress = false;
  o.keep_replicates = false;
  const IndexSpec spec;
  const Thresholds thresholds;
  const int G = static_cast<int>(scenario.groups.size());
  std::vector<std::array<int, kNumIntervalMethods>> cov_g(G), cov_v(G);
  for (auto& a : cov_g) a.fill(0);
  for (auto& a : cov_v) a.fill(0);
  std::vector<std::string> names(G);
  for (auto _ : state) {
    for (int s = 0; s < num_seeds; ++s) {
      const SimulationResult sim = Simulate(scenario, 1 + s);
      const GroupSeries series = AggregateGroups(sim.panel, catalog);
      o.seed = 9000 + s;
      std::vector<std::vector<double>> surges;
      if (fitted_surges) {
        // As `chokepoint run`: the models stage's episodes (surge pulses, or
        // Bai-Perron segments). Break tests are not needed for LWZ: skipped.
        robustness::ModelsOptions mo;
        mo.breaks.compute_tests = false;
        const robustness::ModelsResult models = robustness::RunModels(series, mo);
        for (const robustness::GroupModels& gm : models.groups) surges.push_back(gm.EpisodeLogComponent());
      }
      const BootstrapResult r = RunBootstrap(series, spec, thresholds, o, surges);
      for (int g = 0; g < G; ++g) {
        // Truth: the noise-free path of the scenario group with this catalog id.
        int row = -1;
        for (int k = 0; k < series.num_groups(); ++k)
          if (series.groups[k].id == sim.truth.group_ids[g]) row = k;
        if (row < 0) continue;
        names[g] = sim.truth.group_names[g];
        const auto path = sim.truth.group_path(g);
        const IndexValues truth = ComputeSeriesIndices(path, {}, sim.truth.first_month, spec);
        for (int m = 0; m < kNumIntervalMethods; ++m) {
          const Interval& ig = r.groups[row].G.intervals.by_method[m];
          cov_g[g][m] += ig.ok && ig.lower <= truth.G && truth.G <= ig.upper;
          const Interval& iv = r.groups[row].V.intervals.by_method[m];
          cov_v[g][m] += iv.ok && iv.lower <= truth.V && truth.V <= iv.upper;
        }
      }
    }
  }
  std::fprintf(stderr, "coverage of nominal 90%% intervals, %d seeds%s (percentile / basic / normal / bca):\n",
               num_seeds, fitted_surges ? ", fitted surges kept in the fitted path" : "");
  for (int g = 0; g < G; ++g) {
    std::fprintf(stderr, "  %-28s G %5.1f%% %5.1f%% %5.1f%% %5.1f%%   V %5.1f%% %5.1f%% %5.1f%% %5.1f%%\n",
                 names[g].c_str(), 100.0 * cov_g[g][0] / num_seeds, 100.0 * cov_g[g][1] / num_seeds,
                 100.0 * cov_g[g][2] / num_seeds, 100.0 * cov_g[g][3] / num_seeds, 100.0 * cov_v[g][0] / num_seeds,
                 100.0 * cov_v[g][1] / num_seeds, 100.0 * cov_v[g][2] / num_seeds, 100.0 * cov_v[g][3] / num_seeds);
    state.counters["G_basic_" + std::to_string(g)] = static_cast<double>(cov_g[g][1]) / num_seeds;
  }
}
BENCHMARK(BM_CoverageScenario)
    ->Args({100, 0})
    ->Args({500, 0})
    ->Args({100, 1})
    ->Args({500, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// One scheme-diagnostic run on its own: 99 replicates (or 2: the fixed cost)
// of the default run's 17 groups under each scheme (Scheme's order).
void BM_SchemeDiagnosticRun(benchmark::State& state) {
  static const GroupSeries panel =
      AggregateGroups(Simulate(Scenario::Load("paper2025"), 1).panel, Catalog::LoadDefault());
  BootstrapOptions o;
  o.replicates = static_cast<int>(state.range(1));
  o.progress = false;
  o.seed = 1;
  o.signal = false;
  o.scheme_diagnostics = false;
  o.base_sensitivity = false;
  o.resampler.scheme = static_cast<Scheme>(state.range(0));
  for (auto _ : state) {
    const BootstrapResult r = RunBootstrap(panel, IndexSpec{}, Thresholds{}, o);
    benchmark::DoNotOptimize(r.groups[0].G.mean);
  }
  state.SetLabel(std::string(ToString(o.resampler.scheme)));
}
BENCHMARK(BM_SchemeDiagnosticRun)->ArgsProduct({{0, 1, 2, 3}, {2, 99}})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace chokepoint::bootstrap
