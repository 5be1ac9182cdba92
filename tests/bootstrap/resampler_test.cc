#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/error.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

TEST(ResamplerTest, EnumSpellingsRoundTrip) {
  for (Scheme s : {Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve, Scheme::kLevels})
    EXPECT_EQ(SchemeFromString(ToString(s)), s);
  for (BlockMethod b : {BlockMethod::kStationary, BlockMethod::kCircular, BlockMethod::kMoving})
    EXPECT_EQ(BlockMethodFromString(ToString(b)), b);
  EXPECT_EQ(ToString(Scheme::kResidual), "residual");
  EXPECT_EQ(ToString(BlockMethod::kStationary), "stationary");
  EXPECT_FALSE(SchemeFromString("Residual"));
  EXPECT_FALSE(BlockMethodFromString("geom"));
}

TEST(ResamplerTest, OptionsValidationNamesTheField) {
  ResamplerOptions o;
  std::string error;
  EXPECT_TRUE(o.IsValid(&error));
  o.block_length = 0.5;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("bootstrap.block_length"), std::string::npos);
  o.block_length = -1;
  EXPECT_FALSE(o.IsValid(&error));
}

TEST(ResamplerTest, RejectsNonPositiveValuesForLogSchemes) {
  std::vector<double> x(36, 1.0);
  x[5] = 0.0;
  EXPECT_THROW(SeriesResampler(x, YearMonth{2015, 1}, ResamplerOptions{}), Error);
  ResamplerOptions levels;
  levels.scheme = Scheme::kLevels;
  EXPECT_NO_THROW(SeriesResampler(x, YearMonth{2015, 1}, levels));
}

// Noise-free trend + month effects: residuals (residual scheme) and centred
// changes (growth scheme) are zero, so every replicate is the series itself.
TEST(ResamplerTest, NoiseFreeSeriesIsReproducedByTrendRespectingSchemes) {
  RandomStream rs(7, 0, 0);
  std::vector<double> truth;
  testing::SimulateSeries(rs, 120, 20.0, 0.01, 0.5, 0.0, &truth);
  for (Scheme s : {Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve}) {
    SCOPED_TRACE(std::string(ToString(s)));
    ResamplerOptions o;
    o.scheme = s;
    o.block_length = 5;
    SeriesResampler r(truth, YearMonth{2015, 3}, o);
    Workspace ws(120);
    std::vector<double> out(120);
    r.Generate(1, 2, 3, out, ws);
    for (int t = 0; t < 120; ++t) EXPECT_NEAR(out[t] / truth[t], 1.0, 1e-9) << t;
  }
}

TEST(ResamplerTest, ResidualSchemeKeepsTrendAndResamplesResiduals) {
  RandomStream rs(8, 0, 0);
  std::vector<double> truth;
  const auto x = testing::SimulateSeries(rs, 120, 20.0, 0.01, 0.5, 0.1, &truth);
  ResamplerOptions o;  // residual, stationary, auto
  SeriesResampler r(x, YearMonth{2015, 1}, o);
  ASSERT_TRUE(r.automatic().has_value());
  EXPECT_TRUE(r.month_effects());
  EXPECT_DOUBLE_EQ(r.block_length_used(), r.automatic()->stationary);
  // Residuals of an OLS fit with intercept sum to zero.
  const auto e = r.resampled_object();
  EXPECT_NEAR(std::accumulate(e.begin(), e.end(), 0.0), 0.0, 1e-9);
  // The object is the OLS residuals rescaled by sqrt(n / (n - k)), k = 13.
  const double scale = std::sqrt(120.0 / 107.0);
  // Replicate / fitted = exp(e*) with e* drawn from the rescaled residuals.
  Workspace ws(120);
  std::vector<double> out(120);
  r.Generate(5, 0, 11, out, ws);
  std::vector<double> sorted(e.begin(), e.end());
  std::sort(sorted.begin(), sorted.end());
  for (int t = 0; t < 120; ++t) {
    const double fitted_log = std::log(x[t]) - e[t] / scale;
    const double estar = std::log(out[t]) - fitted_log;
    const auto it = std::lower_bound(sorted.begin(), sorted.end(), estar - 1e-9);
    ASSERT_TRUE(it != sorted.end() && std::fabs(*it - estar) < 1e-9) << t;
  }
}

