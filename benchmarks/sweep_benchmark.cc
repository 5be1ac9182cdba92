// The robustness sweep on the referee grid (docs/method.md §6.2: g* 0.20..1.00 step
// 0.025; v_hi 0.20..0.45 step 0.01; v_lo 0.15..0.30 step 0.01; six weighting
// schemes; window starts 2015-01..2018-01 and ends 2022-12..2024-12 every six
// months; three frequencies; two bases; override on/off) over 17 groups of
// T = 120 simulated months with 1,000 residual-bootstrap replicates, and the
// brute-force path (recompute the indices and Classify at every threshold
// point) against the factorised engine on the same subset.
//
//   build/bin/chokepoint_benchmarks --benchmark_filter=Sweep
//
// The simulated panel (trend + month effects + AR(1) noise + reverting surges,
// semiconductor flags of the talk's Table 1) stands in for the embedded
// default; it is synthetic.
#include <cmath>
#include <vector>

#include <benchmark/benchmark.h>

#include "chokepoint/core/random.h"
#include "chokepoint/robustness/sweep/sweep.h"
#include "sweep_oracle.h"

namespace chokepoint::robustness {
namespace {

GroupSeries SimulatedSeventeenGroups() {
  GroupSeries s;
  s.first_month = YearMonth{2015, 1};
  s.num_months = 120;
  const bool semi[17] = {true, true, true, false, false, true, false, true, false,
                         false, true, false, false, false, false, false, false};
  RandomStream rs(2024, 0, 0);
  for (int g = 0; g < 17; ++g) {
    TechnologyGroup tg;
    tg.id = g + 1;
    tg.name = "Group " + std::to_string(g + 1);
    tg.semiconductor = semi[g];
    s.groups.push_back(tg);
    const double trend = -0.006 + 0.0015 * g;
    const double surge = (g % 3 == 0) ? 0.8 : 0.0;
    double ar = 0.0;
    for (int t = 0; t < s.num_months; ++t) {
      ar = 0.5 * ar + 0.08 * rs.NextNormal();
      double v = 1e9 * std::exp(trend * t + ar) * (1.0 + 0.1 * std::sin(2 * 3.141592653589793 * t / 12.0));
      if (t >= 72 && t < 84) v *= 1.0 + surge * std::sin(3.141592653589793 * (t - 72) / 12.0);
      s.values.push_back(v);
    }
  }
  return s;
}

const GroupSeries& Panel17() {
  static const GroupSeries panel = SimulatedSeventeenGroups();
  return panel;
}

// Full referee grid, 1,000 residual-bootstrap replicates; Arg = threads.
void BM_SweepRefereeGrid(benchmark::State& state) {
  SweepOptions o;  // the defaults are the referee grid
  o.replicates = 1000;
  o.threads = static_cast<int>(state.range(0));
  const auto generator = MakeBootstrapGenerator(Panel17(), o.resampler, o.seed);
  double classifications = 0, evaluations = 0;
  for (auto _ : state) {
    const SweepResult r = RunSweep(Panel17(), o, generator.get());
    classifications += r.classifications();
    evaluations += static_cast<double>(r.evaluations);
    benchmark::DoNotOptimize(r.counts.grid_regimes.data());
  }
  state.counters["classifications_per_s"] = benchmark::Counter(classifications, benchmark::Counter::kIsRate);
  state.counters["index_evaluations_per_s"] = benchmark::Counter(evaluations, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepRefereeGrid)->Arg(1)->Arg(2)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

// Subset for the ratio: one window (2015-01..2024-12), monthly, six weightings,
// two bases = 12 index specs x full threshold grid x 17 groups x 20 replicates.
SweepOptions SubsetOptions() {
  SweepOptions o;
  o.window_starts = {YearMonth{2015, 1}};
  o.window_ends = {YearMonth{2024, 12}};
  o.frequencies = {Frequency::kMonthly};
  o.replicates = 20;
  o.threads = 1;
  return o;
}

void BM_SweepSubsetFactorised(benchmark::State& state) {
  const SweepOptions o = SubsetOptions();
  const auto generator = MakeBootstrapGenerator(Panel17(), o.resampler, o.seed);
  double classifications = 0;
  for (auto _ : state) {
    const SweepResult r = RunSweep(Panel17(), o, generator.get());
    classifications += r.classifications();
    benchmark::DoNotOptimize(r.counts.grid_regimes.data());
  }
  state.counters["classifications_per_s"] = benchmark::Counter(classifications, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepSubsetFactorised)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_SweepSubsetBruteForce(benchmark::State& state) {
  const SweepOptions o = SubsetOptions();
  const auto generator = MakeBootstrapGenerator(Panel17(), o.resampler, o.seed);
  const SweepGrid grid = BuildSweepGrid(o, Panel17().first_month, Panel17().num_months);
  std::vector<int> specs;
  for (int s = 0; s < grid.num_specs(); ++s) specs.push_back(s);
  double classifications = 0;
  for (auto _ : state) {
    const auto counts = chokepoint::testing::BruteForceRegimeCounts(Panel17(), grid, generator.get(), o.replicates, specs, false);
    benchmark::DoNotOptimize(counts.data());
    classifications += static_cast<double>(grid.num_coherent_threshold_points()) * grid.num_specs() *
                       Panel17().num_groups() * o.replicates;
  }
  state.counters["classifications_per_s"] = benchmark::Counter(classifications, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepSubsetBruteForce)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace chokepoint::robustness
