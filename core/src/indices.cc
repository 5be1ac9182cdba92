#include "chokepoint/core/indices.h"


#include <cmath>
#include <cstring>
#include <stdexcept>
#include <sstream>

#include "index_kernels.h"

namespace chokepoint {

std::string_view ToString(Frequency f) {
  switch (f) {
    case Frequency::kMonthly: return "monthly";
    case Frequency::kQuarterly: return "quarterly";
    case Frequency::kAnnual: return "annual";
  }
  return "?";
}
std::optional<Frequency> FrequencyFromString(std::string_view s) {
  if (s == "monthly") return Frequency::kMonthly;
  if (s == "quarterly") return Frequency::kQuarterly;
  if (s == "annual") return Frequency::kAnnual;
  return std::nullopt;
}
int MonthsPerPeriod(Frequency f) {
  switch (f) {
    case Frequency::kMonthly: return 1;
    case Frequency::kQuarterly: return 3;
    case Frequency::kAnnual: return 12;
  }
  return 1;
}

std::string_view ToString(BaseRule b) {
  return b == BaseRule::kFirstPeriod ? "first" : "first12";
}
std::optional<BaseRule> BaseRuleFromString(std::string_view s) {
  if (s == "first") return BaseRule::kFirstPeriod;
  if (s == "first12") return BaseRule::kFirstYearMean;
  return std::nullopt;
}

std::string_view ToString(Weighting w) {
  switch (w) {
    case Weighting::kEqual: return "equal";
    case Weighting::kLinear: return "linear";
    case Weighting::kQuadratic: return "quadratic";
    case Weighting::kExponential: return "exponential";
    case Weighting::kLastK: return "last_k";
  }
  return "?";
}
std::optional<Weighting> WeightingFromString(std::string_view s) {
  if (s == "equal") return Weighting::kEqual;
  if (s == "linear") return Weighting::kLinear;
  if (s == "quadratic") return Weighting::kQuadratic;
  if (s == "exponential") return Weighting::kExponential;
  if (s == "last_k") return Weighting::kLastK;
  return std::nullopt;
}

std::string_view ToString(IndexStatus s) {
  switch (s) {
    case IndexStatus::kOk: return "ok";
    case IndexStatus::kTooShort: return "too_short";
    case IndexStatus::kWindowOutsideData: return "window_outside_data";
    case IndexStatus::kIncompletePeriod: return "incomplete_period";
    case IndexStatus::kMissingInWindow: return "missing_in_window";
    case IndexStatus::kBaseNotPositive: return "base_not_positive";
    case IndexStatus::kMeanNotPositive: return "mean_not_positive";
  }
  return "?";
}

bool IndexSpec::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) { if (error) *error = msg; return false; };
  if (window_start && window_end && *window_end < *window_start)
    return fail("index.window_end (" + window_end->ToString() + ") is before index.window_start (" +
                window_start->ToString() + ")");
  if (weighting == Weighting::kExponential && !(half_life > 0.0 && std::isfinite(half_life)))
    return fail("index.half_life must be a positive number of periods, got " + std::to_string(half_life));
  if (weighting == Weighting::kLastK && last_k < 1)
    return fail("index.last_k must be >= 1, got " + std::to_string(last_k));
  return true;
}

namespace {
// The shortest of 6, 15 or 17 significant digits that reads back as `v`: a
// description a run file records must name the specification exactly.
std::string ExactText(double v) {
  for (int digits : {6, 15, 17}) {
    std::ostringstream text;
    text.precision(digits);
    text << v;
    if (digits == 17 || std::stod(text.str()) == v) return text.str();
  }
  return std::to_string(v);
}
}  // namespace

std::string IndexSpec::Describe() const {
  std::ostringstream out;
  out << ToString(weighting);
  if (weighting == Weighting::kExponential) out << "(half_life=" << ExactText(half_life) << ")";
  if (weighting == Weighting::kLastK) out << "(k=" << last_k << ")";
  out << '/' << ToString(base) << '/' << ToString(frequency);
  if (window_start || window_end) {
    out << ' ' << (window_start ? window_start->ToString() : std::string("start")) << ".."
        << (window_end ? window_end->ToString() : std::string("end"));
  }
  return out.str();
}

void FillWeights(const IndexSpec& spec, std::span<double> w) {
  const int T = static_cast<int>(w.size());
  double sum = 0.0;
  for (int i = 0; i < T; ++i) {
    const double t = i + 1;
    double v = 1.0;
    switch (spec.weighting) {
      case Weighting::kEqual: v = 1.0; break;
      case Weighting::kLinear: v = t; break;
      case Weighting::kQuadratic: v = t * t; break;
      case Weighting::kExponential: v = std::exp2(-(T - t) / spec.half_life); break;
      case Weighting::kLastK: v = (t > T - spec.last_k) ? 1.0 : 0.0; break;
    }
    w[i] = v;
    sum += v;
  }
  for (double& v : w) v /= sum;
}

