// Named estimands, their intervals, the scheme diagnostics, the base
// sensitivity and the double-bootstrap calibration (docs/method.md §5.13-5.15).
#include "chokepoint/bootstrap/estimands.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "chokepoint/bootstrap/block_length.h"
#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/random.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

TEST(Estimands, LogCentredIntervalByHand) {
  // Replicates of log V: 1..9 (times 0.1) around a point log V = 0.42. At
  // level 0.8 (type-6 quantiles of 9 values): q_0.1 = 0.1, q_0.9 = 0.9,
  // median 0.5, so the interval on the log scale is [0.42 - 0.4, 0.42 + 0.4].
  std::vector<double> h;
  for (int i = 1; i <= 9; ++i) h.push_back(0.1 * i);
  const Interval iv = LogCentredInterval(h, 0.42, 0.8, IndexScale::kLog);
  ASSERT_TRUE(iv.ok);
  EXPECT_NEAR(iv.lower, std::exp(0.02), 1e-12);
  EXPECT_NEAR(iv.upper, std::exp(0.82), 1e-12);
  // The same on log(1 + G): the interval maps back by exp(.) - 1.
  const Interval ig = LogCentredInterval(h, 0.42, 0.8, IndexScale::kLogOnePlus);
  EXPECT_NEAR(ig.lower, std::exp(0.02) - 1.0, 1e-12);
  EXPECT_NEAR(ig.upper, std::exp(0.82) - 1.0, 1e-12);
  // A skewed cloud: the basic interval on the natural scale reaches below
  // -1; the log-centred one cannot.
  std::vector<double> g = {-0.5, 0.0, 0.5, 2.0, 4.0, 8.0, 20.0};
  const double point = 3.375;
  const EstimandSummary s = SummariseEstimand(g, point, 0.9, IndexScale::kLogOnePlus);
  ASSERT_TRUE(s.ok);
  const Interval& d = s[EstimandMethod::kLogCentred];
  EXPECT_GT(d.lower, -1.0);
  EXPECT_LE(d.lower, point);
  EXPECT_GE(d.upper, point);
  EXPECT_LT(2 * point - 20.0, -1.0);  // what a natural-scale basic interval would give
}

TEST(Estimands, SignalPivotsOnTheBootstrapWorldsValueAndCorrectsTheBias) {
  // Refitted-path replicates of log V = 1..9 (x 0.1), median 0.5, around a
  // fitted path whose log V is 0.3: the refit is biased up by 0.2. The
  // interval pivots on 0.3 (the bootstrap world's signal): at level 0.8,
  // [0.3 - (0.9 - 0.3), 0.3 - (0.1 - 0.3)] = [-0.3, 0.5]; the point is the
  // bias-corrected 0.3 - 0.2 = 0.1.
  std::vector<double> v;
  for (int i = 1; i <= 9; ++i) v.push_back(std::exp(0.1 * i));
  const EstimandSummary s = SummariseEstimand(v, std::exp(0.3), 0.8, IndexScale::kLog,
                                              std::numeric_limits<double>::quiet_NaN(), std::exp(0.3));
  ASSERT_TRUE(s.ok);
  EXPECT_NEAR(s[EstimandMethod::kLogCentred].lower, std::exp(-0.3), 1e-12);
  EXPECT_NEAR(s[EstimandMethod::kLogCentred].upper, std::exp(0.5), 1e-12);
  EXPECT_NEAR(s.point, std::exp(0.1), 1e-12);
  EXPECT_NEAR(s.estimator, std::exp(0.3), 1e-15);
  EXPECT_NEAR(s.bias, 0.2, 1e-12);
  // Without a pivot (observed) the point is the estimator itself.
  const EstimandSummary o = SummariseEstimand(v, std::exp(0.3), 0.8, IndexScale::kLog);
  EXPECT_EQ(o.point, std::exp(0.3));
  EXPECT_EQ(o.bias, 0.0);
}

