#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/bootstrap/intervals.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

TEST(IntervalsTest, EnumSpellings) {
  for (int m = 0; m < kNumIntervalMethods; ++m) {
    const auto e = static_cast<IntervalMethod>(m);
    EXPECT_EQ(IntervalMethodFromString(ToString(e)), e);
  }
  EXPECT_EQ(ToString(IntervalMethod::kBca), "bca");
}

// Selection gives exactly the sorted cloud's quantiles, in any order of
// asking, with ties, through a transform, and past the selector's capacity
// (where it falls back to a sort).
TEST(IntervalsTest, SelectedQuantilesEqualSortedQuantiles) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> draw(0.0, 1.0);
  std::uniform_real_distribution<double> prob(0.0, 1.0);
  for (int size : {1, 2, 3, 10, 99, 1000}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> cloud(static_cast<size_t>(size));
      for (double& v : cloud) v = trial % 3 == 0 ? std::round(4.0 * draw(rng)) / 4.0 + 0.25 : draw(rng);  // ties
      std::vector<double> sorted = cloud, logs(cloud.size());
      std::sort(sorted.begin(), sorted.end());
      for (size_t i = 0; i < sorted.size(); ++i) logs[i] = std::log(sorted[i]);
      QuantileSelector selector(cloud);
      const double edges[] = {0.05, 0.95, 0.5, 0.0, 1.0, 0.001, 0.999};
      for (int q = 0; q < 50; ++q) {
        const double p = q < 7 ? edges[q] : prob(rng);
        ASSERT_EQ(selector.Quantile(p), SortedQuantile(sorted, p)) << size << " " << p;
        ASSERT_EQ(selector.Quantile(p, [](double x) { return std::log(x); }), SortedQuantile(logs, p));
      }
      std::vector<double> after(cloud);
      std::sort(after.begin(), after.end());
      EXPECT_EQ(after, sorted);  // a permutation: nothing lost or altered
      const double theta = sorted[sorted.size() / 2];
      const double below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), theta) - sorted.begin());
      const double ties = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), theta) -
                                              std::lower_bound(sorted.begin(), sorted.end(), theta));
      EXPECT_EQ(MidRank(cloud, theta), (below + 0.5 * ties) / static_cast<double>(size));
    }
  }
}

// Orders that defeat a quickselect's pivots (sorted, reversed, organ pipe,
// sawtooth, runs of ties, one value): every quantile is still the sorted
// cloud's, and the cloud stays a permutation of itself.
TEST(IntervalsTest, SelectionIsExactOnAdversarialOrders) {
  const int n = 5001;
  std::vector<std::vector<double>> orders;
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  orders.push_back(v);                                               // ascending
  orders.emplace_back(v.rbegin(), v.rend());                         // descending
  for (int i = 0; i < n; ++i) v[i] = std::min(i, n - 1 - i);         // organ pipe
  orders.push_back(v);
  for (int i = 0; i < n; ++i) v[i] = i % 37;                         // sawtooth, many ties
  orders.push_back(v);
  for (int i = 0; i < n; ++i) v[i] = i % 2 == 0 ? i : n - i;         // interleaved ends
  orders.push_back(v);
  orders.emplace_back(n, 0.7);                                       // one value
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> prob(0.0, 1.0);
  for (size_t o = 0; o < orders.size(); ++o) {
    std::vector<double> cloud = orders[o], sorted = orders[o];
    std::sort(sorted.begin(), sorted.end());
    QuantileSelector selector(cloud);
    for (int q = 0; q < 40; ++q) {
      const double p = q == 0 ? 0.5 : prob(rng);
      ASSERT_EQ(selector.Quantile(p), SortedQuantile(sorted, p)) << "order " << o << " p " << p;
    }
    std::sort(cloud.begin(), cloud.end());
    EXPECT_EQ(cloud, sorted) << "order " << o;
  }
}

