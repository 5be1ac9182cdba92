// RandomStream: Philox4x32-10 known-answer values; HalfWords: 16-bit draws
// from the same words, and exact uniform integers from them.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "chokepoint/core/random.h"

namespace chokepoint {
namespace {

TEST(RandomStream, PhiloxKnownAnswer) {
  // Random123's published known-answer test for philox4x32_10 with counter
  // and key all zero: 6627e8d5 e169c58d bc57ac4c 9b00dbd8. RandomStream
  // (seed 0, streams 0, 0) starts at that counter and key.
  RandomStream rs(0, 0, 0);
  EXPECT_EQ(rs.NextU32(), 0x6627e8d5u);
  EXPECT_EQ(rs.NextU32(), 0xe169c58du);
  EXPECT_EQ(rs.NextU32(), 0xbc57ac4cu);
  EXPECT_EQ(rs.NextU32(), 0x9b00dbd8u);
}

TEST(HalfWords, HighHalfFirstThenLowHalf) {
  RandomStream words(9, 1, 2);
  RandomStream same(9, 1, 2);
  HalfWords<RandomStream> halves(same);
  for (int i = 0; i < 100; ++i) {
    const uint32_t w = words.NextU32();
    ASSERT_EQ(halves.Next16(), w >> 16);
    ASSERT_EQ(halves.Next16(), w & 0xFFFFu);
  }
  // Next32 joins two halves, high first.
  const uint32_t w = words.NextU32();
  EXPECT_EQ(halves.Next32(), w);
}

TEST(HalfWords, BelowIsUniformAndInRange) {
  // Chi-square over n = 120 cells with 240,000 draws, df 119: between the
  // 0.1% and 99.9% quantiles (76.95, 172.42; scipy.stats.chi2.ppf). And the
  // 32-bit path for n > 65536 stays in range.
  RandomStream rs(4, 0, 0);
  HalfWords<RandomStream> bits(rs);
  const uint32_t n = 120;
  std::vector<int> count(n, 0);
  const int draws = 240000;
  for (int i = 0; i < draws; ++i) {
    const uint32_t v = bits.Below(n);
    ASSERT_LT(v, n);
    ++count[v];
  }
  double chi2 = 0;
  const double expected = double(draws) / n;
  for (int c : count) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 172.42);
  EXPECT_GT(chi2, 76.95);
  for (int i = 0; i < 1000; ++i) ASSERT_LT(bits.Below(100000), 100000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bits.Below(1), 0u);
}

TEST(RandomStream, StreamsDifferByKeyAndCounter) {
  RandomStream a(5, 0, 0), b(5, 0, 1), c(6, 0, 0);
  const uint32_t x = a.NextU32();
  EXPECT_NE(x, b.NextU32());
  EXPECT_NE(x, c.NextU32());
}

}  // namespace
}  // namespace chokepoint
