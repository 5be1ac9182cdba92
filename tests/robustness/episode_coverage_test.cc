// Small version of BM_CoverageScenario/500/1 (bootstrap/README.md): on the
// shipped coverage scenario, the residual-scheme bootstrap with the models
// stage's episodes in its fitted path gives nominal 90% basic intervals for
// G that cover the true G (that of the noise-free group path) near the
// nominal rate in every group, including the two-surge and the slump group,
// which over-covered (99-100%) before the episodes were kept.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"
#include "chokepoint/robustness/models/models.h"

namespace chokepoint::robustness {
namespace {

TEST(EpisodeCoverage, EveryScenarioGroupNearNominal) {
  const Scenario scenario = Scenario::Load("coverage");
  const Catalog catalog = Catalog::LoadDefault();
  bootstrap::BootstrapOptions o;
  o.replicates = 499;
  o.progress = false;
  o.keep_replicates = false;
  ModelsOptions mo;
  mo.breaks.compute_tests = false;
  const int seeds = 40;
  const int G = static_cast<int>(scenario.groups.size());
  std::vector<int> covered(G, 0), seen(G, 0);
  std::vector<std::string> names(G);
  for (int s = 0; s < seeds; ++s) {
    const SimulationResult sim = Simulate(scenario, 1 + s);
    const GroupSeries series = AggregateGroups(sim.panel, catalog);
    const ModelsResult models = RunModels(series, mo);
    std::vector<std::vector<double>> episodes;
    for (const GroupModels& gm : models.groups) episodes.push_back(gm.EpisodeLogComponent());
    o.seed = 9000 + s;
    const bootstrap::BootstrapResult r = bootstrap::RunBootstrap(series, IndexSpec{}, Thresholds{}, o, episodes);
    for (int g = 0; g < G; ++g) {
      int row = -1;
      for (int k = 0; k < series.num_groups(); ++k)
        if (series.groups[k].id == sim.truth.group_ids[g]) row = k;
      ASSERT_GE(row, 0);
      const IndexValues truth = ComputeSeriesIndices(sim.truth.group_path(g), {}, sim.truth.first_month, IndexSpec{});
      const bootstrap::Interval& in = r.groups[row].G.intervals[bootstrap::IntervalMethod::kBasic];
      ASSERT_TRUE(in.ok);
      names[g] = sim.truth.group_names[g];
      covered[g] += in.lower <= truth.G && truth.G <= in.upper;
      ++seen[g];
    }
  }
  for (int g = 0; g < G; ++g) {
    const double rate = static_cast<double>(covered[g]) / seen[g];
    std::printf("  %-28s G basic coverage %d/%d\n", names[g].c_str(), covered[g], seen[g]);
    // 40 draws at 90%: sd 4.7 points. All 40 covered (the old over-coverage)
    // or fewer than 30 fails.
    EXPECT_GE(rate, 0.75) << names[g];
    EXPECT_LT(rate, 1.0) << names[g];
  }
}

}  // namespace
}  // namespace chokepoint::robustness