// The engine summarises an unsorted cloud: the intervals equal those of the
// sorted cloud (moments up to summation order).
TEST(IntervalsTest, IntervalsOfAnUnsortedCloudEqualTheSorted) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> draw(0.3, 0.1);
  std::vector<double> cloud(999);
  for (double& v : cloud) v = draw(rng);
  std::vector<double> sorted = cloud;
  std::sort(sorted.begin(), sorted.end());
  QuantileSelector selector(cloud);
  const IntervalSet a = ComputeIntervals(selector, 0.31, 0.9, 0.02, 0.29);
  const IntervalSet b = ComputeIntervals(sorted, 0.31, 0.9, 0.02, 0.29);
  for (int m = 0; m < kNumIntervalMethods; ++m) {
    ASSERT_TRUE(a.by_method[m].ok && b.by_method[m].ok);
    const double tol = m == 2 ? 1e-12 : 0.0;  // normal: mean and sd summed in another order
    EXPECT_NEAR(a.by_method[m].lower, b.by_method[m].lower, tol) << m;
    EXPECT_NEAR(a.by_method[m].upper, b.by_method[m].upper, tol) << m;
  }
  EXPECT_EQ(a.z0, b.z0);
}

TEST(IntervalsTest, Type6Quantiles) {
  const std::vector<double> s = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_DOUBLE_EQ(SortedQuantile(s, 0.1), 1.0);   // h = 1
  EXPECT_DOUBLE_EQ(SortedQuantile(s, 0.25), 2.5);  // h = 2.5
  EXPECT_DOUBLE_EQ(SortedQuantile(s, 0.5), 5.0);
  EXPECT_DOUBLE_EQ(SortedQuantile(s, 0.95), 9.0);  // h = 9.5 clamped
  EXPECT_DOUBLE_EQ(SortedQuantile(s, 0.02), 1.0);
}

TEST(IntervalsTest, NormalFunctions) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.05), -1.6448536269514729, 1e-14);
  EXPECT_NEAR(NormalCdf(1.959963984540054), 0.975, 1e-15);
}

TEST(IntervalsTest, JackknifeAccelerationByHand) {
  // mean 4, d = 3, 2, 1, -6: sum d^2 = 50, sum d^3 = -180.
  const std::vector<double> j = {1, 2, 3, 10};
  EXPECT_NEAR(JackknifeAcceleration(j), -180.0 / (6.0 * std::pow(50.0, 1.5)), 1e-15);
  // Centred at the jackknife mean: a shift of every value changes nothing.
  const std::vector<double> shifted = {101, 102, 103, 110};
  EXPECT_NEAR(JackknifeAcceleration(shifted), JackknifeAcceleration(j), 1e-15);
  EXPECT_EQ(JackknifeAcceleration(std::vector<double>{2, 2, 2}), 0.0);
}

std::vector<double> SkewedCloud() {
  RandomStream rs(5, 6, 7);
  std::vector<double> v(999);
  for (double& x : v) x = std::exp(0.4 * rs.NextNormal());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(IntervalsTest, BcaWithZeroAccelerationIsBc) {
  const auto s = SkewedCloud();
  const double theta = 1.1;
  const Interval bca = BcaInterval(s, theta, 0.9, 0.0);
  ASSERT_TRUE(bca.ok);
  // BC by hand: z0 from the share below theta, levels Phi(2 z0 + z_alpha).
  const double below = static_cast<double>(std::lower_bound(s.begin(), s.end(), theta) - s.begin());
  const double z0 = NormalQuantile(below / s.size());
  const double lo = SortedQuantile(s, NormalCdf(2 * z0 + NormalQuantile(0.05)));
  const double hi = SortedQuantile(s, NormalCdf(2 * z0 + NormalQuantile(0.95)));
  EXPECT_DOUBLE_EQ(bca.lower, lo);
  EXPECT_DOUBLE_EQ(bca.upper, hi);
  // theta at the median: z0 ~ 0 and BC ~ percentile.
  const double median = SortedQuantile(s, 0.5);
  const Interval mid = BcaInterval(s, median, 0.9, 0.0);
  EXPECT_NEAR(mid.lower, SortedQuantile(s, 0.05), 1e-2);
  // A positive acceleration moves both bounds up.
  const Interval acc = BcaInterval(s, theta, 0.9, 0.1);
  EXPECT_GT(acc.lower, bca.lower);
  EXPECT_GT(acc.upper, bca.upper);
}

TEST(IntervalsTest, BcaRefusesWhenAllReplicatesLieOnOneSide) {
  const auto s = SkewedCloud();
  const Interval bca = BcaInterval(s, s.front() - 1.0, 0.9, 0.0);
  EXPECT_FALSE(bca.ok);
  EXPECT_NE(bca.note.find("z0"), std::string::npos);
  const IntervalSet set = ComputeIntervals(s, s.back() + 1.0, 0.9, 0.0);
  EXPECT_FALSE(set[IntervalMethod::kBca].ok);
  EXPECT_TRUE(set[IntervalMethod::kPercentile].ok);
  EXPECT_TRUE(std::isnan(set.z0));
}

TEST(IntervalsTest, PercentileBasicNormalByHand) {
  const auto s = SkewedCloud();
  const double theta = 1.05;
  const IntervalSet set = ComputeIntervals(s, theta, 0.8, 0.0);
  const double q10 = SortedQuantile(s, 0.1), q90 = SortedQuantile(s, 0.9);
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kPercentile].lower, q10);
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kPercentile].upper, q90);
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kBasic].lower, 2 * theta - q90);
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kBasic].upper, 2 * theta - q10);
  double mean = 0, ss = 0;
  for (double v : s) mean += v;
  mean /= s.size();
  for (double v : s) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (s.size() - 1));
  EXPECT_NEAR(set[IntervalMethod::kNormal].lower, 2 * theta - mean - 1.2815515655446004 * sd, 1e-12);
  EXPECT_NEAR(set[IntervalMethod::kNormal].upper, 2 * theta - mean + 1.2815515655446004 * sd, 1e-12);
}

