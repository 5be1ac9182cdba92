// Aggregates on a full-size panel: ~5,700 HS6-level codes plus the catalog's
// members x 120 months (the size of an all-lines China Customs extract at HS6).
#include <benchmark/benchmark.h>

#include <unordered_map>

#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/group_series.h"

namespace chokepoint {
namespace {

struct World {
  Catalog catalog = Catalog::LoadDefault();
  BecMapper bec = BecMapper::LoadDefault();
  GdpSeries gdp = LoadDefaultGdp();
  Panel panel;
  World() {
    std::vector<HsCode> codes;
    std::unordered_map<HsCode, int> seen;
    auto add = [&](HsCode c) {
      if (seen.emplace(c, 0).second) codes.push_back(c);
    };
    for (const CatalogMember& m : catalog.members()) add(m.code);
    for (const auto& [hs6, becs] : bec.tables()[0].bec_of_hs6) add(HsCode::FromInt(hs6 * 100));
    panel = Panel(codes, YearMonth{2015, 1}, 120);
    for (int r = 0; r < panel.num_codes(); ++r)
      for (int t = 0; t < 120; ++t) panel.Set(r, t, 1e6 * (1 + (r % 97)) * (1.0 + 0.001 * t));
  }
};

const World& TheWorld() {
  static const World w;
  return w;
}

void BM_ComputeAggregates(benchmark::State& state) {
  const World& w = TheWorld();
  for (auto _ : state) benchmark::DoNotOptimize(ComputeAggregates(w.panel, w.catalog, w.bec, w.gdp));
  state.counters["codes"] = w.panel.num_codes();
}
BENCHMARK(BM_ComputeAggregates)->Unit(benchmark::kMillisecond);

void BM_AggregateGroups(benchmark::State& state) {
  const World& w = TheWorld();
  for (auto _ : state) benchmark::DoNotOptimize(AggregateGroups(w.panel, w.catalog));
}
BENCHMARK(BM_AggregateGroups)->Unit(benchmark::kMicrosecond);

void BM_ComputeBatches(benchmark::State& state) {
  const World& w = TheWorld();
  for (auto _ : state) benchmark::DoNotOptimize(ComputeBatches(w.panel, w.catalog, IndexSpec{}, Thresholds{}));
}
BENCHMARK(BM_ComputeBatches)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace chokepoint
