#include "chokepoint/robustness/models/breaks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/version.h"
#include "chokepoint/core/random.h"
#include "segment_rss.h"

namespace chokepoint::robustness {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// RandomStream stream_a keys of the Monte Carlo nulls.
constexpr uint32_t kStreamSupF = 0x42500001u;
constexpr uint32_t kStreamSegmentBase = 0x42510000u;  // + segment length

bool Fail(std::string* error, const std::string& msg) {
  if (error) *error = msg;
  return false;
}

// Welford-type running RSS of y on (1) or (1, x), adding observations one at
// a time; stable where raw cumulative sums would cancel.
struct RunningFit {
  double count = 0, mx = 0, my = 0, cxx = 0, cxy = 0, cyy = 0;
  void AddLevel(double y) {
    count += 1;
    const double dy = y - my;
    my += dy / count;
    cyy += dy * (y - my);
  }
  void AddTrend(double x, double y) {
    count += 1;
    const double dx = x - mx;
    mx += dx / count;
    const double dy = y - my;
    my += dy / count;
    cxx += dx * (x - mx);
    cxy += dx * (y - my);
    cyy += dy * (y - my);
  }
  double RssLevel() const { return cyy; }
  double RssTrend() const {
    if (count < 3) return 0.0;
    return std::max(cyy - cxy * cxy / cxx, 0.0);
  }
};

// log(pnorm(z)) accurate in the far left tail (R's pnorm(log.p = TRUE)).
double LogNormalCdf(double z) {
  if (z > 0) return std::log1p(-0.5 * std::erfc(z / std::numbers::sqrt2));
  if (z > -30) return std::log(0.5 * std::erfc(-z / std::numbers::sqrt2));
  const double z2 = z * z;
  const double series = 1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2) + 105.0 / (z2 * z2 * z2 * z2);
  return -0.5 * z2 - 0.5 * std::log(2.0 * std::numbers::pi) - std::log(-z) + std::log(series);
}

// Segment-wise OLS of y on Z for a partition (1-based last indices).
struct SegmentFit {
  Eigen::VectorXd beta;
  double rss = 0.0;
  int rows = 0;
};
SegmentFit FitSegment(const Eigen::Ref<const Eigen::MatrixXd>& Z, const Eigen::Ref<const Eigen::VectorXd>& y,
                      int first, int last) {
  SegmentFit f;
  f.rows = last - first + 1;
  const auto Zs = Z.middleRows(first - 1, f.rows);
  const auto ys = y.segment(first - 1, f.rows);
  f.beta = Zs.colPivHouseholderQr().solve(ys);
  f.rss = (ys - Zs * f.beta).squaredNorm();
  return f;
}

// Null errors: iid N(0,1), or a stationary AR(1) with coefficient rho.
void FillNullErrors(RandomStream& rng, double rho, double* out, int n) {
  if (rho == 0.0) {
    for (int t = 0; t < n; ++t) out[t] = rng.NextNormal();
    return;
  }
  double u = rng.NextNormal() / std::sqrt(1.0 - rho * rho);
  out[0] = u;
  for (int t = 1; t < n; ++t) {
    u = rho * u + rng.NextNormal();
    out[t] = u;
  }
}

double Quantile7(std::vector<double> v, double prob) {
  std::sort(v.begin(), v.end());
  const double h = (v.size() - 1) * prob;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

double UpperTailP(const std::vector<double>& null_draws, double stat) {
  if (!std::isfinite(stat)) return kNaN;
  size_t exceed = 0;
  for (double d : null_draws) exceed += d >= stat ? 1 : 0;
  return (1.0 + exceed) / (null_draws.size() + 1.0);
}

// One-break supF inside a segment of length L with minimum part h, using
// prefix/suffix RSS. Scratch vectors are resized as needed.
double SegmentSupF(std::span<const double> y, TrendRegressors regressors, int h, std::vector<double>& prefix,
                   std::vector<double>& suffix) {
  const int L = static_cast<int>(y.size());
  const int q = RegressorCount(regressors);
  if (L < 2 * h) return 0.0;
  prefix.assign(L, 0.0);
  suffix.assign(L, 0.0);
  RunningFit f;
  for (int t = 0; t < L; ++t) {
    if (regressors == TrendRegressors::kLevel) {
      f.AddLevel(y[t]);
      prefix[t] = f.RssLevel();
    } else {
      f.AddTrend(t, y[t]);
      prefix[t] = f.RssTrend();
    }
  }
  const double s0 = prefix[L - 1];
  RunningFit b;
  for (int t = L - 1; t >= 0; --t) {
    if (regressors == TrendRegressors::kLevel) {
      b.AddLevel(y[t]);
      suffix[t] = b.RssLevel();
    } else {
      b.AddTrend(L - 1 - t, y[t]);
      suffix[t] = b.RssTrend();
    }
  }
  double s1 = std::numeric_limits<double>::infinity();
  // Break after observation tau (0-based last index of part one), both parts >= h.
  for (int tau = h - 1; tau <= L - h - 1; ++tau) s1 = std::min(s1, prefix[tau] + suffix[tau + 1]);
  return ((L - 2.0 * q) / q) * (s0 - s1) / s1;
}

}  // namespace

// ---------------------------------------------------------------------------
// Segment RSS triangle and dynamic programme.

