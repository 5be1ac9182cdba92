// Models speed and the Monte Carlo recovery study.
//
//   build/bin/chokepoint_benchmarks --benchmark_filter=BM_ModelsPass
//     the full models pass (17 surge fits + adjusted regimes + panel) on 17
//     simulated groups, T = 120; target < 5 s on 2 cores.
//   build/bin/chokepoint_benchmarks --benchmark_filter=BM_ModelsPassDefaultPanel
//     the same on the embedded default panel (what `chokepoint run` fits).
//   build/bin/chokepoint_benchmarks --benchmark_filter=BM_SurgeRecoveryStudy/500/80
//     the 500-draw recovery study (surge, break, no event); prints the
//     figures and exports them as counters (fractions); /500/40 halves the
//     innovation noise (sd 0.04 instead of 0.08).
#include <cstdio>

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "chokepoint/core/catalog.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/simulate.h"
#include "chokepoint/robustness/models/models.h"
#include "chokepoint/robustness/models/scenario_recovery.h"
#include "chokepoint/robustness/models/surge.h"
#include "chokepoint/robustness/models/surge_recovery.h"

namespace chokepoint::robustness {
namespace {

void BM_ModelsPass(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(state.range(0)));
  const GroupSeries series = SimulateModelGroups(20240501, 120);
  const ModelsOptions options;
  for (auto _ : state) {
    ModelsResult r = RunModels(series, options);
    benchmark::DoNotOptimize(r.agreement_total);
  }
  state.counters["groups_per_s"] =
      benchmark::Counter(17.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ModelsPass)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same pass on the embedded default: the 17 groups of scenario paper2025
// (seed 1) through the shipped catalog, as `chokepoint run` does it (surge
// fits, HAC trends, Bai-Perron breaks with Monte Carlo p-values, adjusted
// regimes, panel regression). Target: < 5 s on 2 cores.
void BM_ModelsPassDefaultPanel(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(state.range(0)));
  const GroupSeries series = AggregateGroups(DefaultPanel(1), Catalog::LoadDefault());
  const ModelsOptions options;
  for (auto _ : state) {
    ModelsResult r = RunModels(series, options);
    benchmark::DoNotOptimize(r.agreement_total);
  }
  state.counters["groups_per_s"] = benchmark::Counter(17.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ModelsPassDefaultPanel)->Arg(1)->Arg(2)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SurgeFit(benchmark::State& state) {
  SurgeDgp dgp;
  dgp.num_months = static_cast<int>(state.range(0));
  dgp.surge = true;
  dgp.onset = dgp.num_months / 2;
  RandomStream stream(1, 2, 3);
  const auto x = SimulateSurgeSeries(dgp, stream);
  for (auto _ : state) {
    SurgeResult r = FitSurgeModel(x, YearMonth{2015, 1}, SurgeOptions{});
    benchmark::DoNotOptimize(r.chosen);
  }
}
BENCHMARK(BM_SurgeFit)->Arg(120)->Arg(240)->Unit(benchmark::kMillisecond);

void BM_SurgeRecoveryStudy(benchmark::State& state) {
  RecoveryStudyOptions study;
  study.draws = static_cast<int>(state.range(0));
  study.base.innovation_sd = state.range(1) / 1000.0;  // second argument: noise sd x 1000
  RecoveryStudyResult r;
  for (auto _ : state) r = RunRecoveryStudy(study, SurgeOptions{});
  std::printf("%s", r.FullReport().c_str());
  const double n = r.draws;
  state.counters["surge_recovered"] = r.surge_recovered / n;
  state.counters["surge_onset_ok"] = r.surge_onset_ok / n;
  state.counters["surge_half_life_ok"] = r.surge_half_life_ok / n;
  state.counters["break_recovered"] = r.break_recovered / n;
  state.counters["none_false_any"] = r.none_false_any / n;
}
BENCHMARK(BM_SurgeRecoveryStudy)->Args({30, 80})->Args({500, 80})->Args({500, 40})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// Recovery on the project's scenarios (one_surge, one_break, no_event;
// docs/method.md §8.7): state.range(0) draws each, default models options.
void BM_ScenarioRecoveryStudy(benchmark::State& state) {
  ScenarioRecoveryOptions study;
  study.draws = static_cast<int>(state.range(0));
  const ModelsOptions models;
  ScenarioRecoveryResult r;
  for (auto _ : state) r = RunScenarioRecovery(study, models.surge, models.breaks);
  std::fprintf(stderr, "%s", r.FullReport().c_str());
  const double d = r.draws;
  state.counters["surge_recovered"] = r.surge_recovered / d;
  state.counters["break_model_recovered"] = r.break_model_recovered / d;
  state.counters["break_bp_recovered"] = r.break_bp_recovered / d;
  state.counters["none_false_any"] = r.none_false_any / d;
}
BENCHMARK(BM_ScenarioRecoveryStudy)->Arg(50)->Arg(500)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace chokepoint::robustness
