// The planted-truth study (robustness/models/study.h): truths derived by hand
// on noise-free paths, a noise-free design whose every draw equals its truth,
// power against size of the surge call, thread invariance in explicit
// one- and two-thread arenas, and design validation naming the key.
#include "chokepoint/robustness/models/study.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint::robustness {
namespace {

StudyDesign Small() {
  StudyDesign d;
  d.draws = 30;
  d.seed = 7;
  d.months = {60};
  d.codes = {3};
  d.trend = {0.0, 0.02};
  d.surge_amplitude = {0.0};
  d.surge_onset = {30};
  d.seasonal_amplitude = {0.0};
  d.rho = {0.3};
  d.noise_sd = {0.05};
  d.bootstrap_replicates = 0;
  return d;
}

// G of exp(trend * t), t = 0..T-1, with linear weights w_t = t + 1 and base x_1
// (docs/method.md §2.3), summed directly.
double LinearG(double trend, int T) {
  double num = 0, den = 0;
  for (int t = 0; t < T; ++t) {
    num += (t + 1) * std::exp(trend * t);
    den += t + 1;
  }
  return num / den - 1.0;
}

TEST(Study, TruthsOfNoiseFreePathsAreDerivedByHand) {
  const std::vector<StudyPoint> points = StudyPoints(Small());
  ASSERT_EQ(points.size(), 2u);
  // Flat path, no month effects: V = 0, G = 0 -> low growth -> substitution.
  EXPECT_TRUE(points[0].signal_ok);
  EXPECT_NEAR(points[0].V_signal, 0.0, 1e-12);
  EXPECT_NEAR(points[0].G_signal, 0.0, 1e-12);
  EXPECT_EQ(points[0].rule_truth, Regime::kSubstitution);
  EXPECT_EQ(points[0].process_truth, Regime::kSubstitution);
  // 2% a month for 60 months.
  EXPECT_NEAR(points[1].G_signal, LinearG(0.02, 60), 1e-12);
  EXPECT_GT(points[1].G_signal, 0.5);
  EXPECT_EQ(points[1].process_truth, Regime::kNoEffect);
  // A planted surge makes the process stockpiling whatever the rule says.
  StudyDesign d = Small();
  d.surge_amplitude = {0.8};
  EXPECT_EQ(StudyPoints(d)[0].process_truth, Regime::kStockpiling);
}

TEST(Study, WithoutNoiseEveryDrawIsItsTruth) {
  StudyDesign d = Small();
  d.noise_sd = {0.0};
  d.draws = 3;
  const StudyResult r = RunStudy(d);
  ASSERT_EQ(r.draws.size(), 6u);
  for (const StudyDraw& x : r.draws) {
    const StudyPoint& p = r.points[static_cast<size_t>(x.point)];
    EXPECT_NEAR(x.V, p.V_signal, 1e-12);
    EXPECT_NEAR(x.G, p.G_signal, 1e-12);
    EXPECT_EQ(x.rule, static_cast<int>(p.rule_truth));
  }
  for (const StudySummary& s : r.summaries) {
    EXPECT_EQ(s.misclassified_rule, 0.0);
    EXPECT_EQ(s.defined, 3);
  }
  // Confusion counts add up to the draws.
  int total = 0;
  for (const auto& row : r.confusion_rule)
    for (int c : row) total += c;
  EXPECT_EQ(total, 6);
}

TEST(Study, SurgeCallHasPowerAgainstLargeSurgesAndSmallSize) {
  StudyDesign d = Small();
  d.months = {120};
  d.trend = {0.005};
  d.surge_amplitude = {0.0, 1.0};
  d.surge_onset = {50};
  d.surge_half_life = {6.0};
  d.noise_sd = {0.04};
  d.draws = 40;
  const StudyResult r = RunStudy(d);
  ASSERT_EQ(r.summaries.size(), 2u);
  // With no surge the model rarely calls one; a one-log-point surge it nearly always finds.
  EXPECT_LE(r.summaries[0].surge_called, 0.15);
  EXPECT_GE(r.summaries[1].surge_called, 0.9);
  EXPECT_GE(r.summaries[1].surge_recovered, 0.7);
  EXPECT_FALSE(std::isnan(r.summaries[0].surge_recovered));  // 0 of the draws: none is planted
}

TEST(Study, BootstrapGivesProbabilitiesAndCoverage) {
  StudyDesign d = Small();
  d.trend = {0.01};
  d.draws = 12;
  d.bootstrap_replicates = 49;
  const StudyResult r = RunStudy(d);
  const StudySummary& s = r.summaries[0];
  EXPECT_TRUE(std::isfinite(s.mean_p_true));
  EXPECT_GE(s.mean_p_true, 0.0);
  EXPECT_LE(s.mean_p_true, 1.0);
  for (const StudyDraw& x : r.draws) {
    const double sum = x.p_regime[0] + x.p_regime[1] + x.p_regime[2];
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_LE(x.G_obs_lo, x.G_obs_hi);
  }
  EXPECT_TRUE(std::isfinite(s.cover_G_signal));
  EXPECT_TRUE(std::isfinite(s.cover_G_observed));
}

// The analysis axes: g* and v_hi move the truths as the rule says; a window
// of the last W months is the index of those months; each interval method is
// the bootstrap's own interval of that name.
TEST(Study, ThresholdWindowAndIntervalAxes) {
  StudyDesign d = Small();
  d.trend = {0.02};
  d.growth_threshold = {0.5, 1.5};
  d.window_months = {0, 36};
  ASSERT_EQ(d.num_points(), 4);
  const std::vector<StudyPoint> points = StudyPoints(d);
  // Order: g* (outer), then window (inner).
  EXPECT_EQ(points[0].thresholds.growth, 0.5);
  EXPECT_EQ(points[1].window_months, 36);
  EXPECT_EQ(points[2].thresholds.growth, 1.5);
  EXPECT_EQ(points[0].thresholds.volatility_high, d.thresholds.volatility_high);  // no v_hi axis: the fixed one
  // Whole series: G = LinearG(0.02, 60) = 0.77 (by hand above): high against 0.5, low against 1.5.
  EXPECT_NEAR(points[0].G_signal, LinearG(0.02, 60), 1e-12);
  EXPECT_NE(points[0].rule_truth, Regime::kSubstitution);
  EXPECT_EQ(points[2].rule_truth, Regime::kSubstitution);
  EXPECT_EQ(points[2].process_truth, Regime::kSubstitution);
  // The last 36 months: the same growth rate over a shorter window.
  EXPECT_NEAR(points[1].G_signal, LinearG(0.02, 36), 1e-12);
  // v_hi as an axis: a flat seasonal path has V > 0; v_hi above it is not high.
  StudyDesign v = Small();
  v.trend = {0.03};
  v.seasonal_amplitude = {0.3};
  v.volatility_high_threshold = {0.25, 0.9};
  const auto vp = StudyPoints(v);
  ASSERT_EQ(vp.size(), 2u);
  ASSERT_GT(vp[0].V_signal, 0.25);
  ASSERT_LT(vp[0].V_signal, 0.9);
  EXPECT_EQ(vp[0].rule_truth, Regime::kStockpiling);
  EXPECT_EQ(vp[1].rule_truth, Regime::kNoEffect);
  // Interval methods: the same draws (a one-point design, so the same
  // streams) give the same statistics and regime probabilities, and the
  // interval of the method asked: percentile quantiles are not the
  // log-centred interval.
  StudyDesign b = Small();
  b.trend = {0.01};
  b.draws = 4;
  b.bootstrap_replicates = 49;
  b.interval = {bootstrap::EstimandMethod::kLogCentred};
  const StudyResult centred = RunStudy(b);
  b.interval = {bootstrap::EstimandMethod::kPercentile};
  const StudyResult percentile = RunStudy(b);
  EXPECT_EQ(percentile.points[0].interval, bootstrap::EstimandMethod::kPercentile);
  int differ = 0;
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(centred.draws[k].G, percentile.draws[k].G);
    EXPECT_EQ(centred.draws[k].p_regime, percentile.draws[k].p_regime);
    differ += centred.draws[k].G_obs_lo != percentile.draws[k].G_obs_lo;
  }
  EXPECT_EQ(differ, 4);
  // Design errors name the key.
  StudyDesign bad = Small();
  bad.window_months = {12};
  std::string why;
  EXPECT_FALSE(bad.IsValid(&why));
  EXPECT_NE(why.find("study.window_months"), std::string::npos) << why;
  bad = Small();
  bad.volatility_high_threshold = {0.1};  // below v_lo 0.24
  EXPECT_FALSE(bad.IsValid(&why));
  EXPECT_NE(why.find("study.volatility_high_threshold"), std::string::npos) << why;
}

