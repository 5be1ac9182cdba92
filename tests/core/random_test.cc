// RandomStream: Philox4x32-10 known-answer values; HalfWords: 16-bit draws
// from the same words, and exact uniform integers from them.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "chokepoint/core/kernel_isa.h"
#include "chokepoint/core/random.h"
#include "kernel_isa_scope.h"

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

// Random123's Philox4x32 one block at a time: the reference the batched
// fill must reproduce word for word.
std::vector<uint32_t> ReferenceWords(RandomStream::Philox::ctr_type c, RandomStream::Philox::key_type k, int blocks) {
  std::vector<uint32_t> out;
  for (int b = 0; b < blocks; ++b) {
    const RandomStream::Philox::ctr_type w = RandomStream::Philox()(c, k);
    out.insert(out.end(), w.v, w.v + 4);
    if (++c.v[2] == 0) ++c.v[3];
  }
  return out;
}

TEST(RandomStream, BatchedBlocksAreRandom123sWordsOnEveryInstructionSet) {
  std::mt19937_64 pick(3);
  for (KernelIsa isa : testing::AvailableKernelIsas()) {
    testing::KernelIsaScope scope(isa);
    ASSERT_TRUE(scope.ok());
    SCOPED_TRACE(std::string(ToString(isa)));
    // A stream's first 1,000 words against block-at-a-time Philox.
    RandomStream rs(0x0123456789abcdefull, 17, 99);
    const std::vector<uint32_t> want = ReferenceWords({{17u, 99u, 0u, 0u}}, {{0x89abcdefu, 0x01234567u}}, 250);
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(rs.NextU32(), want[i]) << "word " << i;
    // Counters where the third word wraps inside the four blocks (the carry
    // into the fourth, itself wrapping from all ones), and random ones.
    std::vector<RandomStream::Philox::ctr_type> counters = {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
                                                            {{1u, 2u, 0xfffffffeu, 7u}},
                                                            {{1u, 2u, 0xfffffffdu, 0xffffffffu}}};
    for (int i = 0; i < 200; ++i)
      counters.push_back({{static_cast<uint32_t>(pick()), static_cast<uint32_t>(pick()),
                           static_cast<uint32_t>(pick()), static_cast<uint32_t>(pick())}});
    for (const auto& c : counters) {
      const RandomStream::Philox::key_type k = {{static_cast<uint32_t>(pick()), static_cast<uint32_t>(pick())}};
      uint32_t got[RandomStream::kWords];
      RandomStream::FillPhiloxBlocks(c, k, got);
      const std::vector<uint32_t> ref = ReferenceWords(c, k, RandomStream::kBlocksPerRefill);
      ASSERT_EQ(std::memcmp(got, ref.data(), sizeof got), 0) << std::hex << c.v[0] << " " << c.v[1] << " " << c.v[2]
                                                             << " " << c.v[3];
    }
  }
  // Random123's published answer for counter and key all ones.
  uint32_t ones[RandomStream::kWords];
  RandomStream::FillPhiloxBlocks({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, {{0xffffffffu, 0xffffffffu}},
                                 ones);
  EXPECT_EQ(ones[0], 0x408f276du);
  EXPECT_EQ(ones[1], 0x41c83b0eu);
  EXPECT_EQ(ones[2], 0xa20bc7c6u);
  EXPECT_EQ(ones[3], 0x6d5451fdu);
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
