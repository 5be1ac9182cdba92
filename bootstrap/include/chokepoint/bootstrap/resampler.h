// Resampling one monthly series while respecting its trend (docs/method.md
// §5.1-5.7; engineering notes D1). A SeriesResampler is prepared once per series: it
// fits the scheme's model, keeps the stationary object that is resampled
// (residuals, centred log changes, AR innovations, or raw levels), selects the
// block length on that object, and then generates replicate series, one per
// (seed, group, replicate) counter-based stream, without heap allocation.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/bootstrap/block_length.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/random.h"

namespace chokepoint::bootstrap {

enum class Scheme {
  kResidual,  // log level = a + b t + month effects (OLS); residuals resampled in blocks; exp(fit + e*)
  kGrowth,    // month-on-month log changes minus their month-of-year means, resampled in blocks,
              // month means added back, re-integrated from the observed first value
  kSieve,     // AR(p) on the residual-scheme residuals, p by AIC, i.i.d. innovations
  kLevels,    // naive block resampling of the raw levels: UNSUITABLE for trending series
              // (destroys the trend G measures); kept to compare with R's boot::tsboot
};
std::string_view ToString(Scheme s);  // "residual", "growth", "sieve", "levels"
inline constexpr int kNumSchemes = 4;
std::optional<Scheme> SchemeFromString(std::string_view s);

enum class BlockMethod {
  kStationary,  // geometric block lengths with mean L, circular wrap (Politis and Romano 1994)
  kCircular,    // fixed length round(L), circular wrap (tsboot sim = "fixed", endcorr = TRUE)
  kMoving,      // fixed length round(L), no wrap (Kuensch 1989; tsboot endcorr = FALSE)
};
std::string_view ToString(BlockMethod b);  // "stationary", "circular", "moving"
std::optional<BlockMethod> BlockMethodFromString(std::string_view s);

struct ResamplerOptions {
  // Residual scheme by default: it keeps the fitted trend (what G measures)
  // and month effects fixed and resamples only what is stationary (D1).
  Scheme scheme = Scheme::kResidual;
  // Stationary blocks: the resampled series is stationary, unlike fixed blocks
  // of a fixed-length join, and PW/PPW gives its block length.
  BlockMethod blocks = BlockMethod::kStationary;
  // Mean block length in months; 0 = automatic (Politis-White with the
  // Patton-Politis-White correction, selected on the resampled object).
  double block_length = 0.0;

  // Names the field on failure: `section` is the configuration table the
  // options came from ("bootstrap", "sweep"), so one check gives every caller
  // the same verdict and a message naming its key ("sweep.block_length").
  bool IsValid(std::string* error, std::string_view section = "bootstrap") const;
};

// Scratch memory for Generate, one per thread; sized once for the longest
// series it will serve.
class Workspace {
 public:
  explicit Workspace(int series_length);
  int capacity() const { return capacity_; }
  // Scratch areas (each at least capacity() + kSieveBurnIn and
  // 2 capacity() + 2 kCopyChunk long).
  std::span<double> a() { return a_; }
  std::span<double> b() { return b_; }

 private:
  int capacity_ = 0;
  std::vector<double> a_, b_;
};

// Longest burn-in of the sieve AR recursion, in months.
inline constexpr int kSieveBurnIn = 120;
// The burn-in the AR(p) with coefficients phi_1..phi_p needs from a zero
// start (docs/method.md §5.3): the smallest b >= p at which the squared
// impulse response left after b, sum_{j>=b} psi_j^2, is at most 1e-12 of
// the whole (the variance the zero start leaves out), else kSieveBurnIn.
// 0 for p = 0 (no recursion).
int SieveBurnIn(std::span<const double> ar);
// Chunk of the stationary-block copy; the workspace pads by at least this.
inline constexpr uint32_t kCopyChunk = 16;

// SeriesResampler::SignalIndices: the signal path's indices.
struct SignalStatistics {
  IndexValues values;
  double other_base_growth = std::numeric_limits<double>::quiet_NaN();
};

class SeriesResampler {
 public:
  // Throws chokepoint::Error (input) when the series cannot be resampled by
  // the scheme: fewer than 3 months, non-finite values, or values <= 0 for
  // the log-based schemes.
  SeriesResampler(std::span<const double> monthly, YearMonth first_month, const ResamplerOptions& options,
                  std::span<const double> log_component = {});
  // `log_component` (residual and sieve schemes; empty = none): a known part
  // of the log mean path, e.g. the stockpiling surge fitted by the models
  // stage. It is kept in the fitted path (trend + month effects are fitted
  // to log x - component), so the episode stays where it happened instead of
  // being scattered over the series by the resampled residuals.