TEST(Estimands, PointInsideAndNoImpossibleValueOnAnyCloud) {
  // Property check on 2,000 random clouds of every shape (heavy tails,
  // clouds far from the point, tiny clouds).
  RandomStream rs(11, 0, 0);
  for (int trial = 0; trial < 2000; ++trial) {
    const int b = 2 + static_cast<int>(rs.NextBelow(300));
    // Spreads up to e^1.5 times Cauchy-like draws capped at 20: wider than
    // any import series gives, yet inside double range after exp.
    const double centre = rs.NextNormal() * 2.0, spread = std::exp(0.5 * rs.NextNormal());
    std::vector<double> v, g;
    for (int i = 0; i < b; ++i) {
      const double z = std::clamp(rs.NextNormal() / std::max(0.05, std::abs(rs.NextNormal())), -20.0, 20.0);
      v.push_back(std::exp(centre + spread * z));
      g.push_back(std::exp(centre + spread * z) - 1.0);
    }
    const double vp = std::exp(rs.NextNormal() * 3.0), gp = std::exp(rs.NextNormal() * 3.0) - 1.0;
    const double level = 0.5 + 0.49 * rs.NextUniform();
    for (const auto& [cloud, point, scale] :
         {std::tuple{v, vp, IndexScale::kLog}, std::tuple{g, gp, IndexScale::kLogOnePlus}}) {
      for (const bool signal : {false, true}) {
      const EstimandSummary s = SummariseEstimand(cloud, point, level, scale, std::numeric_limits<double>::quiet_NaN(),
                                                  signal ? point : std::numeric_limits<double>::quiet_NaN());
      if (!s.ok) continue;  // overflow of exp on absurd clouds
      const Interval& iv = s[EstimandMethod::kLogCentred];
      EXPECT_LE(iv.lower, s.point + 1e-12 * std::abs(s.point) + 1e-12) << trial;
      EXPECT_GE(iv.upper, s.point - 1e-12 * std::abs(s.point) - 1e-12) << trial;
      if (scale == IndexScale::kLog) {
        EXPECT_GT(iv.lower, 0.0) << trial;
      } else {
        // 1 + G > 0 unless the limit is below 1e-16 (log(1 + G) < -36),
        // where -1 is the nearest double.
        EXPECT_GE(iv.lower, -1.0) << trial;
        if (iv.lower == -1.0) {
          std::vector<double> h;
          for (double x : cloud)
            if (std::isfinite(ToScale(scale, x))) h.push_back(ToScale(scale, x));
          std::sort(h.begin(), h.end());
          const double alpha = (1 - level) / 2;
          const double pivot = signal ? ToScale(scale, point) : SortedQuantile(h, 0.5);
          EXPECT_LT(ToScale(scale, point) - (SortedQuantile(h, 1 - alpha) - pivot), -36.0) << trial;
        }
      }
      }
    }
  }
}

TEST(Estimands, CalibratedLevelByHand) {
  // u_b spread evenly over (0, 1): the interval at level l covers a share l,
  // so calibration keeps the nominal level.
  std::vector<double> uniform;
  for (int b = 0; b < 1000; ++b) uniform.push_back((b + 0.5) / 1000.0);
  EXPECT_NEAR(*CalibratedLevel(uniform, 0.9), 0.9, 0.002);
  // Outer estimands that land in the inner 10% tails twice as often as they
  // should (the inner spread is too small).
  std::vector<double> heavy;
  for (int b = 0; b < 800; ++b) heavy.push_back(0.05 + 0.9 * (b + 0.5) / 800.0);
  for (int b = 0; b < 100; ++b) heavy.push_back(0.05 * (b + 0.5) / 100.0);
  for (int b = 0; b < 100; ++b) heavy.push_back(1.0 - 0.05 * (b + 0.5) / 100.0);
  const double l = *CalibratedLevel(heavy, 0.9);
  // 80% of the needed levels lie below 0.9 and 20% evenly in [0.9, 1]: the
  // 90% quantile is 0.95.
  EXPECT_NEAR(l, 0.95, 0.005);
  EXPECT_FALSE(CalibratedLevel(std::vector<double>(10, 0.5), 0.9).has_value());  // too few outer values
  EXPECT_EQ(*CalibratedLevel(std::vector<double>(100, 0.0), 0.9), 0.995);        // clamped
}