TEST(Study, SameNumbersOnOneAndTwoThreads) {
  StudyDesign d = Small();
  d.draws = 10;
  d.bootstrap_replicates = 29;
  StudyResult one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = RunStudy(d);
  }
  tbb::task_arena arena(2);
  arena.execute([&] { two = RunStudy(d); });
  ASSERT_EQ(one.draws.size(), two.draws.size());
  for (size_t i = 0; i < one.draws.size(); ++i) {
    const StudyDraw &a = one.draws[i], &b = two.draws[i];
    EXPECT_EQ(a.V, b.V) << i;
    EXPECT_EQ(a.G, b.G) << i;
    EXPECT_EQ(a.rule, b.rule) << i;
    EXPECT_EQ(a.verdict, b.verdict) << i;
    for (int k = 0; k < 3; ++k) EXPECT_EQ(a.p_regime[k], b.p_regime[k]) << i;
    EXPECT_EQ(a.G_obs_lo, b.G_obs_lo) << i;
  }
  // A different seed gives different draws (the comparison can fail).
  d.seed = 8;
  const StudyResult other = RunStudy(d);
  EXPECT_NE(other.draws[0].V, one.draws[0].V);
}

TEST(Study, DesignErrorsNameTheKey) {
  const auto parse = [](const std::string& text) {
    const toml::table t = ParseTomlText(text, "d.toml");
    return StudyDesign::FromToml(TomlSection(t["study"].as_table(), "study", "d.toml"));
  };
  const auto error_of = [&](const std::string& text) -> std::string {
    try {
      parse(text);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error_of("[study]\ndraws = 0\n").find("study.draws"), std::string::npos);
  EXPECT_NE(error_of("[study]\nmonths = [100]\n").find("d.toml:2:"), std::string::npos);
  EXPECT_NE(error_of("[study]\nrho = [1.0]\n").find("study.rho"), std::string::npos);
  EXPECT_NE(error_of("[study]\nscheme = [\"bogus\"]\n").find("bogus"), std::string::npos);
  EXPECT_NE(error_of("[study]\nweighting = [\"exponential\"]\n").find("study.weighting"), std::string::npos);
  EXPECT_NE(error_of("[study]\nnoise_level = 1\n").find("noise_level"), std::string::npos);
  EXPECT_NE(error_of("[study]\n[study.thresholds]\ngrowth = \"x\"\n").find("growth"), std::string::npos);
  // The resolved design reads back to itself.
  StudyDesign d = Small();
  d.weighting = {Weighting::kEqual, Weighting::kQuadratic};
  d.base = {BaseRule::kFirstYearMean};
  d.noise = StudyNoise::kStudentT5;
  toml::table t;
  t.insert("study", d.ToToml());
  const StudyDesign back = StudyDesign::FromToml(TomlSection(t["study"].as_table(), "study", "x"));
  EXPECT_EQ(back.weighting, d.weighting);
  EXPECT_EQ(back.base, d.base);
  EXPECT_EQ(back.noise, StudyNoise::kStudentT5);
  EXPECT_EQ(back.trend, d.trend);
  EXPECT_EQ(back.num_points(), d.num_points());
}

}  // namespace
}  // namespace chokepoint::robustness
