// Monte Carlo rate checks with stated power (the `slow` ctest label).
//
// A rate measured on n independent draws (a coverage, a recovery or a false
// break rate) is accepted when its count lies in the two-sided exact
// binomial window of its expected value p0: at most alpha / 2 of Bin(n, p0)
// below the window and at most alpha / 2 above it. When p0 itself was
// measured (a committed reference run of n_ref draws on other seeds) the
// window is taken from p0 -/+ 2 of its standard errors, so the reference's
// own Monte Carlo error cannot fail the check.
//
// The number of draws is not a guess: DrawsForPower returns the smallest n
// (on a grid) at which a rate `shift` away from p0 on either side falls
// outside the window with probability at least `power`. The check then says
// both figures, so a reader sees what the test can and cannot detect.
#pragma once

#include <boost/math/distributions/binomial.hpp>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace chokepoint::testing {

struct ExpectedRate {
  double p = 0.0;      // expected rate
  int64_t trials = 0;  // draws behind it; 0 = exact (a nominal level)
  double standard_error() const {
    return trials > 0 ? std::sqrt(p * (1.0 - p) / static_cast<double>(trials)) : 0.0;
  }
};

struct RateWindow {
  int64_t n = 0, lo = 0, hi = 0;  // accept lo <= count <= hi
  double power_below = 1.0;       // P(reject) at p0 - shift (1 when p0 - shift < 0)
  double power_above = 1.0;       // P(reject) at p0 + shift
};

inline double BinomialCdf(int64_t n, double p, int64_t k) {  // P(X <= k)
  if (k < 0) return 0.0;
  if (k >= n) return 1.0;
  if (p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  return boost::math::cdf(boost::math::binomial_distribution<double>(static_cast<double>(n), p),
                          static_cast<double>(k));
}

// The exact acceptance window at level alpha and its power against p0 -/+ shift.
inline RateWindow MakeRateWindow(const ExpectedRate& expected, int64_t n, double alpha, double shift) {
  const double margin = 2.0 * expected.standard_error();
  const double p_lo = std::clamp(expected.p - margin, 0.0, 1.0);
  const double p_hi = std::clamp(expected.p + margin, 0.0, 1.0);
  RateWindow w;
  w.n = n;
  // lo: the largest k with P(X < k | p_lo) <= alpha / 2.
  w.lo = 0;
  while (w.lo < n && BinomialCdf(n, p_lo, w.lo) <= alpha / 2.0) ++w.lo;
  // hi: the smallest k with P(X > k | p_hi) <= alpha / 2.
  w.hi = n;
  while (w.hi > 0 && 1.0 - BinomialCdf(n, p_hi, w.hi - 1) <= alpha / 2.0) --w.hi;
  const auto reject = [&](double p) { return BinomialCdf(n, p, w.lo - 1) + (1.0 - BinomialCdf(n, p, w.hi)); };
  if (expected.p - shift >= 0.0) w.power_below = reject(expected.p - shift);
  if (expected.p + shift <= 1.0) w.power_above = reject(expected.p + shift);
  return w;
}

// The smallest n on the grid step, 2 step, ... (up to max_n) whose window
// rejects p0 -/+ shift with probability >= power; max_n if none does.
inline int64_t DrawsForPower(const ExpectedRate& expected, double alpha, double shift, double power, int64_t step,
                             int64_t max_n) {
  for (int64_t n = step; n <= max_n; n += step) {
    const RateWindow w = MakeRateWindow(expected, n, alpha, shift);
    if (w.power_below >= power && w.power_above >= power) return n;
  }
  return max_n;
}

// The reference rates (name -> successes / trials), from the CSV
// `name,successes,trials` written by the same tests in reference mode.
inline std::map<std::string, ExpectedRate> ReadReferenceRates(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open reference rates " + path);
  std::map<std::string, ExpectedRate> rates;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#' || line.rfind("name,", 0) == 0) continue;
    std::istringstream fields(line);
    std::string name, successes, trials;
    if (!std::getline(fields, name, ',') || !std::getline(fields, successes, ',') || !std::getline(fields, trials))
      throw std::runtime_error(path + ":" + std::to_string(line_number) + ": expected name,successes,trials");
    ExpectedRate r;
    r.trials = std::stoll(trials);
    r.p = static_cast<double>(std::stoll(successes)) / static_cast<double>(r.trials);
    rates[name] = r;
  }
  return rates;
}

}  // namespace chokepoint::testing
