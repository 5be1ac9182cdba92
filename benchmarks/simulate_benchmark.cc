// Simulation speed: the default paper2025 panel (108 codes x 120 months), and
// a wide panel of many codes (the ~8,500 HS8 lines of a full Customs panel).
#include <benchmark/benchmark.h>

#include "chokepoint/core/simulate.h"

namespace chokepoint {
namespace {

void BM_SimulatePaper2025(benchmark::State& state) {
  const Scenario sc = Scenario::Load(kDefaultScenarioName);
  uint64_t seed = 1;
  size_t cells = 0;
  for (auto _ : state) {
    const SimulationResult r = Simulate(sc, seed++);
    cells = r.panel.values().size();
    benchmark::DoNotOptimize(r.panel.values().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * cells));  // cells per second
}
BENCHMARK(BM_SimulatePaper2025)->Unit(benchmark::kMillisecond);

void BM_SimulateWide(benchmark::State& state) {
  const int codes = static_cast<int>(state.range(0));
  Scenario sc;
  sc.name = "wide";
  SeriesBlock b;
  b.name = "wide";
  b.shape.level_usd = 1e9;
  b.shape.slope_per_year = 0.05;
  b.shape.lny_dip = 0.1;
  b.shape.surges = {{{2020, 6}, 0.5, 4.0}};
  for (int i = 0; i < codes; ++i) b.members.push_back({HsCode::FromInt(10000000 + i), 1.0 / codes});
  sc.background.push_back(b);
  uint64_t seed = 1;
  for (auto _ : state) benchmark::DoNotOptimize(Simulate(sc, seed++).panel.values().data());
  state.SetItemsProcessed(state.iterations() * codes * 120);  // cells per second
}
BENCHMARK(BM_SimulateWide)->Arg(8500)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace chokepoint