TEST(ResamplerTest, GenerateIsAPureFunctionOfTheStreamKey) {
  RandomStream rs(9, 0, 0);
  const auto x = testing::SimulateSeries(rs, 96, 15.0, 0.005, 0.6, 0.15);
  for (Scheme s : {Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve, Scheme::kLevels}) {
    ResamplerOptions o;
    o.scheme = s;
    SeriesResampler r(x, YearMonth{2016, 1}, o);
    Workspace ws1(96), ws2(200);
    std::vector<double> a(96), b(96), c(96);
    r.Generate(42, 3, 17, a, ws1);
    r.Generate(42, 3, 18, c, ws1);
    r.Generate(42, 3, 17, b, ws2);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
  }
}

// Circular blocks of fixed length L: the replicate is made of runs of L
// consecutive (mod n) observations; moving blocks never wrap.
TEST(ResamplerTest, FixedBlocksAreConsecutiveRuns) {
  std::vector<double> x(50);
  std::iota(x.begin(), x.end(), 1.0);  // value = position + 1
  for (BlockMethod m : {BlockMethod::kCircular, BlockMethod::kMoving}) {
    ResamplerOptions o;
    o.scheme = Scheme::kLevels;
    o.blocks = m;
    o.block_length = 7;
    SeriesResampler r(x, YearMonth{2015, 1}, o);
    EXPECT_EQ(r.block_length_used(), 7.0);
    Workspace ws(50);
    std::vector<double> out(50);
    bool wrapped = false;
    for (uint32_t rep = 0; rep < 200; ++rep) {
      r.Generate(1, 0, rep, out, ws);
      for (int t = 0; t < 50; ++t) {
        if (t % 7 == 0) continue;
        const double expected = out[t - 1] == 50.0 ? 1.0 : out[t - 1] + 1.0;
        if (out[t - 1] == 50.0) wrapped = true;
        ASSERT_EQ(out[t], expected);
      }
    }
    if (m == BlockMethod::kMoving) EXPECT_FALSE(wrapped);
    else EXPECT_TRUE(wrapped);
  }
}

TEST(ResamplerTest, StationaryBlocksHaveGeometricMeanLength) {
  std::vector<double> x(200);
  std::iota(x.begin(), x.end(), 1.0);
  ResamplerOptions o;
  o.scheme = Scheme::kLevels;
  o.block_length = 8;
  SeriesResampler r(x, YearMonth{2015, 1}, o);
  Workspace ws(200);
  std::vector<double> out(200);
  // Breaks between consecutive values estimate 1 / L (a block starting at the
  // successor of the previous end is rare: 1/n).
  long breaks = 0, pairs = 0;
  for (uint32_t rep = 0; rep < 400; ++rep) {
    r.Generate(3, 0, rep, out, ws);
    for (int t = 1; t < 200; ++t) {
      const double expected = out[t - 1] == 200.0 ? 1.0 : out[t - 1] + 1.0;
      breaks += out[t] != expected;
      ++pairs;
    }
  }
  const double p = static_cast<double>(breaks) / pairs;
  EXPECT_NEAR(p, (1.0 / 8) * (1.0 - 1.0 / 200), 0.005);
}

TEST(ResamplerTest, StationaryBlockLengthsAreGeometric) {
  // Block lengths from ForEachBlock (the draws Generate uses), last block of
  // each replicate excluded (it is cut at m): P(len = k) = q^(k-1) (1 - q),
  // q = 1 - 1/L. Chi-square over k = 1..24 and the tail k > 24, df 24: below
  // the 99.9% quantile 51.18 (scipy.stats.chi2.ppf). L = 6 exercises the
  // table, the 16-bit decision and the 48-bit refinement; lengths beyond the
  // table (k > 48) the log tail.
  std::vector<double> x(1000, 1.0);
  ResamplerOptions o;
  o.scheme = Scheme::kLevels;
  o.block_length = 6.0;
  SeriesResampler r(x, YearMonth{2000, 1}, o);
  const int cells = 25;
  std::vector<long> count(cells, 0);
  long blocks = 0, longest = 0;
  for (uint32_t rep = 0; rep < 400; ++rep) {
    RandomStream rs(12, 0, rep);
    uint32_t last_len = 0;
    long last_cell = -1;
    r.ForEachBlock(rs, 1000, [&](uint32_t, uint32_t, uint32_t len) {
      if (last_cell >= 0) {
        ++count[last_cell];
        ++blocks;
      }
      last_len = len;
      last_cell = std::min<long>(len, cells) - 1;
      longest = std::max<long>(longest, len);
    });
    (void)last_len;
  }
  const double q = 1.0 - 1.0 / 6.0;
  double chi2 = 0;
  for (int k = 1; k <= cells; ++k) {
    const double p = k < cells ? std::pow(q, k - 1) * (1 - q) : std::pow(q, cells - 1);
    const double e = p * blocks;
    chi2 += (count[k - 1] - e) * (count[k - 1] - e) / e;
  }
  EXPECT_GT(blocks, 60000);
  EXPECT_LT(chi2, 51.18);
  EXPECT_GT(longest, 48);  // the tail beyond the table was reached
}

