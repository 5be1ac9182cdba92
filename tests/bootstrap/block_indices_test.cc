// BlockIndexKernel (V and G of a levels replicate from block prefix sums)
// against the direct path: build the replicate with Generate, then
// ComputeIndices. Same stream, same blocks, so the two differ by rounding only.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "block_indices.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/error.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

void ExpectKernelMatchesDirect(const std::vector<double>& x, const ResamplerOptions& o, const IndexSpec& spec,
                               const char* what) {
  const int n = static_cast<int>(x.size());
  const SeriesResampler r(x, YearMonth{2015, 1}, o);
  ASSERT_TRUE(BlockIndexKernel::Supports(r, spec)) << what;
  const auto w = MakeWeights(spec, n);
  const int base_periods = BasePeriods(spec);
  const BlockIndexKernel kernel(r, w, base_periods);
  Workspace ws(n);
  std::vector<double> out(static_cast<size_t>(n));
  double max_dv = 0, max_dg = 0;
  for (uint32_t rep = 0; rep < 300; ++rep) {
    r.Generate(99, 4, rep, out, ws);
    const IndexValues direct = ComputeIndices(out, w, base_periods);
    const IndexValues fast = kernel.Compute(99, 4, rep);
    ASSERT_TRUE(direct.ok() && fast.ok()) << what;
    max_dv = std::max(max_dv, std::abs(fast.V - direct.V) / std::abs(direct.V));
    max_dg = std::max(max_dg, std::abs(fast.G - direct.G) / (1.0 + std::abs(direct.G)));
  }
  EXPECT_LT(max_dv, 1e-10) << what;
  EXPECT_LT(max_dg, 1e-12) << what;
}

TEST(BlockIndexKernel, EqualsGenerateThenComputeIndicesForEveryBlockMethod) {
  RandomStream rs(5, 0, 0);
  const auto x = testing::SimulateSeries(rs, 120, 18.0, 0.006, 0.5, 0.12);
  struct Case {
    BlockMethod blocks;
    double length;
    const char* name;
  };
  for (const Case c : {Case{BlockMethod::kStationary, 6.0, "stationary L=6"},
                       Case{BlockMethod::kStationary, 1.0, "stationary L=1 (iid)"},
                       Case{BlockMethod::kStationary, 0.0, "stationary auto"},
                       Case{BlockMethod::kCircular, 5.0, "circular 5"},
                       Case{BlockMethod::kMoving, 7.0, "moving 7"}}) {
    for (Weighting weighting : {Weighting::kLinear, Weighting::kEqual}) {
      for (BaseRule base : {BaseRule::kFirstPeriod, BaseRule::kFirstYearMean}) {
        ResamplerOptions o;
        o.scheme = Scheme::kLevels;
        o.blocks = c.blocks;
        o.block_length = c.length;
        IndexSpec spec;
        spec.weighting = weighting;
        spec.base = base;
        ExpectKernelMatchesDirect(x, o, spec, c.name);
      }
    }
  }
}

TEST(BlockIndexKernel, NearlyConstantSeriesKeepsItsSmallVolatility) {
  // V ~ 1e-6: a one-pass sum of squares around 0 would lose every digit; the
  // kernel's shift by the observed mean keeps them.
  std::vector<double> x(96);
  RandomStream rs(8, 0, 0);
  for (double& v : x) v = 4.0e9 * (1.0 + 1e-6 * rs.NextNormal());
  ResamplerOptions o;
  o.scheme = Scheme::kLevels;
  o.block_length = 4.0;
  ExpectKernelMatchesDirect(x, o, IndexSpec{}, "nearly constant");
}

