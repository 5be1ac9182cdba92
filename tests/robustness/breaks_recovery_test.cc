// Small Monte Carlo: does the BIC choice recover a planted slope break, and
// how often does it invent one? (Full-size figures: run with
// --gtest_also_run_disabled_tests; see the printed rates.)
#include <cmath>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/random.h"
#include "chokepoint/robustness/models/breaks.h"

namespace chokepoint::robustness {
namespace {

// Monthly log imports over 10 years: trend 1%/month, after month 60 the slope
// drops by 3 points (substitution setting in), AR(1) noise rho 0.3, sd 0.04.
std::vector<double> Draw(int draw, bool with_break) {
  RandomStream rng(777, with_break ? 1 : 2, static_cast<uint32_t>(draw));
  std::vector<double> y(120);
  double e = 0.0;
  for (int t = 1; t <= 120; ++t) {
    e = 0.3 * e + 0.04 * rng.NextNormal();
    y[t - 1] = 10 + 0.01 * t - (with_break ? 0.03 * std::max(t - 60, 0) : 0.0) + e;
  }
  return y;
}

struct RecoveryRates {
  double recovered = 0;    // a break within +-3 months of the planted one
  double false_break = 0;  // any break on the no-break draws
};

// Rates for the number of breaks chosen by BIC, LWZ and (with tests) the
// sequential F(l+1|l) procedure.
struct AllRates {
  RecoveryRates bic, lwz, sequential;
};

AllRates Rates(int draws, bool with_tests, NullErrors null_errors = NullErrors::kIid) {
  BreakOptions o;
  o.compute_tests = with_tests;
  o.null_errors = null_errors;
  o.test_replicates = 199;
  AllRates rates;
  auto near = [](const std::vector<int>& bps) {
    for (int b : bps) {
      if (std::abs(b - 60) <= 3) return true;
    }
    return false;
  };
  for (int d = 0; d < draws; ++d) {
    const BreakResult r = EstimateBreaks(Draw(d, true), o);
    const BreakResult z = EstimateBreaks(Draw(d, false), o);
    auto chosen = [](const BreakResult& x, int m) { return m > 0 ? x.breakpoints_by_m[m - 1] : std::vector<int>{}; };
    rates.bic.recovered += near(chosen(r, r.selected_bic));
    rates.lwz.recovered += near(chosen(r, r.selected_lwz));
    rates.bic.false_break += z.selected_bic > 0;
    rates.lwz.false_break += z.selected_lwz > 0;
    if (with_tests) {
      rates.sequential.recovered += near(chosen(r, r.selected_sequential));
      rates.sequential.false_break += z.selected_sequential > 0;
    }
  }
  for (RecoveryRates* x : {&rates.bic, &rates.lwz, &rates.sequential}) {
    x->recovered /= draws;
    x->false_break /= draws;
  }
  return rates;
}

void Print(const char* label, const AllRates& r) {
  std::printf("%s: within +-3 months / false break: BIC %.3f / %.3f, LWZ %.3f / %.3f, sequential %.3f / %.3f\n", label,
              r.bic.recovered, r.bic.false_break, r.lwz.recovered, r.lwz.false_break, r.sequential.recovered,
              r.sequential.false_break);
}

TEST(BreaksRecovery, SlopeBreakFoundWithinThreeMonths) {
  const AllRates r = Rates(100, false);
  Print("100 draws", r);
  // LWZ, the stricter criterion, holds both targets under AR(1) noise; BIC
  // finds the break as often but invents one in about a quarter of the
  // no-break draws (Bai & Perron 2003: BIC is unreliable with serial
  // correlation).
  EXPECT_GE(r.lwz.recovered, 0.8);
  EXPECT_LE(r.lwz.false_break, 0.1);
  EXPECT_GE(r.bic.recovered, 0.75);
}

TEST(BreaksRecovery, Ar1NullTamesTheSequentialTest) {
  // 40 draws with 199-replicate nulls: the AR(1) null must cut the false
  // breaks of the sequential procedure (about a third with the iid null).
  const AllRates iid = Rates(40, true, NullErrors::kIid);
  const AllRates ar1 = Rates(40, true, NullErrors::kAr1);
  Print("40 draws, iid null", iid);
  Print("40 draws, AR(1) null", ar1);
  EXPECT_LT(ar1.sequential.false_break, iid.sequential.false_break);
  EXPECT_LE(ar1.sequential.false_break, 0.15);
  EXPECT_GE(ar1.sequential.recovered, 0.7);
}

TEST(BreaksRecovery, DISABLED_FiveHundredDraws) {
  Print("500 draws, iid null", Rates(500, true, NullErrors::kIid));
  Print("500 draws, AR(1) null", Rates(500, true, NullErrors::kAr1));
}

}  // namespace
}  // namespace chokepoint::robustness