// Model-based resampling: basic and normal pivot on theta_star, the
// statistic of the fitted model (Davison and Hinkley 1997, section 5.2).
TEST(IntervalsTest, BasicAndNormalPivotOnTheBootstrapWorldParameter) {
  const auto s = SkewedCloud();
  const double theta = 1.05, theta_star = 0.97;
  const IntervalSet set = ComputeIntervals(s, theta, 0.8, 0.0, theta_star);
  const double q10 = SortedQuantile(s, 0.1), q90 = SortedQuantile(s, 0.9);
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kPercentile].lower, q10);
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kBasic].lower, theta - (q90 - theta_star));
  EXPECT_DOUBLE_EQ(set[IntervalMethod::kBasic].upper, theta - (q10 - theta_star));
  double mean = 0;
  for (double v : s) mean += v;
  mean /= s.size();
  const double mid = (set[IntervalMethod::kNormal].lower + set[IntervalMethod::kNormal].upper) / 2;
  EXPECT_NEAR(mid, theta - (mean - theta_star), 1e-12);
  // theta_star = theta_hat gives the nonparametric intervals.
  const IntervalSet same = ComputeIntervals(s, theta, 0.8, 0.0, theta);
  const IntervalSet none = ComputeIntervals(s, theta, 0.8, 0.0);
  EXPECT_DOUBLE_EQ(same[IntervalMethod::kBasic].lower, none[IntervalMethod::kBasic].lower);
  EXPECT_DOUBLE_EQ(same[IntervalMethod::kNormal].upper, none[IntervalMethod::kNormal].upper);
}

// With block length 1 on a monthly series the delete-a-block jackknife is the
// delete-one jackknife: the engine's acceleration equals the one computed by
// hand from the n delete-one values of V and G.
TEST(IntervalsTest, BlockJackknifeWithBlockOneIsDeleteOne) {
  RandomStream rs(21, 0, 0);
  std::vector<double> x(40);
  for (double& v : x) v = 100.0 + 10.0 * rs.NextNormal();
  BootstrapOptions o;
  o.replicates = 200;
  o.progress = false;
  o.threads = 1;
  o.resampler.scheme = Scheme::kLevels;
  o.resampler.block_length = 1.0;
  const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, o);
  ASSERT_TRUE(r.groups[0].ok);
  EXPECT_EQ(r.groups[0].jackknife_block, 1);
  std::vector<double> jv, jg;
  for (int i = 0; i < 40; ++i) {
    std::vector<double> y;
    for (int t = 0; t < 40; ++t)
      if (t != i) y.push_back(x[t]);
    const auto w = MakeWeights(IndexSpec{}, 39);
    const IndexValues iv = ComputeIndices(y, w, 1);
    jv.push_back(iv.V);
    jg.push_back(iv.G);
  }
  EXPECT_EQ(r.groups[0].V.jackknife_values, 40);
  EXPECT_NEAR(r.groups[0].V.intervals.acceleration, JackknifeAcceleration(jv), 1e-14);
  EXPECT_NEAR(r.groups[0].G.intervals.acceleration, JackknifeAcceleration(jg), 1e-14);
}

}  // namespace
}  // namespace chokepoint::bootstrap