TEST(BlockIndexKernel, SupportsOnlyLevelsMonthlyWithAffineWeights) {
  RandomStream rs(6, 0, 0);
  const auto x = testing::SimulateSeries(rs, 120, 18.0, 0.006, 0.5, 0.12);
  ResamplerOptions levels;
  levels.scheme = Scheme::kLevels;
  levels.block_length = 6.0;
  const SeriesResampler r(x, YearMonth{2015, 1}, levels);
  IndexSpec spec;
  EXPECT_TRUE(BlockIndexKernel::Supports(r, spec));
  spec.frequency = Frequency::kQuarterly;
  EXPECT_FALSE(BlockIndexKernel::Supports(r, spec));
  spec = IndexSpec{};
  spec.weighting = Weighting::kExponential;
  EXPECT_FALSE(BlockIndexKernel::Supports(r, spec));
  ResamplerOptions residual;
  residual.block_length = 6.0;
  const SeriesResampler rr(x, YearMonth{2015, 1}, residual);
  EXPECT_FALSE(BlockIndexKernel::Supports(rr, IndexSpec{}));
  // Non-affine weights are refused rather than silently mis-summed.
  IndexSpec quad;
  quad.weighting = Weighting::kQuadratic;
  const auto quad_weights = MakeWeights(quad, 120);
  EXPECT_THROW((void)BlockIndexKernel(r, quad_weights, 1), chokepoint::Error);
}

TEST(BlockIndexKernel, EngineUsesItAndQuarterlyFallsBackToTheSeries) {
  RandomStream rs(7, 0, 0);
  GroupSeries gs;
  gs.first_month = YearMonth{2015, 1};
  gs.num_months = 120;
  TechnologyGroup tg;
  tg.id = 1;
  tg.name = "g1";
  gs.groups.push_back(tg);
  gs.values = testing::SimulateSeries(rs, 120, 18.0, 0.006, 0.5, 0.12);
  BootstrapOptions o;
  o.replicates = 200;
  o.progress = false;
  o.resampler.scheme = Scheme::kLevels;
  o.resampler.block_length = 6.0;
  o.base_sensitivity = false;  // the block-sum kernel gives G under the run's base only
  const BootstrapResult monthly = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o);
  EXPECT_NE(monthly.groups[0].resampler.find("evaluation=block_sums"), std::string::npos);
  // With base sensitivity the series are built instead: the same replicates.
  BootstrapOptions with_base = o;
  with_base.base_sensitivity = true;
  const BootstrapResult built = RunBootstrap(gs, IndexSpec{}, Thresholds{}, with_base);
  EXPECT_EQ(built.groups[0].resampler.find("evaluation=block_sums"), std::string::npos);
  for (int r = 0; r < o.replicates; ++r) {
    EXPECT_NEAR(built.V_replicates[r], monthly.V_replicates[r], 1e-12 * std::abs(monthly.V_replicates[r])) << r;
    EXPECT_NEAR(built.G_replicates[r], monthly.G_replicates[r], 1e-12 * (1 + std::abs(monthly.G_replicates[r]))) << r;
  }
  // Replicate r of the engine is replicate r of the resampler.
  const SeriesResampler r(gs.row(0), gs.first_month, o.resampler);
  Workspace ws(120);
  std::vector<double> out(120);
  const auto w = MakeWeights(IndexSpec{}, 120);
  for (uint32_t rep : {0u, 17u, 199u}) {
    r.Generate(o.seed, 0, rep, out, ws);
    const IndexValues direct = ComputeIndices(out, w, 1);
    EXPECT_NEAR(monthly.V_replicates[rep], direct.V, 1e-12 * direct.V);
    EXPECT_NEAR(monthly.G_replicates[rep], direct.G, 1e-12 * (1 + std::abs(direct.G)));
  }
  IndexSpec quarterly;
  quarterly.frequency = Frequency::kQuarterly;
  const BootstrapResult q = RunBootstrap(gs, quarterly, Thresholds{}, o);
  EXPECT_EQ(q.groups[0].resampler.find("evaluation=block_sums"), std::string::npos);
  EXPECT_EQ(q.groups[0].valid_replicates, 200);
}

}  // namespace
}  // namespace chokepoint::bootstrap