TEST(ResamplerTest, SieveRecoversArOrderOnALongAr1) {
  RandomStream rs(10, 0, 0);
  const auto x = testing::SimulateSeries(rs, 600, 15.0, 0.002, 0.7, 0.1);
  ResamplerOptions o;
  o.scheme = Scheme::kSieve;
  SeriesResampler r(x, YearMonth{2000, 1}, o);
  ASSERT_GE(r.ar_order(), 1);
  EXPECT_NEAR(r.ar_coefficients()[0], 0.7, 0.12);
  EXPECT_EQ(r.block_length_used(), 1.0);
}

// Burn-in from the impulse response (values by an independent numpy
// recursion): AR(1) 0.5 needs 0.25^b <= 1e-12, b = 20; persistent
// processes keep the longest burn-in.
TEST(ResamplerTest, SieveBurnInFollowsTheImpulseResponse) {
  EXPECT_EQ(SieveBurnIn(std::vector<double>{}), 0);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{0.0}), 1);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{0.5}), 20);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{-0.5}), 20);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{0.6, 0.2}), 79);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{1.2, -0.5}), 41);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{0.9}), kSieveBurnIn);
  EXPECT_EQ(SieveBurnIn(std::vector<double>{1.0}), kSieveBurnIn);  // a unit root never forgets
  EXPECT_EQ(SieveBurnIn(std::vector<double>{1.5}), kSieveBurnIn);  // explosive: the longest
}

// The replicate's AR path is stationary from its first month: on a long
// AR(1) with phi near 0.7 the replicates' first-month log variance matches
// the last month's (a short burn-in would leave the first months quieter).
TEST(ResamplerTest, SieveReplicatesStartStationary) {
  RandomStream rs(10, 0, 0);
  const auto x = testing::SimulateSeries(rs, 600, 15.0, 0.002, 0.7, 0.1);
  ResamplerOptions o;
  o.scheme = Scheme::kSieve;
  SeriesResampler r(x, YearMonth{2000, 1}, o);
  ASSERT_GE(r.sieve_burn_in(), r.ar_order());
  ASSERT_LT(r.sieve_burn_in(), kSieveBurnIn);
  Workspace ws(600);
  std::vector<double> out(600), noise(600);
  double first = 0, last = 0;
  const int reps = 4000;
  for (int k = 0; k < reps; ++k) {
    r.Generate(3, 0, static_cast<uint32_t>(k), out, ws, noise);
    first += noise[0] * noise[0];
    last += noise[599] * noise[599];
  }
  // Both estimate the same variance; 4000 draws give each about 3% error.
  EXPECT_NEAR(first / last, 1.0, 0.12);
}

TEST(ResamplerTest, JackknifeSeriesDeletesBlocks) {
  std::vector<double> x = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  ResamplerOptions levels;
  levels.scheme = Scheme::kLevels;
  levels.block_length = 3;
  SeriesResampler r(x, YearMonth{2015, 1}, levels);
  std::vector<double> out(10);
  ASSERT_EQ(r.JackknifeSeries(3, 3, out), 7);
  EXPECT_EQ(std::vector<double>(out.begin(), out.begin() + 7), (std::vector<double>{1, 2, 4, 64, 128, 256, 512}));
  // Growth: deleted months' changes removed, rest re-integrated from x_1;
  // every change is log 2 so the result is 1, 2, 4, ... of length 7.
  ResamplerOptions growth;
  growth.scheme = Scheme::kGrowth;
  growth.block_length = 3;
  SeriesResampler g(x, YearMonth{2015, 1}, growth);
  for (int start : {0, 3, 7}) {
    ASSERT_EQ(g.JackknifeSeries(start, 3, out), 7);
    for (int t = 0; t < 7; ++t) EXPECT_NEAR(out[t], std::pow(2.0, t), 1e-9) << start << " " << t;
  }
}

}  // namespace
}  // namespace chokepoint::bootstrap
