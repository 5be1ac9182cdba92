#include "chokepoint/core/indices.h"

#include <cmath>
#include <sstream>

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

std::string IndexSpec::Describe() const {
  std::ostringstream out;
  out << ToString(weighting);
  if (weighting == Weighting::kExponential) out << "(half_life=" << half_life << ")";
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

double VolatilityIndex(std::span<const double> x) {
  const size_t n = x.size();
  double sum = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) {
    const double d = v - mean;
    ss += d * d;
  }
  return std::sqrt(ss / static_cast<double>(n - 1)) / mean;
}

double GrowthIndex(std::span<const double> x, std::span<const double> w, int base_periods) {
  double base = 0.0;
  for (int i = 0; i < base_periods; ++i) base += x[i];
  base /= base_periods;
  double weighted = 0.0;
  for (size_t i = 0; i < x.size(); ++i) weighted += w[i] * x[i];
  return weighted / base - 1.0;
}

IndexValues ComputeIndices(std::span<const double> x, std::span<const double> w, int base_periods) {
  IndexValues out;
  if (x.size() < 2 || static_cast<int>(x.size()) < base_periods) {
    out.status = IndexStatus::kTooShort;
    return out;
  }
  const size_t n = x.size();
  double sum = 0.0, weighted = 0.0, base = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sum += x[i];
    weighted += w[i] * x[i];
  }
  for (int i = 0; i < base_periods; ++i) base += x[i];
  base /= base_periods;
  const double mean = sum / static_cast<double>(n);
  if (!(mean > 0.0)) {
    out.status = IndexStatus::kMeanNotPositive;
    return out;
  }
  if (!(base > 0.0)) {
    out.status = IndexStatus::kBaseNotPositive;
    return out;
  }
  double ss = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = x[i] - mean;
    ss += d * d;
  }
  out.V = std::sqrt(ss / static_cast<double>(n - 1)) / mean;
  out.G = weighted / base - 1.0;
  return out;
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

}  // namespace chokepoint