std::vector<double> MakeWeights(const IndexSpec& spec, int num_periods) {
  std::vector<double> w(static_cast<size_t>(num_periods > 0 ? num_periods : 0));
  if (!w.empty()) FillWeights(spec, w);
  return w;
}

int BasePeriods(const IndexSpec& spec) {
  return spec.base == BaseRule::kFirstPeriod ? 1 : 12 / MonthsPerPeriod(spec.frequency);
}

namespace {
// Sums with four independent accumulators: a single running sum is bound by
// the add latency, and these kernels run once per bootstrap replicate and
// sweep specification. Every index path (ComputeIndices, VolatilityIndex,
// GrowthIndex, the sweep engine) uses these, in this fixed order, so they
// agree bit for bit and do not depend on threads. (Eight lanes measured
// slower.)
inline double LaneSum(const double* x, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; ++i) s0 += x[i];
  return (s0 + s1) + (s2 + s3);
}
inline double LaneDot(const double* w, const double* x, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += w[i] * x[i];
    s1 += w[i + 1] * x[i + 1];
    s2 += w[i + 2] * x[i + 2];
    s3 += w[i + 3] * x[i + 3];
  }
  for (; i < n; ++i) s0 += w[i] * x[i];
  return (s0 + s1) + (s2 + s3);
}
inline double LaneSquaredDeviations(const double* x, size_t n, double mean) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const double d0 = x[i] - mean, d1 = x[i + 1] - mean, d2 = x[i + 2] - mean, d3 = x[i + 3] - mean;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < n; ++i) {
    const double d = x[i] - mean;
    s0 += d * d;
  }
  return (s0 + s1) + (s2 + s3);
}
}  // namespace

// ---- Instruction set of the vector kernels (index_kernels.h) --------------
// Every instantiation gives the same bits, so the choice only changes speed.
#if defined(__x86_64__) && defined(__GNUC__)
#define CHOKEPOINT_INDEX_AVX2 1
namespace {
__attribute__((target("avx2"))) IndexValues IndicesAvx2(const double* x, const double* w, size_t n,
                                                        int base_periods) {
  return index_kernels::Indices<index_kernels::QuadLanes>(x, w, n, base_periods);
}
__attribute__((target("avx2"))) void BatchRowMajorAvx2(const IndexMatrix& m, const ResolvedWindow& w,
                                                       std::span<const double> weights, int base_periods,
                                                       std::span<double> periods, std::span<IndexValues> out) {
  index_kernels::BatchRowMajor<index_kernels::QuadLanes>(m, w, weights, base_periods, periods, out);
}
__attribute__((target("avx2"))) void BatchColumnMajorAvx2(const IndexMatrix& m, const ResolvedWindow& w,
                                                          std::span<const double> weights, int base_periods,
                                                          std::span<double> periods, std::span<IndexValues> out) {
  index_kernels::BatchColumnMajor<index_kernels::QuadLanes>(m, w, weights, base_periods, periods, out);
}
}  // namespace
#endif

double IndexSum(std::span<const double> x) { return LaneSum(x.data(), x.size()); }

double VolatilityIndex(std::span<const double> x) {
  const size_t n = x.size();
  const double mean = LaneSum(x.data(), n) / static_cast<double>(n);
  return std::sqrt(LaneSquaredDeviations(x.data(), n, mean) / static_cast<double>(n - 1)) / mean;
}

double GrowthIndex(std::span<const double> x, std::span<const double> w, int base_periods) {
  return LaneDot(w.data(), x.data(), x.size()) / index_kernels::BaseMean(x.data(), base_periods) - 1.0;
}

IndexValues ComputeIndices(std::span<const double> x, std::span<const double> w, int base_periods) {
  if (x.size() < 2 || static_cast<int>(x.size()) < base_periods) {
    IndexValues out;
    out.status = IndexStatus::kTooShort;
    return out;
  }
#if CHOKEPOINT_INDEX_AVX2
  if (KernelsUseAvx2()) return IndicesAvx2(x.data(), w.data(), x.size(), base_periods);
#endif
  return index_kernels::Indices<index_kernels::PairLanes>(x.data(), w.data(), x.size(), base_periods);
}

ResolvedWindow ResolveWindow(const IndexSpec& spec, YearMonth series_first, int series_months) {
  ResolvedWindow r;
  r.months_per_period = MonthsPerPeriod(spec.frequency);
  const YearMonth series_last = series_first.Plus(series_months - 1);
  r.start = spec.window_start.value_or(series_first);
  r.end = spec.window_end.value_or(series_last);
  if (series_months <= 0 || r.start < series_first || r.end > series_last || r.end < r.start) {
    r.status = IndexStatus::kWindowOutsideData;
    return r;
  }
  r.first_column = MonthsBetween(series_first, r.start);
  r.num_months = MonthsBetween(r.start, r.end) + 1;
  if (r.num_months % r.months_per_period != 0) {
    r.status = IndexStatus::kIncompletePeriod;
    return r;
  }
  r.num_periods = r.num_months / r.months_per_period;
  if (r.num_periods < 2 || r.num_periods < BasePeriods(spec)) r.status = IndexStatus::kTooShort;
  return r;
}

