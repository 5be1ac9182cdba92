// Bai-Perron speed: y ~ trend, M = 5, h = floor(0.15 T), T = 120..960, on the
// deterministic series that scripts/golden/breaks_timing.R times with
// strucchange::breakpoints (ratios in benchmarks/README.md, section "breaks").
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "chokepoint/robustness/models/breaks.h"
#include "segment_rss.h"

namespace {

// Level break after 0.3 T, slope break after 0.6 T, Park-Miller uniform noise
// (exact in R's doubles too, so both sides time the same numbers).
std::vector<double> BenchmarkSeries(int T) {
  std::vector<double> y(T);
  uint64_t x = 12345;
  for (int t = 1; t <= T; ++t) {
    x = (16807 * x) % 2147483647ULL;
    const double u = static_cast<double>(x) / 2147483647.0;
    y[t - 1] = 50 + 0.2 * t + (t > 0.3 * T ? 8.0 : 0.0) - (t > 0.6 * T ? 0.35 * (t - 0.6 * T) : 0.0) +
               6.0 * (u - 0.5);
  }
  return y;
}

// The work of strucchange::breakpoints(y ~ trend, h = 0.15, breaks = 5):
// segment RSS rows + dynamic programme for m = 1..5.
void BM_BaiPerronPartitions(benchmark::State& state) {
  const int T = static_cast<int>(state.range(0));
  const std::vector<double> y = BenchmarkSeries(T);
  chokepoint::robustness::PartitionSearch search;
  for (auto _ : state) {
    chokepoint::robustness::PartitionPath path =
        search.Run(y, chokepoint::robustness::TrendRegressors::kTrend, static_cast<int>(0.15 * T), 5);
    benchmark::DoNotOptimize(path);
  }
  state.counters["series/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BaiPerronPartitions)->Arg(120)->Arg(240)->Arg(480)->Arg(960)->Unit(benchmark::kMicrosecond);

// Everything `chokepoint breaks --no-tests` computes: partitions, RSS/BIC/LWZ
// for every m, the BIC choice and its Bai (1997) intervals.
void BM_EstimateBreaksNoTests(benchmark::State& state) {
  const int T = static_cast<int>(state.range(0));
  const std::vector<double> y = BenchmarkSeries(T);
  chokepoint::robustness::BreakOptions options;
  options.compute_tests = false;
  for (auto _ : state) {
    chokepoint::robustness::BreakResult r = chokepoint::robustness::EstimateBreaks(y, options);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EstimateBreaksNoTests)->Arg(120)->Arg(240)->Arg(480)->Arg(960)->Unit(benchmark::kMicrosecond);

// With the Monte Carlo p-values (999 null replicates, TBB): the price of the
// sup-F / UDmax / WDmax / F(l+1|l) p-values.
void BM_EstimateBreaksWithTests(benchmark::State& state) {
  const int T = static_cast<int>(state.range(0));
  const std::vector<double> y = BenchmarkSeries(T);
  chokepoint::robustness::BreakOptions options;
  for (auto _ : state) {
    chokepoint::robustness::BreakResult r = chokepoint::robustness::EstimateBreaks(y, options);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EstimateBreaksWithTests)->Arg(120)->Arg(240)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
