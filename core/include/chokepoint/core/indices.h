// The base indices of Naughton and Fang (docs/method.md §2), per series and
// window: volatility V = SD(x) / mean(x) (sample SD, divisor T - 1) and growth
// G = sum_t w_t x'_t / sum_t w_t with x'_t = (x_t - base) / base.
//
// Since sum_t w_t (x_t - b) / b / sum_t w_t = (sum_t w~_t x_t) / b - 1 with
// normalised weights w~, the hot kernel needs one pass for G and two for V
// over a contiguous span; it allocates nothing and serves one series, B
// bootstrap replicates and thousands of specifications alike.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/core/kernel_isa.h"  // which instruction set the kernels use
#include "chokepoint/core/period.h"

namespace chokepoint {

enum class Frequency { kMonthly, kQuarterly, kAnnual };
std::string_view ToString(Frequency f);  // "monthly", "quarterly", "annual"
std::optional<Frequency> FrequencyFromString(std::string_view s);
int MonthsPerPeriod(Frequency f);        // 1, 3, 12

// Base of the growth index.
enum class BaseRule {
  kFirstPeriod,     // x_1 (the talk's formula)
  kFirstYearMean,   // mean of the periods in the first 12 months
};
std::string_view ToString(BaseRule b);  // "first", "first12"
std::optional<BaseRule> BaseRuleFromString(std::string_view s);

// Weights w_t, t = 1..T, "heavier on recent periods".
enum class Weighting {
  kEqual,        // w_t = 1
  kLinear,       // w_t = t (reference default; the paper does not publish w_t)
  kQuadratic,    // w_t = t^2
  kExponential,  // w_t = 2^(-(T - t) / half_life)
  kLastK,        // w_t = 1 for the last k periods, 0 before
};
std::string_view ToString(Weighting w);  // "equal", "linear", "quadratic", "exponential", "last_k"
std::optional<Weighting> WeightingFromString(std::string_view s);

struct IndexSpec {
  // Window [window_start, window_end], inclusive; unset means the series' own
  // first / last month.
  std::optional<YearMonth> window_start;
  std::optional<YearMonth> window_end;
  // Periods are sums of 1, 3 or 12 consecutive months counted from the window
  // start; the window must hold a whole number of periods.
  Frequency frequency = Frequency::kMonthly;
  BaseRule base = BaseRule::kFirstPeriod;
  Weighting weighting = Weighting::kLinear;
  // Exponential weighting: half-life in periods (> 0).
  double half_life = 12.0;
  // Last-k weighting: number of final periods weighted (>= 1).
  int last_k = 12;

  // Checks field ranges; on failure names the field in *error.
  bool IsValid(std::string* error) const;
  // "linear/first/monthly 2015-01..2024-12" (window shown when set).
  std::string Describe() const;
};

// Why an index could not be computed. Never a silent NaN: the status says.
enum class IndexStatus {
  kOk,
  kTooShort,            // fewer than 2 periods
  kWindowOutsideData,   // the window is not inside the series
  kIncompletePeriod,    // window length not a multiple of the period length
  kMissingInWindow,     // a month inside the window is missing
  kBaseNotPositive,     // growth base <= 0
  kMeanNotPositive,     // mean <= 0: V undefined
};
std::string_view ToString(IndexStatus s);

struct IndexValues {
  double V = 0.0;
  double G = 0.0;
  IndexStatus status = IndexStatus::kOk;
  bool ok() const { return status == IndexStatus::kOk; }
};

// Normalised weights (summing to 1) for T periods.
std::vector<double> MakeWeights(const IndexSpec& spec, int num_periods);
void FillWeights(const IndexSpec& spec, std::span<double> weights);
// Number of leading periods averaged for the base: 1, or 12 / months per period.
int BasePeriods(const IndexSpec& spec);

// ---- Hot kernels: contiguous spans, no allocation -------------------------
// V of x (T >= 2; mean must be > 0 for a meaningful value).
double VolatilityIndex(std::span<const double> x);
// The sum the index kernels use (four lanes, fixed order): callers that need
// the mean bit-identical to VolatilityIndex/ComputeIndices use this.
double IndexSum(std::span<const double> x);
// G of x with normalised weights w (same length) and the base averaged over
// the first base_periods values.
double GrowthIndex(std::span<const double> x, std::span<const double> normalized_weights,
                   int base_periods);
// Both, with the status checks (too short, base <= 0, mean <= 0).
IndexValues ComputeIndices(std::span<const double> x, std::span<const double> normalized_weights,
                           int base_periods);

// ---- Window and frequency --------------------------------------------------
struct ResolvedWindow {
  int first_column = 0;      // index of the window's first month in the series
  int num_months = 0;
  int months_per_period = 1;
  int num_periods = 0;
  YearMonth start, end;
  IndexStatus status = IndexStatus::kOk;
};
ResolvedWindow ResolveWindow(const IndexSpec& spec, YearMonth series_first, int series_months);
// Sums monthly[first_column ...] into out[0 .. num_periods).
void AggregateToPeriods(std::span<const double> monthly, const ResolvedWindow& window,
                        std::span<double> out);

// Many series at once: row r of `matrix` is a series whose month t (counted
// from the matrix's first column) is data[r * series_stride + t *
// month_stride]. Strides are in elements and may be any sign, so a C-order
// (series x months) array and the transpose of a (months x series) one are
// both read in place. Every series shares `window`, `normalized_weights`
// (window.num_periods long) and `base_periods`; a NaN month in the window is a
// missing month. out[r] is bit-identical to ComputeSeriesIndices on row r
// alone (tested). Allocates one period buffer per call, none per series.
struct IndexMatrix {
  const double* data = nullptr;
  size_t num_series = 0;
  size_t num_months = 0;
  std::ptrdiff_t series_stride = 0;
  std::ptrdiff_t month_stride = 1;
};
void ComputeIndicesBatch(const IndexMatrix& matrix, const ResolvedWindow& window,
                         std::span<const double> normalized_weights, int base_periods,
                         std::span<IndexValues> out);

// One monthly series end to end. `present` may be empty (all present).
IndexValues ComputeSeriesIndices(std::span<const double> monthly,
                                 std::span<const unsigned char> present,
                                 YearMonth series_first, const IndexSpec& spec);

}  // namespace chokepoint