  int length() const { return n_; }
  const ResamplerOptions& options() const { return options_; }
  // Mean block length actually used (auto or given; for moving/circular the
  // rounded integer length; 1 for the sieve's i.i.d. innovations).
  double block_length_used() const { return block_length_used_; }
  // The automatic selection on the resampled object (set when block_length
  // was 0, for every scheme except sieve).
  const std::optional<BlockLengthSelection>& automatic() const { return automatic_; }
  // The object resampled: residuals, centred log changes (length n - 1),
  // AR innovations, or levels.
  std::span<const double> resampled_object() const { return object_; }
  // Sieve only: AR order chosen by AIC and its coefficients.
  int ar_order() const { return static_cast<int>(ar_.size()); }
  int sieve_burn_in() const { return sieve_burn_in_; }  // 0 unless sieve
  std::span<const double> ar_coefficients() const { return ar_; }
  // Residual/sieve: whether month-of-year effects were fitted (n >= 24);
  // growth: whether month-of-year means of the changes were removed (n - 1 >= 24).
  bool month_effects() const { return month_effects_; }
  // Integer block length of the delete-a-block jackknife (round(L), >= 1).
  int jackknife_block() const;
  // The observed series.
  std::span<const double> observed() const { return observed_; }

  // Replicate `replicate` of stream (seed, group): writes the monthly
  // replicate series into out (size length()). Uses RandomStream(seed, group,
  // replicate); no heap allocation.
  void Generate(uint64_t seed, uint32_t group, uint32_t replicate, std::span<double> out, Workspace& ws) const;
  // Same replicate, and (residual and sieve schemes) its log noise around
  // the fitted path, e*_t = log x*_t - fit_t, into log_noise (size
  // length()): what SignalPath needs, without a log per month.
  void Generate(uint64_t seed, uint32_t group, uint32_t replicate, std::span<double> out, Workspace& ws,
                std::span<double> log_noise) const;
  // Residual and sieve schemes: the fitted path refitted on a replicate whose
  // log noise is e* (from Generate): exp(X (b + P e*) + component), the same
  // as FittedPath of the replicate series, computed from 2 + 12 sums of e*
  // and 14 exponentials. An all-zero e* gives the fitted path of the
  // observed series. Writes length() values; no allocation.
  void SignalPath(std::span<const double> log_noise, std::span<double> out) const;
  // V and G (monthly periods) of the path SignalPath would write, in one
  // pass without writing it: what the replicate loop needs. `weights` are
  // the index's normalised weights (length()), G's base is the mean of the
  // first `base_months`, and other_base_growth is G over the first
  // `other_base_months` instead (0 = not wanted, NaN). Equal to SignalPath
  // + ComputeIndices up to rounding (one-pass sums around the fitted path's
  // mean). No allocation.
  SignalStatistics SignalIndices(std::span<const double> log_noise, std::span<const double> weights,
                                 int base_months, int other_base_months) const;

  // Delete-a-block jackknife series (D5): the observed series rebuilt with
  // months [start, start + len) deleted from the resampled object. For the
  // residual, sieve and levels schemes this is the observed series without
  // those months; for the growth scheme the deleted months' log changes are
  // removed and the rest re-integrated from the first value. Writes
  // length() - len values into out and returns that count.
  int JackknifeSeries(int start, int len, std::span<double> out) const;

  // Residual and sieve schemes: the fitted trend + month-effects path of a
  // series, exp(X b) with b the OLS fit of its logs on the scheme's design
  // (intercept, trend, month dummies): the estimator of the noise-free path.
  // Writes length() values into out; no allocation.
  bool has_trend_fit() const { return !projection_.empty(); }
  void FittedPath(std::span<const double> series, std::span<double> out, Workspace& ws) const;

  // One line: scheme, blocks, block length given/used, model details.
  std::string Describe() const;

  // The blocks of one replicate of a block scheme (levels, residual, growth;
  // not sieve): calls visit(i, pos, len) for consecutive blocks covering
  // replicate positions [0, m), where block i.. i + len - 1 copies the
  // resampled object from pos on, wrapping circularly (pos + len may exceed m
  // for stationary and circular blocks; never for moving blocks). Generate
  // and BlockIndexKernel both draw their blocks here, so they see the same
  // replicate from the same stream.
  // Any stream of RandomStream's words (RandomStream, RandomStream).
  template <class Stream, class Visit>
  void ForEachBlock(Stream& rs, uint32_t m, Visit&& visit) const;

 private:
  void ResampleBlocks(std::span<const double> src, std::span<double> dst, RandomStream& rs) const;
  void SignalFactors(std::span<const double> log_noise, double first[12], double* rate12) const;

