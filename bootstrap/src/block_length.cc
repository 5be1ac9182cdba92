#include "chokepoint/bootstrap/block_length.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "chokepoint/core/error.h"

namespace chokepoint::bootstrap {
namespace {

// Flat-top lag window of Politis and Romano (1995).
double FlatTop(double s) {
  const double a = std::fabs(s);
  if (a < 0.5) return 1.0;
  if (a <= 1.0) return 2.0 * (1.0 - a);
  return 0.0;
}

}  // namespace

std::string BlockLengthSelection::Describe() const {
  std::ostringstream out;
  out.precision(10);
  out << "PW2004+PPW2009 (np::b.star rules): n=" << n << " c=" << c << " K_N=" << kn << " mmax=" << mmax
      << " crit=" << critical_value << " m_hat=" << mhat << " M=" << M << " Bmax=" << bmax
      << " G_hat=" << g_hat << " g(0)=" << spectrum_zero << " b_SB=" << stationary_uncapped
      << (capped_stationary() ? " (capped)" : "") << " b_CB=" << circular_uncapped
      << (capped_circular() ? " (capped)" : "");
  if (degenerate) out << " [zero spectrum: set to 1]";
  return out.str();
}

BlockLengthSelection SelectBlockLength(std::span<const double> x) {
  BlockLengthSelection s;
  const int n = static_cast<int>(x.size());
  s.n = n;
  s.c = 1.959963984540054;  // qnorm(0.975)
  const double log10n = std::log10(static_cast<double>(n));
  s.kn = std::max(5, static_cast<int>(std::ceil(log10n)));
  s.mmax = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n)))) + s.kn;
  s.bmax = std::ceil(std::min(3.0 * std::sqrt(static_cast<double>(n)), n / 3.0));
  s.critical_value = s.c * std::sqrt(log10n / n);

  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= n;
  // Autocovariances with divisor n, lags 0..mmax (R's acf; lags >= n are 0).
  std::vector<double> acov(static_cast<size_t>(s.mmax) + 1, 0.0);
  for (int k = 0; k <= s.mmax && k < n; ++k) {
    double sum = 0.0;
    for (int t = 0; t + k < n; ++t) sum += (x[t] - mean) * (x[t + k] - mean);
    acov[k] = sum / n;
  }
  if (!std::isfinite(acov[0]))
    ThrowInputError("series", 0, 0,
                    "block length: the variance of the series overflows double precision (values too large or not "
                    "finite); rescale the series");
  if (!(acov[0] > 0.0)) {
    s.degenerate = true;
    s.mhat = 1;
    s.M = std::min(2, s.mmax);
    s.stationary = s.circular = s.stationary_uncapped = s.circular_uncapped = 1.0;
    return s;
  }
  // rho[j - 1] = rho(j), j = 1..mmax.
  std::vector<bool> insignificant(static_cast<size_t>(s.mmax));
  std::vector<double> rho(static_cast<size_t>(s.mmax));
  for (int j = 1; j <= s.mmax; ++j) {
    rho[j - 1] = acov[j] / acov[0];
    insignificant[j - 1] = std::fabs(rho[j - 1]) < s.critical_value;
  }
  int mhat = 0;
  for (int j = 1; j + s.kn - 1 <= s.mmax; ++j) {
    bool all = true;
    for (int k = j; k <= j + s.kn - 1; ++k) all = all && insignificant[k - 1];
    if (all) {
      mhat = j;
      break;
    }
  }
  if (mhat == 0) {
    int largest_significant = 0;
    for (int j = 1; j <= s.mmax; ++j)
      if (std::fabs(rho[j - 1]) > s.critical_value) largest_significant = j;
    mhat = largest_significant > 0 ? largest_significant : 1;
  }
  s.mhat = mhat;
  s.M = std::min(2 * mhat, s.mmax);
  double g = 0.0, g0 = 0.0;
  for (int k = -s.M; k <= s.M; ++k) {
    const int a = std::abs(k);
    const double r = a < n ? acov[a] : 0.0;
    const double lam = FlatTop(static_cast<double>(k) / s.M);
    g += lam * a * r;
    g0 += lam * r;
  }
  s.g_hat = g;
  s.spectrum_zero = g0;
  const double d_sb = 2.0 * g0 * g0;
  const double d_cb = 4.0 / 3.0 * g0 * g0;
  if (!(d_sb > 0.0)) {
    s.degenerate = true;
    s.stationary = s.circular = s.stationary_uncapped = s.circular_uncapped = 1.0;
    return s;
  }
  const double n13 = std::cbrt(static_cast<double>(n));
  s.stationary_uncapped = std::cbrt(2.0 * g * g / d_sb) * n13;
  s.circular_uncapped = std::cbrt(2.0 * g * g / d_cb) * n13;
  s.stationary = std::min(s.stationary_uncapped, s.bmax);
  s.circular = std::min(s.circular_uncapped, s.bmax);
  return s;
}

}  // namespace chokepoint::bootstrap
