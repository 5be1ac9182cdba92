// Counter-based random streams (Random123 Philox4x32-10). A stream is keyed by
// (seed, stream_a, stream_b), e.g. (seed, group, replicate), so any worker
// computes its numbers without coordination and results do not depend on how
// work is split across threads or MPI ranks. No global state but the
// instruction set the blocks are computed with (kernel_isa.h), which does
// not change a word.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include <Random123/philox.h>

namespace chokepoint {

// Uniform integer in [0, n), n >= 1, from 32-bit words next32(): Lemire's
// multiply-shift with rejection (exact, no modulo bias).
template <class Next32>
inline uint32_t LemireBelow(uint32_t n, Next32&& next32) {
  uint64_t m = static_cast<uint64_t>(next32()) * n;
  uint32_t low = static_cast<uint32_t>(m);
  if (low < n) {
    const uint32_t threshold = static_cast<uint32_t>(-n) % n;
    while (low < threshold) {
      m = static_cast<uint64_t>(next32()) * n;
      low = static_cast<uint32_t>(m);
    }
  }
  return static_cast<uint32_t>(m >> 32);
}

// SplitMix64's finaliser: a well-mixed 64-bit key derived from another, for
// stream families that must never coincide with the run's own (calibration,
// simulation draws).
inline uint64_t MixKey(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  using Philox = r123::Philox4x32;

  RandomStream(uint64_t seed, uint32_t stream_a, uint32_t stream_b) {
    key_ = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
    counter_ = {{stream_a, stream_b, 0u, 0u}};
  }

  // Next 32 random bits.
  uint32_t NextU32() {
    if (used_ == kWords) Refill();
    return words_[used_++];
  }
  // Uniform on [0, 1) with 53 random bits.
  double NextUniform() {
    const uint64_t hi = NextU32() >> 5;  // 27 bits
    const uint64_t lo = NextU32() >> 6;  // 26 bits
    return (static_cast<double>(hi) * 67108864.0 + static_cast<double>(lo)) * (1.0 / 9007199254740992.0);
  }
  // Uniform on (0, 1): never 0, for logs.
  double NextOpenUniform() {
    double u;
    do { u = NextUniform(); } while (u == 0.0);
    return u;
  }
  // Uniform integer in [0, n), n >= 1, without modulo bias (Lemire).
  uint32_t NextBelow(uint32_t n) {
    return LemireBelow(n, [this] { return NextU32(); });
  }
  // Standard normal (Box-Muller; the second value is kept for the next call).
  double NextNormal() {
    if (has_spare_) { has_spare_ = false; return spare_; }
    const double u1 = NextOpenUniform();
    const double u2 = NextUniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }
  // Geometric number of trials until first success, support {1, 2, ...}, mean 1/p.
  uint32_t NextGeometric(double p) {
    if (p >= 1.0) return 1;
    const double u = NextOpenUniform();
    const double g = std::ceil(std::log(u) / std::log1p(-p));
    return g < 1.0 ? 1u : (g > 4.0e9 ? 4000000000u : static_cast<uint32_t>(g));
  }

 public:
  static constexpr uint32_t kBlocksPerRefill = 4;
  static constexpr int kWords = 4 * kBlocksPerRefill;
  // Philox4x32-10 of counters counter, counter + 1, ... (+1 on the third
  // word, carried into the fourth) under key, the blocks' words in order.
  // Public for its tests.
  static void FillPhiloxBlocks(const Philox::ctr_type& counter, const Philox::key_type& key,
                               uint32_t words[kWords]);

 private:
  // Four Philox blocks at a time (counters c, c+1, c+2, c+3 in the third
  // word, carrying into the fourth), so the words come in exactly the order
  // one block at a time would give them. Four blocks are one AVX2 pass
  // (FillPhiloxBlocks), about 2-3x cheaper a block than one at a time, and
  // the streams this project opens (a replicate, a simulated code, a test's
  // null draw) all use many blocks.
  void Refill() {
    FillPhiloxBlocks(counter_, key_, words_);
    const uint32_t before = counter_.v[2];
    counter_.v[2] += kBlocksPerRefill;
    if (counter_.v[2] < before) ++counter_.v[3];
    used_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type counter_;
  uint32_t words_[kWords]{};
  int used_ = kWords;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// 16-bit draws from a stream's words (the high half of each word first, then
// its low half). Block bootstraps need about 7 bits for a block start and a
// few for a length: two draws per word halve the Philox work.
template <class Stream>
class HalfWords {
 public:
  explicit HalfWords(Stream& stream) : stream_(stream) {}
  uint32_t Next16() {
    if (has_low_) {
      has_low_ = false;
      return low_;
    }
    const uint32_t w = stream_.NextU32();
    low_ = w & 0xFFFFu;
    has_low_ = true;
    return w >> 16;
  }
  uint32_t Next32() {
    const uint32_t hi = Next16();
    return (hi << 16) | Next16();
  }
  // Uniform integer in [0, n), n >= 1, exact: Lemire's multiply-shift with
  // rejection, on 16 bits when n <= 65536 and on 32 bits otherwise. The
  // common path is a few instructions and inlines into the caller's loop;
  // the rare paths are calls (forced inline: a block loop that does more
  // per block than one copy otherwise gets a call per draw).
  [[gnu::always_inline]] uint32_t Below(uint32_t n) {
    if (n <= 65536u) [[likely]] {
      const uint32_t m = Next16() * n;
      if ((m & 0xFFFFu) < n) [[unlikely]] return Reject16(m, n);
      return m >> 16;
    }
    return Below32(n);
  }

 private:
  [[gnu::noinline]] uint32_t Reject16(uint32_t m, uint32_t n) {
    const uint32_t threshold = (65536u - n) % n;
    while ((m & 0xFFFFu) < threshold) m = Next16() * n;
    return m >> 16;
  }
  [[gnu::noinline]] uint32_t Below32(uint32_t n) {
    return LemireBelow(n, [this] { return Next32(); });
  }

  Stream& stream_;
  uint32_t low_ = 0;
  bool has_low_ = false;
};

}  // namespace chokepoint