  int n_ = 0;
  YearMonth first_month_;
  ResamplerOptions options_;
  std::vector<double> observed_;
  std::vector<double> object_;   // resampled object
  std::vector<double> base_;     // residual/sieve: fitted log level; growth: month mean per change
  // exp() of object_ and base_ (residual, growth): replicates are then built
  // by products alone, no exp per value in the hot loop.
  std::vector<double> object_exp_, base_exp_;
  std::vector<double> ar_;       // sieve coefficients phi_1..phi_p
  std::vector<double> ar_reversed_;  // phi_p..phi_1 (the recursion's dot product)
  int sieve_burn_in_ = 0;            // SieveBurnIn(ar_)
  std::vector<double> projection_;  // residual/sieve: (X'X)^-1 X', k x n row-major
  std::vector<double> xtx_inverse_;  // residual/sieve: (X'X)^-1 = P P', k x k
  std::vector<double> beta_;         // residual/sieve: the fitted coefficients b
  std::vector<double> component_exp_;  // exp(log_component_), or empty
  double signal_shift_ = 0.0;          // residual/sieve: mean of the fitted path
  std::vector<int> month_column_;   // design column of month t's dummy (0 = none)
  int design_columns_ = 0;
  bool month_effects_ = false;
  double block_length_used_ = 1.0;
  int fixed_block_ = 1;          // moving/circular length
  double geom_log_q_ = 0.0;      // stationary: 1 / log(1 - 1/L) (0 when L <= 1)
  std::vector<int64_t> survival_bits_;  // stationary: floor((1 - 1/L)^k 2^48 - 0.5), k = 0..K
  // Levels/residual with stationary blocks: the resampled object repeated
  // twice plus a chunk (ext[k] = object[k mod m]), so a block is one
  // fixed-size chunked copy without wrap-around branches.
  std::vector<double> extended_;
  // Residual with stationary blocks: (exp residual, log residual) pairs of
  // the extended object, interleaved (the replicate and its log noise).
  std::vector<double> extended_pairs_;
  std::vector<double> log_component_;  // empty or length n
  void ResampleStationaryChunked(const double* extended, uint32_t m, double* dst_padded, RandomStream& rs) const;
  // Stationary block length (geometric, mean L) from 16 or 48 random bits, capped at m.
  template <class Stream>
  uint32_t GeometricLength(HalfWords<Stream>& bits, uint32_t m) const;
  uint32_t GeometricTail(int64_t x48, uint32_t m) const;  // beyond the table: by the log
  static constexpr int kBucketBits = 10;
  std::vector<uint32_t> bucket_start_;  // stationary: geometric length at the top of each U bucket
  std::optional<BlockLengthSelection> automatic_;
};

// Geometric on {1, 2, ...} with mean L: len = k when q^k < U <= q^(k-1),
// q = 1 - 1/L, for U = (x + 0.5) / 2^48 with x 48 random bits (never 0).
// U <= q^k is tested on the integer x against survival_bits_[k] =
// floor(q^k 2^48 - 0.5), the same decision as on the doubles. Only 16 bits
// are drawn first: the length is decided by them unless their interval of x
// straddles a threshold (about K / 65536 of draws) or lies in the tail, and
// then 32 more are drawn. The scan starts at the length of the largest x in
// the top-10-bit bucket (exact: lengths decrease in x), so it rarely
// iterates; past the table (P ~ e^-8) it uses ceil(log U / log q). Capped at m.
template <class Stream>
[[gnu::always_inline]] inline uint32_t SeriesResampler::GeometricLength(HalfWords<Stream>& bits, uint32_t m) const {
  const uint32_t table = static_cast<uint32_t>(survival_bits_.size()) - 1;
  const uint32_t u16 = bits.Next16();
  const int64_t bottom = static_cast<int64_t>(static_cast<uint64_t>(u16) << 32);
  const int64_t top = bottom | 0xFFFFFFFFll;
  uint32_t len = bucket_start_[u16 >> (16 - kBucketBits)];
  while (len <= table && top <= survival_bits_[len]) ++len;
  if (len > table || bottom <= survival_bits_[len]) [[unlikely]] {
    const int64_t x = bottom | static_cast<int64_t>(bits.Next32());
    while (len <= table && x <= survival_bits_[len]) ++len;
    if (len > table) return GeometricTail(x, m);
  }
  return len;
}

template <class Stream, class Visit>
void SeriesResampler::ForEachBlock(Stream& rs, uint32_t m, Visit&& visit) const {
  // Block starts and lengths from 16-bit draws (HalfWords): a start needs
  // log2(m) bits, a geometric length a few; two per word halve the Philox work.
  HalfWords<Stream> bits(rs);
  uint32_t i = 0;
  switch (options_.blocks) {
    case BlockMethod::kStationary:
      if (geom_log_q_ == 0.0) {  // mean block 1: the i.i.d. bootstrap
        for (; i < m; ++i) visit(i, bits.Below(m), 1u);
        return;
      }
      while (i < m) {
        const uint32_t pos = bits.Below(m);
        uint32_t len = GeometricLength(bits, m);
        if (len > m - i) len = m - i;
        visit(i, pos, len);
        i += len;
      }
      return;
    case BlockMethod::kCircular:
    case BlockMethod::kMoving: {
      // Fixed length l; circular blocks start anywhere (and wrap), moving
      // blocks only where a whole block fits.
      const uint32_t l = static_cast<uint32_t>(fixed_block_);
      const uint32_t starts = options_.blocks == BlockMethod::kCircular ? m : m - l + 1;
      while (i < m) {
        const uint32_t pos = bits.Below(starts);
        const uint32_t len = l < m - i ? l : m - i;
        visit(i, pos, len);
        i += len;
      }
      return;
    }
  }
}

}  // namespace chokepoint::bootstrap