TEST(Estimands, SignalPathEqualsTheExplicitRefit) {
  // SignalPath (sums of the log noise) against FittedPath (logs of the
  // replicate and the full projection) on every replicate: an independent
  // computation of the same refit.
  RandomStream rs(5, 0, 0);
  const auto x = testing::SimulateSeries(rs, 102, 18.0, 0.01, 0.6, 0.15);
  std::vector<double> component(102, 0.0);
  for (int t = 40; t < 102; ++t) component[t] = 0.7 * std::exp2(-(t - 40) / 6.0);
  for (const Scheme scheme : {Scheme::kResidual, Scheme::kSieve}) {
    for (const bool with_component : {false, true}) {
      ResamplerOptions o;
      o.scheme = scheme;
      const SeriesResampler r(x, YearMonth{2016, 1}, o,
                              with_component ? std::span<const double>(component) : std::span<const double>());
      Workspace ws(102);
      std::vector<double> rep(102), noise(102), signal(102), fitted(102);
      for (uint32_t b = 0; b < 50; ++b) {
        r.Generate(3, 0, b, rep, ws, noise);
        std::vector<double> plain(102);
        Workspace ws2(102);
        r.Generate(3, 0, b, plain, ws2);
        ASSERT_EQ(plain, rep) << "the noise output must not change the replicate";
        r.SignalPath(noise, signal);
        r.FittedPath(rep, fitted, ws2);
        for (int t = 0; t < 102; ++t) ASSERT_NEAR(signal[t], fitted[t], 1e-9 * fitted[t]) << ToString(scheme) << t;
      }
    }
  }
}

TEST(Estimands, SignalIndicesEqualTheIndicesOfTheWrittenPath) {
  // The one-pass V and G of the signal path against SignalPath followed by
  // the index kernel, for both schemes, with and without a kept component,
  // equal and linear weights, both bases, and lengths that are and are not
  // whole years (the last, partial year is a separate loop).
  for (const int n : {30, 102, 120}) {
    RandomStream rs(6, 0, static_cast<uint32_t>(n));
    const auto x = testing::SimulateSeries(rs, n, 18.0, 0.012, 0.5, 0.2);
    std::vector<double> component(static_cast<size_t>(n), 0.0);
    for (int t = n / 3; t < n; ++t) component[t] = 0.9 * std::exp2(-(t - n / 3) / 5.0);
    for (const Scheme scheme : {Scheme::kResidual, Scheme::kSieve})
      for (const bool with_component : {false, true})
        for (const Weighting weighting : {Weighting::kEqual, Weighting::kLinear}) {
          ResamplerOptions o;
          o.scheme = scheme;
          const SeriesResampler r(x, YearMonth{2016, 3}, o,
                                  with_component ? std::span<const double>(component) : std::span<const double>());
          IndexSpec spec;
          spec.weighting = weighting;
          const std::vector<double> w = MakeWeights(spec, n);
          Workspace ws(n);
          std::vector<double> rep(static_cast<size_t>(n)), noise(static_cast<size_t>(n)), path(static_cast<size_t>(n));
          for (uint32_t b = 0; b < 20; ++b) {
            r.Generate(11, 2, b, rep, ws, noise);
            r.SignalPath(noise, path);
            const IndexValues first = ComputeIndices(path, w, 1);
            const IndexValues first12 = ComputeIndices(path, w, 12);
            const SignalStatistics one = r.SignalIndices(noise, w, 1, 12);
            const SignalStatistics twelve = r.SignalIndices(noise, w, 12, 0);
            ASSERT_TRUE(one.values.ok() && twelve.values.ok());
            const std::string where = std::string(ToString(scheme)) + " n=" + std::to_string(n) +
                                      (with_component ? " component" : "") + " b=" + std::to_string(b);
            EXPECT_NEAR(one.values.V, first.V, 1e-12 * first.V) << where;
            EXPECT_NEAR(one.values.G, first.G, 1e-12 * std::abs(1.0 + first.G)) << where;
            EXPECT_NEAR(one.other_base_growth, first12.G, 1e-12 * std::abs(1.0 + first12.G)) << where;
            EXPECT_NEAR(twelve.values.G, first12.G, 1e-12 * std::abs(1.0 + first12.G)) << where;
            EXPECT_TRUE(std::isnan(twelve.other_base_growth));
          }
        }
  }
}

TEST(Estimands, WorkspaceHoldsTheLongestSievePath) {
  // The sieve's AR path is n + burn-in + p long, p up to floor(10 log10 n).
  for (const int n : {3, 24, 120, 1000}) {
    Workspace ws(n);
    const int max_order = static_cast<int>(std::floor(10.0 * std::log10(n)));
    EXPECT_GE(static_cast<int>(ws.a().size()), n + kSieveBurnIn + max_order) << n;
  }
}

BootstrapOptions Options(int threads) {
  BootstrapOptions o;
  o.replicates = 400;
  o.threads = threads;
  o.progress = false;
  return o;
}

