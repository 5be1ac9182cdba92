// RandomStream's Philox blocks, four at a time: one AVX2 pass where the CPU
// has it (kernel_isa.h), else four calls of Random123's Philox4x32. Both give
// Random123's words bit for bit (tests/core/random_test.cc).
#include "chokepoint/core/random.h"

#include <cstring>

#include "chokepoint/core/kernel_isa.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CHOKEPOINT_PHILOX_AVX2 1
#endif

namespace chokepoint {
namespace {

void FillScalar(const RandomStream::Philox::ctr_type& counter, const RandomStream::Philox::key_type& key,
                uint32_t* words, uint32_t blocks) {
  RandomStream::Philox::ctr_type c = counter;
  for (uint32_t b = 0; b < blocks; ++b) {
    const RandomStream::Philox::ctr_type out = RandomStream::Philox()(c, key);
    std::memcpy(words + 4 * b, out.v, sizeof out.v);
    if (++c.v[2] == 0) ++c.v[3];
  }
}

#if CHOKEPOINT_PHILOX_AVX2
// Philox4x32-10 (Salmon et al. 2011; Random123's philox.h) on four counters,
// one per 64-bit lane, each 32-bit word in the low half of its lane so one
// vpmuludq gives the full 32 x 32 -> 64 product. Round: (hi0, lo0) = M0 x0,
// (hi1, lo1) = M1 x2; x = (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0); the key
// then grows by the Weyl constants.
__attribute__((target("avx2"))) void FillAvx2(const RandomStream::Philox::ctr_type& counter,
                                               const RandomStream::Philox::key_type& key, uint32_t* words) {
  uint32_t third[4], fourth[4];
  for (uint32_t j = 0; j < 4; ++j) {
    third[j] = counter.v[2] + j;
    fourth[j] = counter.v[3] + (third[j] < counter.v[2] ? 1u : 0u);
  }
  // Lanes set from registers, not loaded from the arrays just written (a
  // store-forwarding stall that doubled the cost).
  __m256i x0 = _mm256_set1_epi64x(counter.v[0]);
  __m256i x1 = _mm256_set1_epi64x(counter.v[1]);
  __m256i x2 = _mm256_set_epi64x(third[3], third[2], third[1], third[0]);
  __m256i x3 = _mm256_set_epi64x(fourth[3], fourth[2], fourth[1], fourth[0]);
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53u), m1 = _mm256_set1_epi64x(0xCD9E8D57u);
  const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFu);
  uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int round = 0; round < 10; ++round) {
    const __m256i p0 = _mm256_mul_epu32(m0, x0), p1 = _mm256_mul_epu32(m1, x2);
    const __m256i y0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1), _mm256_set1_epi64x(k0));
    const __m256i y2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3), _mm256_set1_epi64x(k1));
    x1 = _mm256_and_si256(p1, low32);
    x3 = _mm256_and_si256(p0, low32);
    x0 = y0;
    x2 = y2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  // Lane j holds block j's words: pair (w0, w1) and (w2, w3) into 64 bits,
  // then blocks 0..3 into memory order.
  const __m256i w01 = _mm256_or_si256(x0, _mm256_slli_epi64(x1, 32));
  const __m256i w23 = _mm256_or_si256(x2, _mm256_slli_epi64(x3, 32));
  const __m256i even = _mm256_unpacklo_epi64(w01, w23);  // blocks 0 and 2
  const __m256i odd = _mm256_unpackhi_epi64(w01, w23);   // blocks 1 and 3
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(words), _mm256_permute2x128_si256(even, odd, 0x20));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + 8), _mm256_permute2x128_si256(even, odd, 0x31));
}
#endif

}  // namespace

void RandomStream::FillPhiloxBlocks(const Philox::ctr_type& counter, const Philox::key_type& key,
                                    uint32_t words[kWords]) {
  static_assert(kBlocksPerRefill == 4, "the AVX2 kernel fills four blocks");
#if CHOKEPOINT_PHILOX_AVX2
  if (KernelsUseAvx2()) {
    FillAvx2(counter, key, words);
    return;
  }
#endif
  FillScalar(counter, key, words, kBlocksPerRefill);
}

}  // namespace chokepoint
