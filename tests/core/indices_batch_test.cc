// ComputeIndicesBatch one series at a time, bit for bit, against
// ComputeSeriesIndices' status and the scalar VolatilityIndex/GrowthIndex
// values, on every matrix layout, specification and instruction set; and the
// vector ComputeIndices against the scalar VolatilityIndex/GrowthIndex, whose
// four-lane summation order the vector kernels reproduce.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/indices.h"
#include "kernel_isa_scope.h"

namespace chokepoint {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const YearMonth kFirst{2015, 1};

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

// num_series x num_months, series-major; row r has a character by r % 11 so
// every 4-series group meets the special rows at every position.
std::vector<double> MakeSeries(size_t num_series, size_t num_months, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> level(3.0, 0.6);
  std::vector<double> x(num_series * num_months);
  for (size_t r = 0; r < num_series; ++r) {
    double* row = &x[r * num_months];
    for (size_t t = 0; t < num_months; ++t) row[t] = level(rng);
    switch (r % 11) {
      case 3: row[num_months / 2] = kNaN; break;                  // missing inside the window
      case 5: row[0] = 0.0; break;                                // base not positive
      case 6: for (size_t t = 0; t < num_months; ++t) row[t] = -row[t]; break;  // mean not positive
      case 7: row[num_months - 1] = std::numeric_limits<double>::infinity(); break;
      case 8: row[num_months - 1] = kNaN; break;                  // missing in the last month
      case 9: row[1] = -0.0; break;
      default: break;
    }
  }
  return x;
}

// The status ComputeSeriesIndices gives row r (a NaN month missing), and V
// and G from the scalar four-lane VolatilityIndex and GrowthIndex on the
// row's periods: a reference that does not go through the vector kernels.
IndexValues Reference(const std::vector<double>& x, size_t r, size_t num_months, const IndexSpec& spec) {
  const std::span<const double> row(&x[r * num_months], num_months);
  std::vector<unsigned char> present(num_months);
  for (size_t t = 0; t < num_months; ++t) present[t] = std::isnan(row[t]) ? 0 : 1;
  IndexValues out = ComputeSeriesIndices(row, present, kFirst, spec);
  if (!out.ok()) return out;
  const ResolvedWindow w = ResolveWindow(spec, kFirst, static_cast<int>(num_months));
  std::vector<double> periods(static_cast<size_t>(w.num_periods));
  AggregateToPeriods(row, w, periods);
  out.V = VolatilityIndex(periods);
  out.G = GrowthIndex(periods, MakeWeights(spec, w.num_periods), BasePeriods(spec));
  return out;
}

enum class Layout { kRowMajor, kColumnMajor, kStrided, kReversed, kMonthsReversed };
std::string Name(Layout l) {
  switch (l) {
    case Layout::kRowMajor: return "row-major";
    case Layout::kColumnMajor: return "column-major";
    case Layout::kStrided: return "strided";
    case Layout::kReversed: return "reversed";
    case Layout::kMonthsReversed: return "column-major, months reversed";
  }
  return "?";
}

// The same series laid out as `layout` asks; `storage` owns the numbers.
IndexMatrix Lay(const std::vector<double>& x, size_t S, size_t T, Layout layout, std::vector<double>& storage) {
  IndexMatrix m{.data = nullptr, .num_series = S, .num_months = T, .series_stride = 0, .month_stride = 1};
  switch (layout) {
    case Layout::kRowMajor:
      storage = x;
      m.series_stride = static_cast<std::ptrdiff_t>(T);
      break;
    case Layout::kColumnMajor:  // the transpose of a months x series block
      storage.assign(S * T, 0.0);
      for (size_t r = 0; r < S; ++r)
        for (size_t t = 0; t < T; ++t) storage[t * S + r] = x[r * T + t];
      m.series_stride = 1;
      m.month_stride = static_cast<std::ptrdiff_t>(S);
      break;
    case Layout::kStrided:  // every other column of a wider block, months 3 apart
      storage.assign(S * T * 6, -1.0);
      for (size_t r = 0; r < S; ++r)
        for (size_t t = 0; t < T; ++t) storage[r * 2 + t * 3 * 2 * S] = x[r * T + t];
      m.series_stride = 2;
      m.month_stride = static_cast<std::ptrdiff_t>(6 * S);
      break;
    case Layout::kReversed:  // series in reverse order (a negative stride)
      storage.assign(S * T, 0.0);
      for (size_t r = 0; r < S; ++r)
        for (size_t t = 0; t < T; ++t) storage[(S - 1 - r) * T + t] = x[r * T + t];
      m.series_stride = -static_cast<std::ptrdiff_t>(T);
      break;
    case Layout::kMonthsReversed:  // series contiguous, months stored last first
      storage.assign(S * T, 0.0);
      for (size_t r = 0; r < S; ++r)
        for (size_t t = 0; t < T; ++t) storage[(T - 1 - t) * S + r] = x[r * T + t];
      m.series_stride = 1;
      m.month_stride = -static_cast<std::ptrdiff_t>(S);
      break;
  }
  m.data = storage.data();
  if (layout == Layout::kReversed) m.data += (S - 1) * T;
  if (layout == Layout::kMonthsReversed) m.data += (T - 1) * S;
  return m;
}

struct SpecCase {
  std::string name;
  IndexSpec spec;
};

std::vector<SpecCase> Specs() {
  std::vector<SpecCase> out;
  out.push_back({"default", IndexSpec{}});
  IndexSpec s;
  s.base = BaseRule::kFirstYearMean;
  out.push_back({"first12", s});
  s = IndexSpec{};
  s.weighting = Weighting::kExponential;
  s.half_life = 7.5;
  out.push_back({"exponential", s});
  s = IndexSpec{};
  s.window_start = YearMonth{2015, 4};  // the window starts at column 3
  s.window_end = YearMonth{2016, 6};
  out.push_back({"window", s});
  s = IndexSpec{};
  s.frequency = Frequency::kQuarterly;
  out.push_back({"quarterly", s});
  s = IndexSpec{};
  s.frequency = Frequency::kAnnual;
  s.weighting = Weighting::kEqual;
  out.push_back({"annual", s});
  return out;
}

TEST(ComputeIndicesBatch, EverySeriesMatchesComputeSeriesIndicesBitForBit) {
  size_t compared = 0, ok_rows = 0;
  for (KernelIsa isa : testing::AvailableKernelIsas()) {
    testing::KernelIsaScope scope(isa);
    ASSERT_TRUE(scope.ok());
    for (const size_t T : {24u, 26u, 37u, 120u, 123u}) {
      for (const size_t S : {1u, 3u, 4u, 7u, 8u, 9u, 37u}) {
        const std::vector<double> x = MakeSeries(S, T, 1000 * T + S);
        for (const SpecCase& sc : Specs()) {
          const ResolvedWindow w = ResolveWindow(sc.spec, kFirst, static_cast<int>(T));
          const std::vector<double> weights =
              w.status == IndexStatus::kOk ? MakeWeights(sc.spec, w.num_periods) : std::vector<double>{};
          for (Layout layout : {Layout::kRowMajor, Layout::kColumnMajor, Layout::kStrided, Layout::kReversed,
                                Layout::kMonthsReversed}) {
            std::vector<double> storage;
            const IndexMatrix m = Lay(x, S, T, layout, storage);
            std::vector<IndexValues> out(S);
            ComputeIndicesBatch(m, w, weights, BasePeriods(sc.spec), out);
            for (size_t r = 0; r < S; ++r) {
              const IndexValues want = Reference(x, r, T, sc.spec);
              SCOPED_TRACE(std::string(ToString(isa)) + " " + Name(layout) + " " + sc.name + " T=" +
                           std::to_string(T) + " S=" + std::to_string(S) + " row " + std::to_string(r));
              ASSERT_EQ(out[r].status, want.status);
              ASSERT_EQ(Bits(out[r].V), Bits(want.V)) << out[r].V << " vs " << want.V;
              ASSERT_EQ(Bits(out[r].G), Bits(want.G)) << out[r].G << " vs " << want.G;
              ++compared;
              ok_rows += want.ok();
            }
          }
        }
      }
    }
  }
  // The cases reach both outcomes in quantity (the special rows and specs are
  // not all undefined, nor all defined).
  EXPECT_GT(ok_rows, compared / 3);
  EXPECT_LT(ok_rows, compared);
}

TEST(ComputeIndicesBatch, StatusesOfTheSpecialRows) {
  const size_t S = 11, T = 24;
  const std::vector<double> x = MakeSeries(S, T, 7);
  const IndexSpec spec;
  const ResolvedWindow w = ResolveWindow(spec, kFirst, static_cast<int>(T));
  const std::vector<double> weights = MakeWeights(spec, w.num_periods);
  std::vector<double> storage;
  std::vector<IndexValues> out(S);
  ComputeIndicesBatch(Lay(x, S, T, Layout::kColumnMajor, storage), w, weights, 1, out);
  EXPECT_EQ(out[3].status, IndexStatus::kMissingInWindow);
  EXPECT_EQ(out[8].status, IndexStatus::kMissingInWindow);
  EXPECT_EQ(out[5].status, IndexStatus::kBaseNotPositive);
  EXPECT_EQ(out[6].status, IndexStatus::kMeanNotPositive);
  EXPECT_TRUE(out[9].ok());
  EXPECT_TRUE(out[0].ok());
  // A window the series cannot hold: every series says so.
  IndexSpec outside;
  outside.window_start = YearMonth{2014, 12};
  const ResolvedWindow bad = ResolveWindow(outside, kFirst, static_cast<int>(T));
  ComputeIndicesBatch(Lay(x, S, T, Layout::kRowMajor, storage), bad, {}, 1, out);
  for (const IndexValues& v : out) EXPECT_EQ(v.status, IndexStatus::kWindowOutsideData);
}

TEST(ComputeIndices, VectorKernelsMatchTheScalarFourLaneSums) {
  // VolatilityIndex and GrowthIndex keep the scalar four-accumulator loops:
  // an independent statement of the order the vector lanes must follow.
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> level(2.0, 1.0);
  for (KernelIsa isa : testing::AvailableKernelIsas()) {
    testing::KernelIsaScope scope(isa);
    for (size_t n = 2; n <= 41; ++n) {
      std::vector<double> x(n);
      for (double& v : x) v = level(rng);
      IndexSpec spec;
      spec.weighting = n % 2 ? Weighting::kQuadratic : Weighting::kLinear;
      const std::vector<double> w = MakeWeights(spec, static_cast<int>(n));
      for (const int base_periods : {1, 12}) {
        if (static_cast<int>(n) < base_periods) continue;
        const IndexValues iv = ComputeIndices(x, w, base_periods);
        SCOPED_TRACE(std::string(ToString(isa)) + " n=" + std::to_string(n) + " base " + std::to_string(base_periods));
        ASSERT_TRUE(iv.ok());
        EXPECT_EQ(Bits(iv.V), Bits(VolatilityIndex(x)));
        EXPECT_EQ(Bits(iv.G), Bits(GrowthIndex(x, w, base_periods)));
      }
    }
  }
}

TEST(KernelIsa, OnlyAnAvailableInstructionSetIsTaken) {
  EXPECT_TRUE(SetKernelIsa(KernelIsa::kBaseline));
  EXPECT_EQ(ActiveKernelIsa(), KernelIsa::kBaseline);
  const bool avx2 = DetectedKernelIsa() == KernelIsa::kAvx2;
  EXPECT_EQ(SetKernelIsa(KernelIsa::kAvx2), avx2);
  EXPECT_EQ(ActiveKernelIsa(), avx2 ? KernelIsa::kAvx2 : KernelIsa::kBaseline);
  SetKernelIsa(DetectedKernelIsa());
  EXPECT_EQ(ToString(KernelIsa::kAvx2), "avx2");
}

}  // namespace
}  // namespace chokepoint