TEST(Estimands, SeriesShorterThanABaseYear) {
  // 6 months: the first12 base is undefined. The signal's G under it is NaN
  // and the run's own base works; nothing throws (base sensitivity on).
  const std::vector<double> x = {10.0, 12.0, 11.0, 13.0, 14.0, 13.5};
  ResamplerOptions o;
  const SeriesResampler r(x, YearMonth{2020, 1}, o);
  const std::vector<double> w = MakeWeights(IndexSpec{}, 6), noise(6, 0.0);
  const SignalStatistics one = r.SignalIndices(noise, w, 1, 12);
  ASSERT_TRUE(one.values.ok());
  EXPECT_TRUE(std::isnan(one.other_base_growth));
  EXPECT_EQ(r.SignalIndices(noise, w, 12, 0).values.status, IndexStatus::kTooShort);
  const BootstrapResult b = RunSeriesBootstrap(x, YearMonth{2020, 1}, IndexSpec{}, Thresholds{}, Options(0));
  ASSERT_TRUE(b.groups[0].ok) << b.groups[0].note;
  EXPECT_FALSE(b.groups[0].base_variants[1].ok);
}

TEST(Estimands, BlockLengthOfAnOverflowingSeriesIsAnInputError) {
  const std::vector<double> huge = {1e300, 2e300, 1.5e300, 3e300, 2.5e300, 1e300};
  try {
    SelectBlockLength(huge);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("overflows double precision"), std::string::npos);
  }
}

// Every estimand's default interval holds its point and no impossible value.
void ExpectCoherent(const BootstrapResult& r, const std::string& what) {
  for (const GroupBootstrap& g : r.groups) {
    if (!g.ok) continue;
    for (int e = 0; e < kNumEstimands; ++e) {
      const auto& er = g.estimands[e];
      if (!er.ok) continue;
      for (const EstimandSummary* s : {&er.V, &er.G}) {
        const Interval& iv = (*s)[DefaultEstimandMethod(r.options)];
        ASSERT_TRUE(iv.ok) << what << " " << g.name;
        EXPECT_LE(iv.lower, s->point) << what << " " << g.name << " " << ToString(static_cast<Estimand>(e));
        EXPECT_GE(iv.upper, s->point) << what << " " << g.name << " " << ToString(static_cast<Estimand>(e));
      }
      EXPECT_GT(er.V[DefaultEstimandMethod(r.options)].lower, 0.0) << what << " " << g.name;
      EXPECT_GT(er.G[DefaultEstimandMethod(r.options)].lower, -1.0) << what << " " << g.name;
    }
  }
}

TEST(Estimands, DefaultPanelNoisyFirstMonthAndHeavyTails) {
  // (a) The default synthetic panel's 17 groups.
  const SimulationResult sim = Simulate(Scenario::Load("paper2025"), 1);
  const GroupSeries panel = AggregateGroups(sim.panel, Catalog::LoadDefault());
  BootstrapOptions o = Options(0);
  o.calibrate = true;
  o.calibration_outer = 60;
  o.calibration_inner = 60;
  const BootstrapResult r = RunBootstrap(panel, IndexSpec{}, Thresholds{}, o);
  ExpectCoherent(r, "default panel (calibrated)");
  o.calibrate = false;
  ExpectCoherent(RunBootstrap(panel, IndexSpec{}, Thresholds{}, o), "default panel");
  int signal_ok = 0;
  for (const GroupBootstrap& g : r.groups) signal_ok += g.estimands[1].ok;
  EXPECT_EQ(signal_ok, 17);

  // (b) A first month 5 times too low, and (c) heavy-tailed noise
  // (Student t with 2 degrees of freedom on the log scale).
  RandomStream rs(21, 0, 0);
  std::vector<double> noisy = testing::SimulateSeries(rs, 102, 19.0, 0.012, 0.4, 0.2);
  noisy[0] /= 5.0;
  std::vector<double> heavy(120);
  for (int t = 0; t < 120; ++t) {
    const double chi = (rs.NextNormal() * rs.NextNormal() + rs.NextNormal() * rs.NextNormal()) / 2.0;
    heavy[t] = std::exp(18.0 + 0.01 * t + rs.NextNormal() * 0.3 / std::sqrt(std::max(std::abs(chi), 1e-3)));
  }
  for (const Scheme s : {Scheme::kResidual, Scheme::kSieve, Scheme::kGrowth, Scheme::kLevels}) {
    BootstrapOptions so = Options(0);
    so.resampler.scheme = s;
    ExpectCoherent(RunSeriesBootstrap(noisy, YearMonth{2016, 1}, IndexSpec{}, Thresholds{}, so), "noisy first month");
    ExpectCoherent(RunSeriesBootstrap(heavy, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, so), "heavy tails");
  }
  // The low first month inflates G under base "first"; first12 averages it
  // out, and the engine's G under each base equals the index kernel's.
  const BootstrapResult nb = RunSeriesBootstrap(noisy, YearMonth{2016, 1}, IndexSpec{}, Thresholds{}, Options(0));
  const auto& first = nb.groups[0].base_variants[0];
  const auto& first12 = nb.groups[0].base_variants[1];
  IndexSpec f12;
  f12.base = BaseRule::kFirstYearMean;
  EXPECT_DOUBLE_EQ(first.G.point, ComputeSeriesIndices(noisy, {}, YearMonth{2016, 1}, IndexSpec{}).G);
  EXPECT_DOUBLE_EQ(first12.G.point, ComputeSeriesIndices(noisy, {}, YearMonth{2016, 1}, f12).G);
  EXPECT_GT(first.G.point, 2.0 * first12.G.point);
  EXPECT_EQ(nb.groups[0].base_changes_regime, first.point_regime != first12.point_regime);
}

