// The slope-break recovery design shared by the quick Bai-Perron Monte Carlo
// (tests/robustness/breaks_recovery_test.cc) and its powered version
// (tests/slow/): monthly log imports over 10 years, trend 1%/month, after
// month 60 the slope drops by 3 points (substitution setting in), AR(1)
// noise rho 0.3, sd 0.04; the no-break twin has the same noise process.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "chokepoint/core/random.h"
#include "chokepoint/robustness/models/breaks.h"

namespace chokepoint::testing {

// Draw `draw` of the design from stream (seed, 1 | 2, draw).
inline std::vector<double> BreakRecoveryDraw(uint64_t seed, int draw, bool with_break) {
  RandomStream rng(seed, with_break ? 1 : 2, static_cast<uint32_t>(draw));
  std::vector<double> y(120);
  double e = 0.0;
  for (int t = 1; t <= 120; ++t) {
    e = 0.3 * e + 0.04 * rng.NextNormal();
    y[t - 1] = 10 + 0.01 * t - (with_break ? 0.03 * std::max(t - 60, 0) : 0.0) + e;
  }
  return y;
}

// Per selection rule: break draws with a break within +-3 months of the
// planted one, and no-break draws with any break.
struct BreakRuleCounts {
  int64_t recovered = 0, false_break = 0;
};
struct BreakRecoveryTally {
  int64_t draws = 0;
  BreakRuleCounts bic, lwz, sequential;  // sequential: F(l+1|l), with tests only
};

// Draws first_draw .. first_draw + draws - 1, in parallel (each draw is its
// own stream, so the tally does not depend on the threads).
inline BreakRecoveryTally BreakRecoveryCounts(uint64_t seed, int first_draw, int draws, bool with_tests,
                                              robustness::NullErrors null_errors) {
  robustness::BreakOptions o;
  o.compute_tests = with_tests;
  o.null_errors = null_errors;
  o.test_replicates = 199;
  // Bits per draw: recovered by BIC, LWZ, sequential; false break by the same.
  std::vector<int> flags(static_cast<size_t>(draws), 0);
  const auto near = [](const std::vector<int>& bps) {
    return std::any_of(bps.begin(), bps.end(), [](int b) { return std::abs(b - 60) <= 3; });
  };
  tbb::parallel_for(0, draws, [&](int i) {
    const int d = first_draw + i;
    const robustness::BreakResult r = robustness::EstimateBreaks(BreakRecoveryDraw(seed, d, true), o);
    const robustness::BreakResult z = robustness::EstimateBreaks(BreakRecoveryDraw(seed, d, false), o);
    const auto chosen = [](const robustness::BreakResult& x, int m) {
      return m > 0 ? x.breakpoints_by_m[m - 1] : std::vector<int>{};
    };
    int f = 0;
    f |= near(chosen(r, r.selected_bic)) << 0;
    f |= near(chosen(r, r.selected_lwz)) << 1;
    f |= (z.selected_bic > 0) << 3;
    f |= (z.selected_lwz > 0) << 4;
    if (with_tests) {
      f |= near(chosen(r, r.selected_sequential)) << 2;
      f |= (z.selected_sequential > 0) << 5;
    }
    flags[static_cast<size_t>(i)] = f;
  });
  BreakRecoveryTally t;
  t.draws = draws;
  for (int f : flags) {
    t.bic.recovered += f & 1;
    t.lwz.recovered += (f >> 1) & 1;
    t.sequential.recovered += (f >> 2) & 1;
    t.bic.false_break += (f >> 3) & 1;
    t.lwz.false_break += (f >> 4) & 1;
    t.sequential.false_break += (f >> 5) & 1;
  }
  return t;
}

struct BreakRuleRates {
  double recovered = 0, false_break = 0;
};
struct AllBreakRates {
  BreakRuleRates bic, lwz, sequential;
};

inline AllBreakRates BreakRecoveryRates(const BreakRecoveryTally& t) {
  const auto rates = [&](const BreakRuleCounts& c) {
    const double n = t.draws > 0 ? static_cast<double>(t.draws) : 1.0;
    return BreakRuleRates{static_cast<double>(c.recovered) / n, static_cast<double>(c.false_break) / n};
  };
  return {rates(t.bic), rates(t.lwz), rates(t.sequential)};
}

}  // namespace chokepoint::testing