namespace {

// Adding observations backwards from each segment end, the local time of the
// c-th observation is x = c - 1, so its running mean (c - 1)/2 and centred
// sum of squares c (c^2 - 1)/12 are known in closed form: only the mean of y
// and the centred cross products are updated (Welford), with precomputed
// reciprocals instead of divisions.
void FillReciprocals(int n, std::vector<double>& inverse_count, std::vector<double>& inverse_sxx) {
  inverse_count.resize(n + 1);
  inverse_sxx.resize(n + 1);
  for (int c = 1; c <= n; ++c) {
    inverse_count[c] = 1.0 / c;
    const double sxx = static_cast<double>(c) * (static_cast<double>(c) * c - 1.0) / 12.0;
    inverse_sxx[c] = sxx > 0 ? 1.0 / sxx : 0.0;
  }
}

// row[s] = RSS(s + 1, end + 1) (1-based segment bounds) for s = 0..end.
void ComputeRssRow(const double* y, int end, TrendRegressors regressors, const double* inv_c, const double* inv_sxx,
                   double* row) {
  double my = 0.0, cxy = 0.0, cyy = 0.0;
  if (regressors == TrendRegressors::kLevel) {
    for (int s = end, c = 1; s >= 0; --s, ++c) {
      const double v = y[s];
      const double dy = v - my;
      my += dy * inv_c[c];
      cyy += dy * (v - my);
      row[s] = cyy;
    }
  } else {
    for (int s = end, c = 1; s >= 0; --s, ++c) {
      const double v = y[s];
      const double dy = v - my;
      my += dy * inv_c[c];
      const double resid = v - my;
      cxy += 0.5 * c * resid;  // dx = x_c - mean_{c-1} = c / 2
      cyy += dy * resid;
      const double rss = cyy - cxy * cxy * inv_sxx[c];
      row[s] = c < 3 ? 0.0 : (rss > 0.0 ? rss : 0.0);
    }
  }
}

}  // namespace

void SegmentRssTable::Compute(std::span<const double> y, TrendRegressors regressors) {
  n_ = static_cast<int>(y.size());
  data_.resize(Offset(n_));
  FillReciprocals(n_, inverse_count_, inverse_sxx_);
  for (int end = 0; end < n_; ++end)
    ComputeRssRow(y.data(), end, regressors, inverse_count_.data(), inverse_sxx_.data(), data_.data() + Offset(end));
}

void PartitionSearch::ComputeRow(int end0) {
  ComputeRssRow(y_.data(), end0, regressors_, inverse_count_.data(), inverse_sxx_.data(), row_.data());
}

PartitionPath PartitionSearch::Run(std::span<const double> y, TrendRegressors regressors, int h, int max_breaks) {
  const int n = static_cast<int>(y.size());
  y_ = y;
  regressors_ = regressors;
  FillReciprocals(n, inverse_count_, inverse_sxx_);
  row_.resize(n);
  PartitionPath path;
  path.rss.assign(max_breaks + 1, kNaN);
  path.breakpoints.assign(max_breaks + 1, {});
  const double inf = std::numeric_limits<double>::infinity();
  best_.resize(max_breaks + 1);
  arg_.resize(max_breaks + 1);
  for (int m = 0; m <= max_breaks; ++m) {
    best_[m].assign(n + 1, inf);
    arg_[m].assign(n + 1, 0);
  }
  // Segment ends in increasing order: best[m][i] needs best[m - 1][j] for
  // j <= i - h only, all final by then, and the row of end i.
  for (int i = std::max(h, 1); i <= n - h && max_breaks >= 1; ++i) {
    ComputeRow(i - 1);
    best_[1][i] = row_[0];
    for (int m = 2; m <= max_breaks; ++m) {
      if (i < m * h) break;
      const std::vector<double>& prev = best_[m - 1];
      double v_best = inf;
      int j_best = 0;
      for (int j = (m - 1) * h; j <= i - h; ++j) {
        const double v = prev[j] + row_[j];
        if (v < v_best) {  // strict: the first minimum, as R's which.min
          v_best = v;
          j_best = j;
        }
      }
      best_[m][i] = v_best;
      arg_[m][i] = j_best;
    }
  }
  ComputeRow(n - 1);  // RSS(s + 1, n): the last segment of every partition
  last_row_ = row_;
  path.rss[0] = last_row_[0];
  for (int m = 1; m <= max_breaks; ++m) {
    double v_best = inf;
    int i_best = 0;
    for (int i = m * h; i <= n - h; ++i) {
      const double v = best_[m][i] + last_row_[i];
      if (v < v_best) {
        v_best = v;
        i_best = i;
      }
    }
    std::vector<int> bps(m);
    bps[m - 1] = i_best;
    for (int mm = m; mm >= 2; --mm) bps[mm - 2] = arg_[mm][bps[mm - 1]];
    // RSS as strucchange reports it: the sum of the segment RSS (the rows of
    // the chosen ends, computed again).
    double rss = 0.0;
    int first = 1;
    for (int b : bps) {
      ComputeRow(b - 1);
      rss += row_[first - 1];
      first = b + 1;
    }
    rss += last_row_[first - 1];
    path.rss[m] = rss;
    path.breakpoints[m] = std::move(bps);
  }
  return path;
}

// ---------------------------------------------------------------------------
// Bai (1997) confidence intervals.

double ArgmaxVCdf(double x, double xi, double phi1, double phi2) {
  const double phi = xi * (phi2 / phi1) * (phi2 / phi1);
  const double log2pi = std::log(2.0 * std::numbers::pi);
  if (x < 0) {
    const double ax = std::fabs(x);
    const double frac = xi / phi;
    return -std::exp(std::log(ax) / 2 - ax / 8 - log2pi / 2) -
           (phi / xi * (phi + 2 * xi) / (phi + xi)) *
               std::exp((frac * (1 + frac) * ax / 2) + LogNormalCdf(-(0.5 + frac) * std::sqrt(ax))) +
           std::exp(std::log(ax / 2 - 2 + ((phi + 2 * xi) * (phi + 2 * xi)) / ((phi + xi) * xi)) +
                    LogNormalCdf(-std::sqrt(ax) / 2));
  }
  const double ax = x;
  const double frac = xi * xi / phi;
  return 1 + std::sqrt(frac) * std::exp(std::log(ax) / 2 - (frac * ax) / 8 - log2pi / 2) +
         (xi / phi * (2 * phi + xi) / (phi + xi)) *
             std::exp(((phi + xi) * ax / 2) + LogNormalCdf(-(phi + xi / 2) / std::sqrt(phi) * std::sqrt(ax))) -
         std::exp(std::log(((2 * phi + xi) * (2 * phi + xi)) / ((phi + xi) * phi) - 2 + frac * ax / 2) +
                  LogNormalCdf(-std::sqrt(frac) * std::sqrt(ax) / 2));
}