TEST(Estimands, SchemeDiagnosticsFlagWhatTheSchemesDisagreeOn) {
  // A steady 2%-a-month trend: the residual, growth and sieve schemes keep
  // it (G high every time), the naive levels scheme scrambles it.
  RandomStream rs(8, 0, 0);
  const auto trending = testing::SimulateSeries(rs, 120, 18.0, 0.02, 0.3, 0.05);
  const BootstrapResult t = RunSeriesBootstrap(trending, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, Options(0));
  const auto& d = t.groups[0].scheme_diagnostics;
  for (const Scheme s : {Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve}) {
    ASSERT_TRUE(d[static_cast<int>(s)].ok) << ToString(s);
    EXPECT_LT(d[static_cast<int>(s)].regime_probability[static_cast<int>(Regime::kSubstitution)], 0.05) << ToString(s);
  }
  EXPECT_GT(d[static_cast<int>(Scheme::kLevels)].regime_probability[static_cast<int>(Regime::kSubstitution)], 0.5);
  EXPECT_TRUE(t.groups[0].scheme_disagreement);
  // The run's own scheme reuses its first replicates: the same numbers.
  std::array<int, 3> counts{};
  for (int r = 0; r < 99; ++r)
    ++counts[static_cast<int>(Classify(t.V_replicates[r], t.G_replicates[r], false, Thresholds{}).regime)];
  for (int k = 0; k < 3; ++k)
    EXPECT_DOUBLE_EQ(d[static_cast<int>(Scheme::kResidual)].regime_probability[k], counts[k] / 99.0);
  // A flat, calm series: every scheme says substitution, nothing is flagged.
  const auto flat = testing::SimulateSeries(rs, 120, 18.0, 0.0, 0.2, 0.03);
  const BootstrapResult f = RunSeriesBootstrap(flat, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, Options(0));
  EXPECT_FALSE(f.groups[0].scheme_disagreement) << f.groups[0].scheme_spread;
  EXPECT_LT(f.groups[0].scheme_spread, 0.25);
}

TEST(Estimands, ThreadInvariantWithCalibrationAndDiagnostics) {
  const SimulationResult sim = Simulate(Scenario::Load("paper2025"), 3);
  const GroupSeries panel = AggregateGroups(sim.panel, Catalog::LoadDefault());
  BootstrapOptions o1 = Options(1), o2 = Options(2);
  for (BootstrapOptions* o : {&o1, &o2}) {
    o->replicates = 200;
    o->calibrate = true;
    o->calibration_outer = 40;
    o->calibration_inner = 40;
    o->diagnostic_replicates = 50;
  }
  const BootstrapResult a = RunBootstrap(panel, IndexSpec{}, Thresholds{}, o1);
  const BootstrapResult b = RunBootstrap(panel, IndexSpec{}, Thresholds{}, o2);
  EXPECT_EQ(a.threads_used, 1);
  EXPECT_EQ(b.threads_used, 2);
  // The JSON of each group carries every number: equal text, bit for bit,
  // apart from the thread count.
  for (int g = 0; g < a.num_groups(); ++g) {
    std::string ja = FormatSeriesJson(a, g), jb = FormatSeriesJson(b, g);
    ja.replace(ja.find("\"threads\": 1"), 12, "\"threads\": X");
    jb.replace(jb.find("\"threads\": 2"), 12, "\"threads\": X");
    EXPECT_EQ(ja, jb) << g;
  }
  EXPECT_EQ(a.V_signal_replicates, b.V_signal_replicates);
}