void AggregateToPeriods(std::span<const double> monthly, const ResolvedWindow& w, std::span<double> out) {
  const int m = w.months_per_period;
  for (int p = 0; p < w.num_periods; ++p) {
    double s = 0.0;
    const size_t begin = static_cast<size_t>(w.first_column + p * m);
    for (int k = 0; k < m; ++k) s += monthly[begin + k];
    out[p] = s;
  }
}

IndexValues ComputeSeriesIndices(std::span<const double> monthly, std::span<const unsigned char> present,
                                 YearMonth series_first, const IndexSpec& spec) {
  IndexValues out;
  const ResolvedWindow w = ResolveWindow(spec, series_first, static_cast<int>(monthly.size()));
  if (w.status != IndexStatus::kOk) {
    out.status = w.status;
    return out;
  }
  if (!present.empty()) {
    for (int t = 0; t < w.num_months; ++t) {
      if (!present[w.first_column + t]) {
        out.status = IndexStatus::kMissingInWindow;
        return out;
      }
    }
  }
  std::vector<double> periods(w.num_periods);
  AggregateToPeriods(monthly, w, periods);
  const std::vector<double> weights = MakeWeights(spec, w.num_periods);
  return ComputeIndices(periods, weights, BasePeriods(spec));
}

namespace index_kernels {
IndexValues BatchRow(const IndexMatrix& m, size_t r, const ResolvedWindow& w, std::span<const double> weights,
                     int base_periods, std::span<double> periods) {
  const double* first = m.data + static_cast<std::ptrdiff_t>(r) * m.series_stride +
                        static_cast<std::ptrdiff_t>(w.first_column) * m.month_stride;
  for (int t = 0; t < w.num_months; ++t) {
    if (std::isnan(first[static_cast<std::ptrdiff_t>(t) * m.month_stride])) {
      IndexValues missing;
      missing.status = IndexStatus::kMissingInWindow;
      return missing;
    }
  }
  const int k = w.months_per_period;
  for (int p = 0; p < w.num_periods; ++p) {
    double s = 0.0;
    for (int j = 0; j < k; ++j) s += first[static_cast<std::ptrdiff_t>(p * k + j) * m.month_stride];
    periods[static_cast<size_t>(p)] = s;
  }
  return ComputeIndices(periods, weights, base_periods);
}
}  // namespace index_kernels

void ComputeIndicesBatch(const IndexMatrix& m, const ResolvedWindow& w, std::span<const double> weights,
                         int base_periods, std::span<IndexValues> out) {
  if (out.size() != m.num_series)
    throw std::invalid_argument("ComputeIndicesBatch: out holds " + std::to_string(out.size()) +
                                " values for " + std::to_string(m.num_series) + " series");
  if (w.status != IndexStatus::kOk) {
    for (IndexValues& o : out) o = IndexValues{.V = 0.0, .G = 0.0, .status = w.status};
    return;
  }
  if (w.num_periods < 2 || w.num_periods < base_periods) {  // as ComputeIndices says it
    for (IndexValues& o : out) o = IndexValues{.V = 0.0, .G = 0.0, .status = IndexStatus::kTooShort};
    return;
  }
  if (weights.size() != static_cast<size_t>(w.num_periods) || w.first_column < 0 || w.months_per_period < 1 ||
      w.num_months != w.num_periods * w.months_per_period ||
      static_cast<size_t>(w.first_column + w.num_months) > m.num_months)
    throw std::invalid_argument("ComputeIndicesBatch: window, weights and matrix do not agree");
  std::vector<double> periods(static_cast<size_t>(w.num_periods));
  if (w.months_per_period == 1 && m.month_stride == 1) {
#if CHOKEPOINT_INDEX_AVX2
    if (KernelsUseAvx2()) return BatchRowMajorAvx2(m, w, weights, base_periods, periods, out);
#endif
    index_kernels::BatchRowMajor<index_kernels::PairLanes>(m, w, weights, base_periods, periods, out);
  } else if (w.months_per_period == 1 && m.series_stride == 1) {
#if CHOKEPOINT_INDEX_AVX2
    if (KernelsUseAvx2()) return BatchColumnMajorAvx2(m, w, weights, base_periods, periods, out);
#endif
    index_kernels::BatchColumnMajor<index_kernels::PairLanes>(m, w, weights, base_periods, periods, out);
  } else {
    for (size_t r = 0; r < m.num_series; ++r)
      out[r] = index_kernels::BatchRow(m, r, w, weights, base_periods, periods);
  }
}

}  // namespace chokepoint