std::vector<BreakInterval> BreakConfidenceIntervals(const Eigen::Ref<const Eigen::MatrixXd>& Z,
                                                    const Eigen::Ref<const Eigen::VectorXd>& y,
                                                    const std::vector<int>& breakpoints, double level,
                                                    bool het_reg, bool het_err,
                                                    std::vector<std::string>* warnings) {
  const int n = static_cast<int>(y.size());
  const double a2 = (1.0 - level) / 2.0;
  std::vector<int> bp = {0};
  bp.insert(bp.end(), breakpoints.begin(), breakpoints.end());
  bp.push_back(n);
  const int nbp = static_cast<int>(breakpoints.size());
  std::vector<BreakInterval> out(nbp);
  if (nbp == 0) return out;

  // Pooled residual variance and moments (used when het_err / het_reg are off).
  double total_rss = 0.0;
  for (size_t s = 0; s + 1 < bp.size(); ++s) total_rss += FitSegment(Z, y, bp[s] + 1, bp[s + 1]).rss;
  double sigma1 = total_rss / n, sigma2 = sigma1;
  Eigen::MatrixXd Q1 = Z.transpose() * Z / n, Q2 = Q1;

  SegmentFit f2 = FitSegment(Z, y, bp[0] + 1, bp[1]);
  auto segment_q = [&](int first, int last) {
    const auto Zs = Z.middleRows(first - 1, last - first + 1);
    return Eigen::MatrixXd(Zs.transpose() * Zs / static_cast<double>(last - first + 1));
  };
  if (het_reg) Q2 = segment_q(bp[0] + 1, bp[1]);
  if (het_err) sigma2 = f2.rss / f2.rows;
  double xi = 1.0;
  for (int i = 1; i <= nbp; ++i) {
    const SegmentFit f1 = f2;
    sigma1 = sigma2;
    Q1 = Q2;
    f2 = FitSegment(Z, y, bp[i] + 1, bp[i + 1]);
    const Eigen::VectorXd delta = f2.beta - f1.beta;
    if (het_reg) Q2 = segment_q(bp[i] + 1, bp[i + 1]);
    if (het_err) sigma2 = f2.rss / f2.rows;
    const double qprod1 = delta.dot(Q1 * delta);
    const double qprod2 = delta.dot(Q2 * delta);
    if (het_reg) xi = qprod2 / qprod1;
    const double phi1 = std::sqrt(sigma1), phi2 = std::sqrt(sigma2);
    BreakInterval& ci = out[i - 1];
    ci.breakpoint = bp[i];
    const double p0 = ArgmaxVCdf(0.0, xi, phi1, phi2);
    if (std::isnan(p0) || p0 < a2 || p0 > 1 - a2) {
      ci.computed = false;
      ci.lower = ci.upper = bp[i];
      ci.lower_raw = ci.upper_raw = kNaN;
      if (warnings) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "Confidence interval %d cannot be computed: P(argmax V <= 0) = %.4f", i,
                      p0);
        warnings->push_back(msg);
      }
      continue;
    }
    auto cdf = [&](double x) { return ArgmaxVCdf(x, xi, phi1, phi2); };
    double ub = 0, lb = 0;
    while (cdf(ub) < 1 - a2) ub += 1000;
    while (cdf(lb) > a2) lb -= 1000;
    // Bisection to full precision (R's uniroot stops at 1.2e-4; the interval
    // ends are rounded to whole observations afterwards).
    auto root = [&](double lo, double hi, double target) {
      for (int it = 0; it < 200 && hi - lo > 1e-12 * (1.0 + std::fabs(lo)); ++it) {
        const double mid = 0.5 * (lo + hi);
        if (cdf(mid) < target) lo = mid; else hi = mid;
      }
      return 0.5 * (lo + hi);
    };
    const double scale = phi1 * phi1 / qprod1;
    const double upper = root(0.0, ub, 1 - a2) * scale;
    const double lower = root(lb, 0.0, a2) * scale;
    ci.computed = true;
    ci.upper_raw = upper;
    ci.lower_raw = lower;
    ci.lower = bp[i] - static_cast<int>(std::ceil(upper));
    ci.upper = bp[i] - static_cast<int>(std::floor(lower));
  }
  if (warnings) {
    for (int i = 0; i < nbp; ++i) {
      if (!out[i].computed) continue;
      if (out[i].lower < 1 || out[i].upper > n) {
        warnings->push_back("Confidence interval " + std::to_string(i + 1) + " [" + std::to_string(out[i].lower) +
                            ", " + std::to_string(out[i].upper) + "] extends beyond the sample 1.." +
                            std::to_string(n));
      }
      if (i + 1 < nbp && out[i + 1].computed && out[i].upper >= out[i + 1].lower) {
        warnings->push_back("Confidence intervals " + std::to_string(i + 1) + " and " + std::to_string(i + 2) +
                            " overlap");
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Options and estimation.

std::string_view ToString(NullErrors e) { return e == NullErrors::kIid ? "iid" : "ar1"; }

std::optional<NullErrors> NullErrorsFromString(std::string_view s) {
  if (s == "iid") return NullErrors::kIid;
  if (s == "ar1") return NullErrors::kAr1;
  return std::nullopt;
}

bool BreakOptions::IsValid(std::string* error) const {
  if (!(trim > 0.0 && trim < 0.5)) return Fail(error, "breaks.trim must be in (0, 0.5), got " + std::to_string(trim));
  if (max_breaks < 1) return Fail(error, "breaks.max_breaks must be >= 1, got " + std::to_string(max_breaks));
  if (!(significance > 0.0 && significance < 1.0)) {
    return Fail(error, "breaks.significance must be in (0, 1), got " + std::to_string(significance));
  }
  if (compute_tests && test_replicates < 19) {
    return Fail(error, "breaks.test_replicates must be >= 19, got " + std::to_string(test_replicates));
  }
  if (!(ci_level > 0.0 && ci_level < 1.0)) {
    return Fail(error, "breaks.ci_level must be in (0, 1), got " + std::to_string(ci_level));
  }
  if (partial_max_iterations < 1) {
    return Fail(error, "breaks.partial_max_iterations must be >= 1, got " + std::to_string(partial_max_iterations));
  }
  return true;
}

BreakOptions BreakOptions::FromToml(const TomlSection& section) {
  section.RejectUnknownKeys({"regressors", "seasonal_fixed", "trim", "max_breaks", "significance", "compute_tests",
                             "test_replicates", "seed", "null_errors", "ci_level", "ci_het_reg", "ci_het_err",
                             "partial_max_iterations"});
  BreakOptions o;
  if (auto v = section.GetString("regressors")) {
    const auto r = TrendRegressorsFromString(*v);
    if (!r) section.Fail("regressors", "must be level or trend, got \"" + *v + "\"");
    o.regressors = *r;
  }
  if (auto v = section.GetBool("seasonal_fixed")) o.seasonal_fixed = *v;
  if (auto v = section.GetDouble("trim")) o.trim = *v;
  if (auto v = section.GetInt("max_breaks")) o.max_breaks = static_cast<int>(*v);
  if (auto v = section.GetDouble("significance")) o.significance = *v;
  if (auto v = section.GetBool("compute_tests")) o.compute_tests = *v;
  if (auto v = section.GetInt("test_replicates")) o.test_replicates = static_cast<int>(*v);
  if (auto v = section.GetInt("seed")) {
    if (*v < 0) section.Fail("seed", "must be >= 0");
    o.seed = static_cast<uint64_t>(*v);
  }
  if (auto v = section.GetString("null_errors")) {
    const auto e = NullErrorsFromString(*v);
    if (!e) section.Fail("null_errors", "must be iid or ar1, got \"" + *v + "\"");
    o.null_errors = *e;
  }
  if (auto v = section.GetDouble("ci_level")) o.ci_level = *v;
  if (auto v = section.GetBool("ci_het_reg")) o.ci_het_reg = *v;
  if (auto v = section.GetBool("ci_het_err")) o.ci_het_err = *v;
  if (auto v = section.GetInt("partial_max_iterations")) o.partial_max_iterations = static_cast<int>(*v);
  std::string error;
  if (!o.IsValid(&error)) section.Fail("", error);
  return o;
}

toml::table BreakOptions::ToToml() const {
  return toml::table{{"regressors", std::string(ToString(regressors))},
                     {"seasonal_fixed", seasonal_fixed},
                     {"trim", trim},
                     {"max_breaks", max_breaks},
                     {"significance", significance},
                     {"compute_tests", compute_tests},
                     {"test_replicates", test_replicates},
                     {"seed", static_cast<int64_t>(seed)},
                     {"null_errors", std::string(ToString(null_errors))},
                     {"ci_level", ci_level},
                     {"ci_het_reg", ci_het_reg},
                     {"ci_het_err", ci_het_err},
                     {"partial_max_iterations", partial_max_iterations}};
}

std::string BreakOptions::Describe() const {
  std::ostringstream out;
  out << "Bai-Perron, regressors " << ToString(regressors) << (seasonal_fixed ? " + fixed month effects (partial change)" : " (pure change)")
      << ", trim " << trim << ", max breaks " << max_breaks;
  if (compute_tests) {
    out << ", Monte Carlo p-values (" << ToString(null_errors) << " null errors, " << test_replicates
        << " replicates, seed " << seed << ")";
  }
  out << ", " << ci_level * 100 << "% Bai (1997) intervals (het.reg " << (ci_het_reg ? "TRUE" : "FALSE")
      << ", het.err " << (ci_het_err ? "TRUE" : "FALSE") << ")";
  return out.str();
}

std::optional<YearMonth> BreakResult::DateOf(int breakpoint) const {
  if (!start) return std::nullopt;
  return start->Plus(breakpoint - 1);
}

namespace {

// Full OLS of y on regime-specific Z plus common W for a partition.
double PartialRss(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& W, const Eigen::VectorXd& y,
                  const std::vector<int>& bps, Eigen::VectorXd* beta_w, Eigen::VectorXd* residuals = nullptr) {
  const int n = static_cast<int>(y.size());
  const int q = static_cast<int>(Z.cols());
  const int regimes = static_cast<int>(bps.size()) + 1;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, regimes * q + W.cols());
  int first = 0;
  for (int r = 0; r < regimes; ++r) {
    const int last = r < regimes - 1 ? bps[r] : n;
    X.block(first, r * q, last - first, q) = Z.middleRows(first, last - first);
    first = last;
  }
  X.rightCols(W.cols()) = W;
  const Eigen::VectorXd b = X.colPivHouseholderQr().solve(y);
  if (beta_w) *beta_w = b.tail(W.cols());
  const Eigen::VectorXd e = y - X * b;
  if (residuals) *residuals = e;
  return e.squaredNorm();
}

// Admissible placements of m breaks with segments of at least h observations.
double PlacementCount(int n, int h, int m) {
  if (m == 1) return std::max(0, n - 2 * h + 1);
  double count = 0;
  for (int b1 = h; b1 <= n - 2 * h; ++b1) count += std::max(0, n - h - (b1 + h) + 1);
  return count;
}
constexpr double kExactPlacementLimit = 300000;  // about 0.5 s at K = 17

// The exact partial-change optimum for m = 1 or 2 breaks (docs/method.md
// §7.3): every admissible placement, the OLS of y on regime-specific Z and
// common W solved from prefix sums of the cross-products (normal equations
// of at most 3q + 11 unknowns), the smallest RSS, ties to the earliest
// placement. Breakpoints are 1-based last observations of each regime.
std::vector<int> ExactPartialBreaks(const Eigen::VectorXd& y, const Eigen::MatrixXd& Z_in, const Eigen::MatrixXd& W,
                                    int h, int m) {
  const int n = static_cast<int>(y.size());
  const int q = static_cast<int>(Z_in.cols()), p = static_cast<int>(W.cols());
  Eigen::MatrixXd Z = Z_in;
  if (q == 2) Z.col(1).array() -= Z.col(1).mean();  // same span per segment, better conditioned sums
  // Prefix sums over observations 0..t-1.
  std::vector<Eigen::MatrixXd> zz(n + 1, Eigen::MatrixXd::Zero(q, q)), zw(n + 1, Eigen::MatrixXd::Zero(q, p));
  std::vector<Eigen::VectorXd> zy(n + 1, Eigen::VectorXd::Zero(q));
  for (int t = 0; t < n; ++t) {
    zz[t + 1] = zz[t] + Z.row(t).transpose() * Z.row(t);
    zw[t + 1] = zw[t] + Z.row(t).transpose() * W.row(t);
    zy[t + 1] = zy[t] + Z.row(t).transpose() * y(t);
  }
  const Eigen::MatrixXd ww = W.transpose() * W;
  const Eigen::VectorXd wy = W.transpose() * y;
  const double yy = y.squaredNorm();
  const int K = (m + 1) * q + p;
  Eigen::MatrixXd A(K, K);
  Eigen::VectorXd b(K);
  auto rss_of = [&](const int* ends) {  // ends[0..m]: exclusive ends of the regimes, ends[m] = n
    A.setZero();
    A.bottomRightCorner(p, p) = ww;
    b.tail(p) = wy;
    int lo = 0;
    for (int r = 0; r <= m; ++r) {
      const int hi = ends[r];
      A.block(r * q, r * q, q, q) = zz[hi] - zz[lo];
      A.block(r * q, (m + 1) * q, q, p) = zw[hi] - zw[lo];  // no temporary: this runs per placement
      A.block((m + 1) * q, r * q, p, q) = A.block(r * q, (m + 1) * q, q, p).transpose();
      b.segment(r * q, q) = zy[hi] - zy[lo];
      lo = hi;
    }
    const Eigen::VectorXd x = A.ldlt().solve(b);
    return yy - b.dot(x);
  };
  double best = std::numeric_limits<double>::infinity();
  std::vector<int> best_bps;
  if (m == 1) {
    for (int b1 = h; b1 <= n - h; ++b1) {
      const int ends[2] = {b1, n};
      const double r = rss_of(ends);
      if (r < best) best = r, best_bps = {b1};
    }
  } else {
    for (int b1 = h; b1 <= n - 2 * h; ++b1)
      for (int b2 = b1 + h; b2 <= n - h; ++b2) {
        const int ends[3] = {b1, b2, n};
        const double r = rss_of(ends);
        if (r < best) best = r, best_bps = {b1, b2};
      }
  }
  return best_bps;
}

// Partial structural change (W fixed across regimes) for m = 1..M by the
// Bai-Perron iteration: breaks given beta (pure-change DP on y - W beta),
// beta given breaks (full OLS), until the breaks repeat. The iteration is a
// local search; with `exact_small_m`, m = 1 and 2 take the exact optimum
// over every placement instead where the placements are few enough
// (ExactPartialBreaks). betas[m] holds the final beta of the m-break model;
// unsettled lists the m that hit the limit.
PartitionPath PartialPath(const Eigen::VectorXd& y, const Eigen::MatrixXd& Z, const Eigen::MatrixXd& W,
                          TrendRegressors regressors, int h, int M, int max_iterations, PartitionSearch& search,
                          std::vector<Eigen::VectorXd>* betas, std::vector<int>* unsettled, bool exact_small_m) {
  const int n = static_cast<int>(y.size());
  PartitionPath path;
  path.rss.assign(M + 1, kNaN);
  path.breakpoints.assign(M + 1, {});
  Eigen::VectorXd beta0;
  path.rss[0] = PartialRss(Z, W, y, {}, &beta0);
  if (betas) betas->assign(M + 1, beta0);
  Eigen::VectorXd yt(n);
  for (int m = 1; m <= M; ++m) {
    Eigen::VectorXd beta = beta0;
    std::vector<int> previous;
    double rss = kNaN;
    int it = 0;
    for (; it < max_iterations; ++it) {
      yt.noalias() = y - W * beta;
      std::vector<int> bps = search.Run(std::span<const double>(yt.data(), n), regressors, h, m).breakpoints[m];
      rss = PartialRss(Z, W, y, bps, &beta);
      const bool same = bps == previous;
      previous = std::move(bps);
      if (same) break;
    }
    bool settled = it < max_iterations;
    if (exact_small_m && m <= 2 && PlacementCount(n, h, m) <= kExactPlacementLimit) {
      std::vector<int> exact = ExactPartialBreaks(y, Z, W, h, m);
      Eigen::VectorXd exact_beta;
      const double exact_rss = PartialRss(Z, W, y, exact, &exact_beta);
      if (exact != previous && exact_rss < rss) {
        previous = std::move(exact);
        rss = exact_rss;
        beta = exact_beta;
      }
      settled = true;  // the exact optimum, whatever the iteration did
    }
    if (!settled && unsettled) unsettled->push_back(m);
    path.rss[m] = rss;
    path.breakpoints[m] = std::move(previous);
    if (betas) (*betas)[m] = beta;
  }
  return path;
}

std::string FormatBreak(const BreakResult& r, int bp) {
  std::string s = std::to_string(bp);
  if (auto d = r.DateOf(bp)) s += " (" + d->ToString() + ")";
  return s;
}

}  // namespace

BreakResult EstimateBreaks(std::span<const double> y_in, const BreakOptions& options,
                           std::optional<YearMonth> start) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  BreakResult r;
  r.options = options;
  r.start = start;
  const int n = static_cast<int>(y_in.size());
  r.n = n;
  r.q = RegressorCount(options.regressors);
  r.p = options.seasonal_fixed ? 11 : 0;
  for (double v : y_in) {
    if (!std::isfinite(v)) throw Error(ErrorKind::kInput, "breaks: the series contains a non-finite value");
  }
  const int h = static_cast<int>(std::floor(n * options.trim));
  r.trim_obs = h;
  if (h <= r.q + r.p) {
    throw Error(ErrorKind::kInput, "breaks: minimum segment size h = floor(" + std::to_string(options.trim) + " * " +
                                       std::to_string(n) + ") = " + std::to_string(h) +
                                       " must be greater than the number of regressors (" +
                                       std::to_string(r.q + r.p) + "); use a longer series or a larger trim");
  }
  if (h > n / 2) throw Error(ErrorKind::kInput, "breaks: minimum segment size must be at most half the sample");
  const int cap = static_cast<int>(std::ceil(static_cast<double>(n) / h)) - 2;
  r.max_breaks = std::min(options.max_breaks, cap);
  if (r.max_breaks < 1) throw Error(ErrorKind::kInput, "breaks: series too short for one break at this trim");
  if (r.max_breaks < options.max_breaks) {
    r.warnings.push_back("requested number of breaks = " + std::to_string(options.max_breaks) +
                         " too large, changed to " + std::to_string(r.max_breaks));
  }
  const int M = r.max_breaks;
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(y_in.data(), n);
  const Eigen::MatrixXd Z = MakeDesign(n, {options.regressors, false, start}).X;

  PartitionSearch search;
  PartitionPath path;
  Eigen::MatrixXd W;                          // month dummies (partial change)
  std::vector<Eigen::VectorXd> partial_betas;  // their coefficients for m = 0..M
  // y minus the fixed month effects of the l-break model (y itself for pure change).
  auto y_without_w = [&](int l) -> Eigen::VectorXd {
    return options.seasonal_fixed ? Eigen::VectorXd(y - W * partial_betas[l]) : y;
  };
  if (!options.seasonal_fixed) {
    path = search.Run(y_in, options.regressors, h, M);
  } else {
    W = MonthDummies(n, start);
    std::vector<int> unsettled;
    path = PartialPath(y, Z, W, options.regressors, h, M, options.partial_max_iterations, search, &partial_betas,
                       &unsettled, /*exact_small_m=*/true);
    for (int m : unsettled) {
      r.warnings.push_back("partial change with m = " + std::to_string(m) + ": break dates did not settle in " +
                           std::to_string(options.partial_max_iterations) + " iterations");
    }
  }

  r.rss = path.rss;
  r.bic.resize(M + 1);
  r.lwz.resize(M + 1);
  const double logn = std::log(static_cast<double>(n));
  for (int m = 0; m <= M; ++m) {
    // strucchange summary(): -2 logLik + log(n) df, df = (q + 1)(m + 1) (+ p here).
    r.bic[m] = n * (std::log(r.rss[m]) + 1 - logn + std::log(2 * std::numbers::pi)) +
               logn * ((r.q + 1) * (m + 1) + r.p);
    r.lwz[m] = std::log(r.rss[m] / (n - (m + 1) * r.q - m - r.p)) +
               (m * (r.q + 1) * 0.299 * std::pow(logn, 2.1)) / n;
  }
  r.selected_bic = static_cast<int>(std::min_element(r.bic.begin(), r.bic.end()) - r.bic.begin());
  r.selected_lwz = static_cast<int>(std::min_element(r.lwz.begin(), r.lwz.end()) - r.lwz.begin());
  for (int m = 1; m <= M; ++m) r.breakpoints_by_m.push_back(path.breakpoints[m]);
  r.breakpoints = path.breakpoints[r.selected_bic];

  // Residuals of the LWZ-chosen partition: the AR(1) null below uses them,
  // and y minus them is the fitted path callers keep (fitted_lwz).
  Eigen::VectorXd lwz_resid(n);
  {
    const std::vector<int>& bps = path.breakpoints[r.selected_lwz];
    if (options.seasonal_fixed) {
      PartialRss(Z, W, y, bps, nullptr, &lwz_resid);
    } else {
      int first = 1;
      for (size_t s = 0; s <= bps.size(); ++s) {
        const int last = s < bps.size() ? bps[s] : n;
        const SegmentFit f = FitSegment(Z, y, first, last);
        lwz_resid.segment(first - 1, f.rows) =
            y.segment(first - 1, f.rows) - Z.middleRows(first - 1, f.rows) * f.beta;
        first = last + 1;
      }
    }
    r.fitted_lwz.resize(n);
    for (int t = 0; t < n; ++t) r.fitted_lwz[t] = y(t) - lwz_resid(t);
  }

  // Tests: statistics.
  r.sup_f.resize(M);
  for (int k = 1; k <= M; ++k) {
    r.sup_f[k - 1] = ((n - (k + 1.0) * r.q - r.p) / (k * r.q)) * (r.rss[0] - r.rss[k]) / r.rss[k];
  }
  r.ud_max = *std::max_element(r.sup_f.begin(), r.sup_f.end());
  r.sup_f_p.assign(M, kNaN);
  r.sup_f_critical_5.assign(M, kNaN);
  r.seq_f.assign(M, kNaN);
  r.seq_f_p.assign(M, kNaN);
  r.wd_max = kNaN;
  r.ud_max_p = r.wd_max_p = kNaN;
  r.selected_sequential = -1;
  if (!options.compute_tests) {
    r.pvalue_source = "not computed (compute_tests = false)";
  } else {
    r.tests_computed = true;
    const int R = options.test_replicates;
    double rho = 0.0;
    if (options.null_errors == NullErrors::kAr1) {
      // Lag-1 autocorrelation of the residuals of the LWZ-chosen partition.
      const Eigen::VectorXd& resid = lwz_resid;
      const double num = resid.head(n - 1).dot(resid.tail(n - 1));
      rho = std::clamp(num / resid.squaredNorm(), -0.95, 0.95);
    }
    r.null_rho = rho;
    // F(l+1|l) statistics on the global l-break partitions.
    // Partial change: on y minus the l-break model's month effects.
    std::vector<double> prefix, suffix;
    for (int l = 0; l < M; ++l) {
      const std::vector<int>& bps = path.breakpoints[l];
      const Eigen::VectorXd yl = y_without_w(l);
      double fmax = kNaN;  // stays NaN when no regime can hold another break (all < 2h)
      int first = 1;
      for (size_t s = 0; s <= bps.size(); ++s) {
        const int last = s < bps.size() ? bps[s] : n;
        if (last - first + 1 >= 2 * h) {
          const double f = SegmentSupF(std::span<const double>(yl.data() + first - 1, last - first + 1),
                                       options.regressors, h, prefix, suffix);
          fmax = std::isnan(fmax) ? f : std::max(fmax, f);
        }
        first = last + 1;
      }
      r.seq_f[l] = fmax;
    }
    // Null of supF(k): the same estimation (dynamic programme, or the partial
    // change iteration) on null draws; the statistics are invariant to the
    // coefficients, so the errors alone are drawn.
    std::vector<double> null_supf(static_cast<size_t>(R) * M);
    struct Scratch {
      PartitionSearch search;
      std::vector<double> y;
    };
    tbb::enumerable_thread_specific<Scratch> scratch;
    const int q = r.q;
    const int p = r.p;
    tbb::parallel_for(tbb::blocked_range<int>(0, R), [&](const tbb::blocked_range<int>& range) {
      ThrowIfInterrupted();
      Scratch& s = scratch.local();
      s.y.resize(n);
      for (int rep = range.begin(); rep != range.end(); ++rep) {
        RandomStream rng(options.seed, kStreamSupF, static_cast<uint32_t>(rep));
        FillNullErrors(rng, rho, s.y.data(), n);
        PartitionPath null_path;
        if (options.seasonal_fixed) {
          const Eigen::Map<const Eigen::VectorXd> ys(s.y.data(), n);
          // The nulls keep the iteration (an exact search per draw would cost
          // 999 x the estimate); docs/method.md §7.4 says what that means.
          null_path = PartialPath(ys, Z, W, options.regressors, h, M, options.partial_max_iterations, s.search,
                                  nullptr, nullptr, /*exact_small_m=*/false);
        } else {
          null_path = s.search.Run(s.y, options.regressors, h, M);
        }
        for (int k = 1; k <= M; ++k) {
          null_supf[static_cast<size_t>(rep) * M + k - 1] =
              ((n - (k + 1.0) * q - p) / (k * q)) * (null_path.rss[0] - null_path.rss[k]) / null_path.rss[k];
        }
      }
    });
    std::vector<std::vector<double>> by_k(M, std::vector<double>(R));
    for (int rep = 0; rep < R; ++rep) {
      for (int k = 0; k < M; ++k) by_k[k][rep] = null_supf[static_cast<size_t>(rep) * M + k];
    }
    for (int k = 0; k < M; ++k) {
      r.sup_f_critical_5[k] = Quantile7(by_k[k], 0.95);
      r.sup_f_p[k] = UpperTailP(by_k[k], r.sup_f[k]);
    }
    std::vector<double> null_ud(R), null_wd(R);
    r.wd_max = 0.0;
    for (int k = 0; k < M; ++k) r.wd_max = std::max(r.wd_max, r.sup_f_critical_5[0] / r.sup_f_critical_5[k] * r.sup_f[k]);
    for (int rep = 0; rep < R; ++rep) {
      double ud = 0.0, wd = 0.0;
      for (int k = 0; k < M; ++k) {
        ud = std::max(ud, by_k[k][rep]);
        wd = std::max(wd, r.sup_f_critical_5[0] / r.sup_f_critical_5[k] * by_k[k][rep]);
      }
      null_ud[rep] = ud;
      null_wd[rep] = wd;
    }
    r.ud_max_p = UpperTailP(null_ud, r.ud_max);
    r.wd_max_p = UpperTailP(null_wd, r.wd_max);
    // Null of the one-break supF inside a regime of length L (cached by L;
    // L = n reuses the supF(1) draws, so F(1|0) and supF(1) agree).
    std::map<int, std::vector<double>> segment_null;
    segment_null[n] = by_k[0];
    auto null_for_length = [&](int L) -> const std::vector<double>& {
      auto it = segment_null.find(L);
      if (it != segment_null.end()) return it->second;
      std::vector<double> draws(R);
      tbb::enumerable_thread_specific<std::vector<double>> bufs;
      tbb::parallel_for(tbb::blocked_range<int>(0, R), [&](const tbb::blocked_range<int>& range) {
        std::vector<double>& buf = bufs.local();
        std::vector<double> pre, suf;
        buf.resize(L);
        for (int rep = range.begin(); rep != range.end(); ++rep) {
          RandomStream rng(options.seed, kStreamSegmentBase + static_cast<uint32_t>(L), static_cast<uint32_t>(rep));
          FillNullErrors(rng, rho, buf.data(), L);
          draws[rep] = SegmentSupF(buf, options.regressors, h, pre, suf);
        }
      });
      return segment_null.emplace(L, std::move(draws)).first->second;
    };
    for (int l = 0; l < M; ++l) {
      if (std::isnan(r.seq_f[l])) continue;
      const std::vector<int>& bps = path.breakpoints[l];
      double prob_all_below = 1.0;
      int first = 1;
      for (size_t s = 0; s <= bps.size(); ++s) {
        const int last = s < bps.size() ? bps[s] : n;
        const int L = last - first + 1;
        if (L >= 2 * h) prob_all_below *= 1.0 - UpperTailP(null_for_length(L), r.seq_f[l]);
        first = last + 1;
      }
      r.seq_f_p[l] = 1.0 - prob_all_below;
    }
    r.selected_sequential = 0;
    for (int l = 0; l < M; ++l) {
      if (r.seq_f_p[l] < options.significance) {  // false for NaN: no room for another break
        r.selected_sequential = l + 1;
      } else {
        break;
      }
    }
    char src[768];
    char errors[96];
    if (options.null_errors == NullErrors::kIid) {
      std::snprintf(errors, sizeof errors, "iid normal errors");
    } else {
      std::snprintf(errors, sizeof errors, "AR(1) normal errors, rho = %.4f from the LWZ model's residuals", rho);
    }
    std::snprintf(src, sizeof src,
                  "Monte Carlo under H0 (%s, same design, n = %d, h = %d, M = %d), %d replicates, "
                  "seed %llu; WDmax weights c1/ck from the simulated 5%% critical values; F(l+1|l) from "
                  "independent one-break supF nulls per regime%s",
                  errors, n, h, M, R, static_cast<unsigned long long>(options.seed),
                  options.seasonal_fixed ? " (partial change: supF/UDmax/WDmax nulls rerun the iteration with the "
                                           "month dummies; F(l+1|l) on y minus the l-break month effects, pure-change "
                                           "regime nulls)"
                                         : "");
    r.pvalue_source = src;
  }

  if (!r.breakpoints.empty()) {
    r.confidence_intervals = BreakConfidenceIntervals(Z, y_without_w(r.selected_bic), r.breakpoints, options.ci_level, options.ci_het_reg,
                                                      options.ci_het_err, &r.warnings);
  }
  return r;
}

std::string BreakResult::BriefReport() const {
  std::ostringstream out;
  out << "Bai-Perron: n = " << n << ", h = " << trim_obs << ", M = " << max_breaks << "; breaks by BIC = "
      << selected_bic << ", LWZ = " << selected_lwz << ", sequential = " << selected_sequential << "; breakpoints:";
  if (breakpoints.empty()) out << " none";
  for (int b : breakpoints) out << " " << FormatBreak(*this, b);
  return out.str();
}

std::string BreakResult::FullReport() const {
  std::ostringstream out;
  char line[256];
  out << ToolVersion() << "\nStructural breaks: " << options.Describe() << "\n";
  out << "  n = " << n << ", breaking regressors q = " << q << ", fixed regressors p = " << p
      << ", minimum segment h = floor(" << options.trim << " * " << n << ") = " << trim_obs
      << ", max breaks given " << options.max_breaks << ", used " << max_breaks << "\n";
  out << "  breakpoints are 1-based indices of the last observation of each regime (strucchange convention)\n\n";
  std::snprintf(line, sizeof line, "  %3s %16s %14s %12s  %s\n", "m", "RSS", "BIC", "LWZ", "breakpoints");
  out << line;
  for (int m = 0; m <= max_breaks; ++m) {
    std::string bps;
    if (m > 0) {
      for (int b : breakpoints_by_m[m - 1]) bps += (bps.empty() ? "" : ", ") + FormatBreak(*this, b);
    }
    std::snprintf(line, sizeof line, "  %3d %16.8g %14.6f %12.6f  %s\n", m, rss[m], bic[m], lwz[m], bps.c_str());
    out << line;
  }
  out << "\n  selected: BIC " << selected_bic << ", LWZ " << selected_lwz << ", sequential F(l+1|l) at "
      << options.significance << ": " << selected_sequential << "\n";
  out << "\n  tests (p-values: " << pvalue_source << ")\n";
  for (int k = 0; k < max_breaks; ++k) {
    std::snprintf(line, sizeof line, "    supF(%d) = %10.4f  p = %.4f  (5%% critical %.3f)   F(%d|%d) = %10.4f  p = %.4f\n",
                  k + 1, sup_f[k], sup_f_p[k], sup_f_critical_5[k], k + 1, k, seq_f[k], seq_f_p[k]);
    out << line;
  }
  std::snprintf(line, sizeof line, "    UDmax = %.4f  p = %.4f;  WDmax = %.4f  p = %.4f\n", ud_max, ud_max_p, wd_max,
                wd_max_p);
  out << line;
  if (!breakpoints.empty()) {
    out << "\n  " << options.ci_level * 100 << "% confidence intervals (Bai 1997) for the BIC choice:\n";
    for (const BreakInterval& ci : confidence_intervals) {
      if (!ci.computed) {
        out << "    " << FormatBreak(*this, ci.breakpoint) << ": not computable\n";
        continue;
      }
      out << "    [" << FormatBreak(*this, ci.lower) << ", " << FormatBreak(*this, ci.breakpoint) << ", "
          << FormatBreak(*this, ci.upper) << "]\n";
    }
  }
  for (const std::string& w : warnings) out << "  warning: " << w << "\n";
  return out.str();
}

}  // namespace chokepoint::robustness