TEST(Estimands, CalibratedIntervalIsTheLogCentredOneAtTheCalibratedLevel) {
  RandomStream rs(4, 0, 0);
  const auto x = testing::SimulateSeries(rs, 120, 18.0, 0.01, 0.7, 0.15);
  BootstrapOptions o = Options(0);
  o.calibrate = true;
  o.calibration_outer = 100;
  o.calibration_inner = 100;
  const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, o);
  ASSERT_TRUE(r.groups[0].ok);
  for (int e = 0; e < kNumEstimands; ++e) {
    const auto& er = r.groups[0].estimands[e];
    ASSERT_TRUE(er.ok);
    for (int index = 0; index < 2; ++index) {
      const EstimandSummary& s = index == 0 ? er.V : er.G;
      ASSERT_TRUE(std::isfinite(s.calibrated_level)) << e << index;
      EXPECT_GE(s.calibrated_level, 0.5);
      EXPECT_LE(s.calibrated_level, 0.995);
      // Recomputed from the kept replicates at the reported level.
      const std::vector<double>& rep = e == 0 ? (index == 0 ? r.V_replicates : r.G_replicates)
                                              : (index == 0 ? r.V_signal_replicates : r.G_signal_replicates);
      const IndexScale scale = index == 0 ? IndexScale::kLog : IndexScale::kLogOnePlus;
      std::vector<double> h;
      for (double v : rep)
        if (std::isfinite(ToScale(scale, v))) h.push_back(ToScale(scale, v));
      std::sort(h.begin(), h.end());
      // Observed pivots on the replicates' median, signal on its estimator.
      const double pivot = e == 0 ? std::numeric_limits<double>::quiet_NaN() : ToScale(scale, s.estimator);
      const Interval expect = LogCentredInterval(h, ToScale(scale, s.estimator), s.calibrated_level, scale, pivot);
      EXPECT_DOUBLE_EQ(s[EstimandMethod::kLogCentredCalibrated].lower, expect.lower);
      EXPECT_DOUBLE_EQ(s[EstimandMethod::kLogCentredCalibrated].upper, expect.upper);
    }
  }
  const std::string j = FormatSeriesJson(r);
  EXPECT_NE(j.find("\"method\": \"log_centred_calibrated\""), std::string::npos);
  EXPECT_NE(j.find("\"level_used\": "), std::string::npos);
}

TEST(Estimands, JsonContract) {
  RandomStream rs(2, 0, 0);
  const auto x = testing::SimulateSeries(rs, 60, 10.0, 0.01, 0.3, 0.1);
  const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2019, 1}, IndexSpec{}, Thresholds{}, Options(1));
  const std::string j = FormatSeriesJson(r);
  for (const char* key :
       {"\"estimands\": {\"observed\": {\"point\": ", "\"signal\": {\"point\": ", "\"interval\": [",
        "\"method\": \"log_centred\", \"level\": 0.90000000000000002", "\"default_estimand\": \"observed\"",
        "\"scheme_regime_probability\": {\"levels\": {\"stockpiling\": ", "\"residual\": {", "\"growth\": {",
        "\"sieve\": {", "\"scheme_disagreement\": ", "\"regime_probability_estimand\": \"observed\"",
        "\"signal_regime_probability\": {", "\"base_sensitivity\": {\"estimand\": \"observed\", \"first\": {"})
    EXPECT_NE(j.find(key), std::string::npos) << key << "\n" << j;
  // Today's fields stay.
  for (const char* key : {"\"intervals\": {\"percentile\": ", "\"basic\": ", "\"bca\": ", "\"regime_probability\": {"})
    EXPECT_NE(j.find(key), std::string::npos) << key;
  // Under the levels scheme there is no fitted path: the signal estimand
  // says so instead of printing numbers.
  BootstrapOptions levels = Options(1);
  levels.resampler.scheme = Scheme::kLevels;
  const std::string jl = FormatSeriesJson(RunSeriesBootstrap(x, YearMonth{2019, 1}, IndexSpec{}, Thresholds{}, levels));
  EXPECT_NE(jl.find("\"signal\": {\"point\": null, \"estimator\": null, \"interval\": null"), std::string::npos) << jl;
  EXPECT_NE(jl.find("has no fitted noise-free path"), std::string::npos);
}

}  // namespace
}  // namespace chokepoint::bootstrap
