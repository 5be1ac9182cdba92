// Automatic block length: Politis and White (2004) with the correction of
// Patton, Politis and White (2009), replicating R np::b.star's choices
// exactly (engineering notes D2):
//   c = qnorm(0.975), K_N = max(5, ceil(log10 n)), mmax = ceil(sqrt n) + K_N,
//   Bmax = ceil(min(3 sqrt n, n / 3)), critical value c sqrt(log10 n / n);
//   m̂ = first lag j whose K_N autocorrelations j..j+K_N-1 are all
//   insignificant, else the largest significant lag, else 1; M = min(2 m̂, mmax);
//   flat-top window λ(s) = 1 on |s| < 1/2, 2(1 - |s|) on 1/2 <= |s| <= 1;
//   Ĝ = Σ λ(k/M)|k|R(k), ĝ(0) = Σ λ(k/M)R(k), D_SB = 2ĝ(0)², D_CB = (4/3)ĝ(0)²,
//   b = (2Ĝ²/D)^(1/3) n^(1/3), capped at Bmax, NOT rounded (np round = FALSE).
// The ACF is the full-sample one (demeaned, divisor n), as R's acf().
#pragma once

#include <span>
#include <string>

namespace chokepoint::bootstrap {

struct BlockLengthSelection {
  int n = 0;
  double c = 0.0;              // band constant, qnorm(0.975)
  int kn = 0;                  // K_N
  int mmax = 0;                // largest lag examined
  double bmax = 0.0;           // cap
  double critical_value = 0.0; // c sqrt(log10 n / n)
  int mhat = 0;                // m̂
  int M = 0;                   // bandwidth of the flat-top window
  double g_hat = 0.0;          // Ĝ
  double spectrum_zero = 0.0;  // ĝ(0) = Σ λ(k/M) R(k)
  double stationary_uncapped = 0.0;
  double circular_uncapped = 0.0;
  double stationary = 0.0;     // min(b_SB, Bmax), unrounded
  double circular = 0.0;       // min(b_CB, Bmax), unrounded
  bool degenerate = false;     // zero spectrum (constant series): both set to 1
  bool capped_stationary() const { return stationary_uncapped > bmax; }
  bool capped_circular() const { return circular_uncapped > bmax; }
  // One line with every tuning constant used.
  std::string Describe() const;
};

// Needs n >= 3. The series is used as is (the caller passes the series that
// is actually resampled: residuals, centred changes, or levels).
BlockLengthSelection SelectBlockLength(std::span<const double> x);

}  // namespace chokepoint::bootstrap
