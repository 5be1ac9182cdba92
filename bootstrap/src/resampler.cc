#include "chokepoint/bootstrap/resampler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>
#include <sstream>

#include <Eigen/Dense>

#include "chokepoint/core/error.h"
#include "chokepoint/core/random.h"

namespace chokepoint::bootstrap {

std::string_view ToString(Scheme s) {
  switch (s) {
    case Scheme::kResidual: return "residual";
    case Scheme::kGrowth: return "growth";
    case Scheme::kSieve: return "sieve";
    case Scheme::kLevels: return "levels";
  }
  return "?";
}
std::optional<Scheme> SchemeFromString(std::string_view s) {
  if (s == "residual") return Scheme::kResidual;
  if (s == "growth") return Scheme::kGrowth;
  if (s == "sieve") return Scheme::kSieve;
  if (s == "levels") return Scheme::kLevels;
  return std::nullopt;
}
std::string_view ToString(BlockMethod b) {
  switch (b) {
    case BlockMethod::kStationary: return "stationary";
    case BlockMethod::kCircular: return "circular";
    case BlockMethod::kMoving: return "moving";
  }
  return "?";
}
std::optional<BlockMethod> BlockMethodFromString(std::string_view s) {
  if (s == "stationary") return BlockMethod::kStationary;
  if (s == "circular") return BlockMethod::kCircular;
  if (s == "moving") return BlockMethod::kMoving;
  return std::nullopt;
}

bool ResamplerOptions::IsValid(std::string* error, std::string_view section) const {
  if (!(std::isfinite(block_length) && (block_length == 0.0 || block_length >= 1.0))) {
    if (error) {
      char got[32];
      std::snprintf(got, sizeof got, "%g", block_length);
      *error = std::string(section) + ".block_length must be 0 (automatic) or a length >= 1 month, got " + got;
    }
    return false;
  }
  return true;
}

// The sieve's AR path needs n + burn-in + p values, p up to the AIC search's
// maximum order floor(10 log10 n) (FitArByAic).
// The residual scheme's signal replicate copies (exp, log) residual pairs:
// 2 n values plus a chunk of padding.
static size_t ScratchLength(int series_length) {
  const int max_order = series_length > 1 ? static_cast<int>(std::floor(10.0 * std::log10(series_length))) : 0;
  const size_t sieve = static_cast<size_t>(series_length) + kSieveBurnIn + static_cast<size_t>(max_order) + 16;
  return std::max(sieve, 2 * static_cast<size_t>(series_length) + 2 * kCopyChunk);
}

Workspace::Workspace(int series_length)
    : capacity_(series_length), a_(ScratchLength(series_length)), b_(ScratchLength(series_length)) {}

namespace {

int MonthOfYear(YearMonth first, int t) { return first.Plus(t).month - 1; }

// OLS of y on intercept, trend t and (optionally) 11 month-of-year dummies.
// Returns the fitted values; *projection receives (X'X)^-1 X' (k x n,
// row-major) and *month_column the dummy column of each month (0 = none).
std::vector<double> FitTrendSeason(std::span<const double> y, YearMonth first, bool month_effects,
                                   std::vector<double>* projection, std::vector<int>* month_column) {
  const int n = static_cast<int>(y.size());
  const int k = month_effects ? 13 : 2;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, k);
  Eigen::VectorXd Y(n);
  const int ref_month = MonthOfYear(first, 0);
  for (int t = 0; t < n; ++t) {
    X(t, 0) = 1.0;
    X(t, 1) = t + 1.0;
    if (month_effects) {
      // Dummies for the 11 months other than the first month's.
      const int m = (MonthOfYear(first, t) - ref_month + 12) % 12;
      if (m > 0) X(t, 1 + m) = 1.0;
    }
    Y(t) = y[t];
  }
  // P = (X'X)^-1 X' (k x n) from the k x k normal equations, with the trend
  // column scaled to unit size for the factorisation (its scale is put back
  // into P's row): O(n k^2) time and O(n k) memory, never an n x n matrix.
  const double trend_scale = 1.0 / n;
  Eigen::MatrixXd Xs = X;
  Xs.col(1) *= trend_scale;
  const Eigen::MatrixXd XtX = Xs.transpose() * Xs;
  Eigen::MatrixXd P = XtX.ldlt().solve(Xs.transpose());
  P.row(1) *= trend_scale;
  const Eigen::VectorXd beta = P * Y;
  const Eigen::VectorXd fit = X * beta;
  projection->resize(static_cast<size_t>(k) * n);
  month_column->assign(static_cast<size_t>(n), 0);
  for (int r = 0; r < k; ++r)
    for (int t = 0; t < n; ++t) (*projection)[static_cast<size_t>(r) * n + t] = P(r, t);
  if (month_effects)
    for (int t = 0; t < n; ++t) {
      const int m = (MonthOfYear(first, t) - ref_month + 12) % 12;
      (*month_column)[t] = m > 0 ? 1 + m : 0;
    }
  return std::vector<double>(fit.data(), fit.data() + n);
}

// Yule-Walker AR(p) by Levinson-Durbin for p = 0..pmax, p chosen by
// AIC = n log(sigma2_p) + 2 p (as R's ar.yw up to a constant). Returns phi.
}  // namespace

int SieveBurnIn(std::span<const double> ar) {
  const int p = static_cast<int>(ar.size());
  if (p == 0) return 0;
  // psi_0 = 1, psi_j = sum_k phi_k psi_{j-k}, far enough past the longest
  // burn-in that a slowly decaying response keeps the tail above the bound.
  const int horizon = 2 * kSieveBurnIn + p;
  std::vector<double> psi(static_cast<size_t>(horizon) + 1, 0.0), tail(static_cast<size_t>(horizon) + 2, 0.0);
  psi[0] = 1.0;
  for (int j = 1; j <= horizon; ++j) {
    double v = 0.0;
    for (int k = 1; k <= std::min(j, p); ++k) v += ar[k - 1] * psi[j - k];
    psi[j] = v;
  }
  for (int j = horizon; j >= 0; --j) tail[j] = tail[j + 1] + psi[j] * psi[j];
  if (!std::isfinite(tail[0])) return kSieveBurnIn;
  for (int b = p; b <= kSieveBurnIn; ++b)
    if (tail[b] <= 1e-12 * tail[0]) return b;
  return kSieveBurnIn;
}

namespace {

std::vector<double> FitArByAic(std::span<const double> e) {
  const int n = static_cast<int>(e.size());
  const int pmax = std::min(n - 1, static_cast<int>(std::floor(10.0 * std::log10(static_cast<double>(n)))));
  double mean = 0.0;
  for (double v : e) mean += v;
  mean /= n;
  std::vector<double> r(static_cast<size_t>(pmax) + 1, 0.0);
  for (int k = 0; k <= pmax; ++k) {
    double s = 0.0;
    for (int t = 0; t + k < n; ++t) s += (e[t] - mean) * (e[t + k] - mean);
    r[k] = s / n;
  }
  if (!(r[0] > 0.0)) return {};
  std::vector<double> phi, prev, best;
  double sigma2 = r[0];
  double best_aic = n * std::log(sigma2);
  for (int p = 1; p <= pmax; ++p) {
    double num = r[p];
    for (int j = 1; j < p; ++j) num -= phi[j - 1] * r[p - j];
    const double kappa = num / sigma2;
    prev = phi;
    phi.assign(static_cast<size_t>(p), 0.0);
    for (int j = 1; j < p; ++j) phi[j - 1] = prev[j - 1] - kappa * prev[p - j - 1];
    phi[p - 1] = kappa;
    sigma2 *= (1.0 - kappa * kappa);
    if (!(sigma2 > 0.0)) break;
    const double aic = n * std::log(sigma2) + 2.0 * p;
    if (aic < best_aic) {
      best_aic = aic;
      best = phi;
    }
  }
  return best;
}

}  // namespace

SeriesResampler::SeriesResampler(std::span<const double> monthly, YearMonth first_month,
                                 const ResamplerOptions& options,
                                 std::span<const double> log_component)
    : n_(static_cast<int>(monthly.size())), first_month_(first_month), options_(options),
      observed_(monthly.begin(), monthly.end()) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  if (n_ < 3) ThrowInputError("series", 0, 0, "bootstrap needs at least 3 months, got " + std::to_string(n_));
  for (int t = 0; t < n_; ++t) {
    if (!std::isfinite(monthly[t]))
      ThrowInputError("series", 0, 0, "month " + first_month.Plus(t).ToString() + " is not a finite number");
    if (options.scheme != Scheme::kLevels && !(monthly[t] > 0.0))
      ThrowInputError("series", 0, 0,
                      "the " + std::string(ToString(options.scheme)) + " scheme works on logs and needs values > 0; month " +
                          first_month.Plus(t).ToString() + " is " + std::to_string(monthly[t]));
  }

  switch (options.scheme) {
    case Scheme::kLevels:
      object_ = observed_;
      break;
    case Scheme::kResidual:
    case Scheme::kSieve: {
      std::vector<double> y(n_);
      for (int t = 0; t < n_; ++t) y[t] = std::log(monthly[t]);
      month_effects_ = n_ >= 24;
      if (!log_component.empty()) {
        if (static_cast<int>(log_component.size()) != n_)
          ThrowInternalError("SeriesResampler: log_component length differs from the series");
        log_component_.assign(log_component.begin(), log_component.end());
        for (int t = 0; t < n_; ++t) y[t] -= log_component_[t];
      }
      base_ = FitTrendSeason(y, first_month, month_effects_, &projection_, &month_column_);
      {
        // b = P y and (X'X)^-1 = P P' (P = (X'X)^-1 X'), for SignalPath.
        const int k = month_effects_ ? 13 : 2;
        beta_.assign(static_cast<size_t>(k), 0.0);
        xtx_inverse_.assign(static_cast<size_t>(k) * k, 0.0);
        for (int r = 0; r < k; ++r) {
          const double* pr = projection_.data() + static_cast<size_t>(r) * n_;
          for (int t = 0; t < n_; ++t) beta_[r] += pr[t] * y[t];
          for (int c = 0; c < k; ++c) {
            const double* pc = projection_.data() + static_cast<size_t>(c) * n_;
            double v = 0.0;
            for (int t = 0; t < n_; ++t) v += pr[t] * pc[t];
            xtx_inverse_[static_cast<size_t>(r) * k + c] = v;
          }
        }
        if (!log_component_.empty()) {
          component_exp_.resize(static_cast<size_t>(n_));
          for (int t = 0; t < n_; ++t) component_exp_[t] = std::exp(log_component_[t]);
        }
      }
      if (!log_component_.empty())
        for (int t = 0; t < n_; ++t) {
          base_[t] += log_component_[t];
          y[t] += log_component_[t];
        }
      {
        double mean = 0.0;
        for (int t = 0; t < n_; ++t) mean += std::exp(base_[t]);
        signal_shift_ = mean / n_;
      }
      design_columns_ = month_effects_ ? 13 : 2;
      object_.resize(n_);
      for (int t = 0; t < n_; ++t) object_[t] = y[t] - base_[t];
      if (options.scheme == Scheme::kResidual) {
        // OLS residuals are smaller than the errors (their variance carries
        // the factor (n - k) / n): rescale by sqrt(n / (n - k)) so the
        // resampled noise has the errors' variance (Davison and Hinkley 1997,
        // section 6.2.3).
        const double k = design_columns_;
        const double scale = std::sqrt(n_ / (n_ - k));
        for (double& e : object_) e *= scale;
      }
      if (options.scheme == Scheme::kSieve) {
        ar_ = FitArByAic(object_);
        ar_reversed_.assign(ar_.rbegin(), ar_.rend());
        sieve_burn_in_ = SieveBurnIn(ar_);
        const int p = static_cast<int>(ar_.size());
        // Innovations e_t - sum phi_k e_{t-k}, t >= p, centred.
        std::vector<double> innov;
        innov.reserve(n_);
        for (int t = p; t < n_; ++t) {
          double v = object_[t];
          for (int k = 1; k <= p; ++k) v -= ar_[k - 1] * object_[t - k];
          innov.push_back(v);
        }
        double m = 0.0;
        for (double v : innov) m += v;
        m /= static_cast<double>(innov.size());
        for (double& v : innov) v -= m;
        object_ = std::move(innov);
      }
      break;
    }
    case Scheme::kGrowth: {
      // Change t (t = 1..n-1) leads into month t.
      const int m = n_ - 1;
      std::vector<double> d(m);
      for (int t = 1; t < n_; ++t) d[t - 1] = std::log(monthly[t]) - std::log(monthly[t - 1]);
      month_effects_ = m >= 24;
      base_.assign(m, 0.0);
      if (month_effects_) {
        double sum[12] = {0}, count[12] = {0};
        for (int t = 1; t < n_; ++t) {
          const int mo = MonthOfYear(first_month, t);
          sum[mo] += d[t - 1];
          count[mo] += 1.0;
        }
        for (int t = 1; t < n_; ++t) {
          const int mo = MonthOfYear(first_month, t);
          base_[t - 1] = sum[mo] / count[mo];
        }
      } else {
        double s = 0.0;
        for (double v : d) s += v;
        for (double& b : base_) b = s / m;
      }
      object_.resize(m);
      for (int i = 0; i < m; ++i) object_[i] = d[i] - base_[i];
      break;
    }
  }

  if (options.scheme == Scheme::kResidual || options.scheme == Scheme::kGrowth) {
    object_exp_.resize(object_.size());
    base_exp_.resize(base_.size());
    for (size_t i = 0; i < object_.size(); ++i) object_exp_[i] = std::exp(object_[i]);
    for (size_t i = 0; i < base_.size(); ++i) base_exp_[i] = std::exp(base_[i]);
  }

  if (options.blocks == BlockMethod::kStationary &&
      (options.scheme == Scheme::kLevels || options.scheme == Scheme::kResidual)) {
    const std::vector<double>& obj = options.scheme == Scheme::kLevels ? object_ : object_exp_;
    const size_t m = obj.size();
    extended_.resize(2 * m + kCopyChunk);
    for (size_t k = 0; k < extended_.size(); ++k) extended_[k] = obj[k % m];
    if (options.scheme == Scheme::kResidual) {
      extended_pairs_.resize(2 * extended_.size());
      for (size_t k = 0; k < extended_.size(); ++k) {
        extended_pairs_[2 * k] = obj[k % m];
        extended_pairs_[2 * k + 1] = object_[k % m];
      }
    }
  }

  // Block length on the object actually resampled (D1).
  if (options.scheme == Scheme::kSieve) {
    block_length_used_ = 1.0;
    fixed_block_ = 1;
    geom_log_q_ = 0.0;
    return;
  }
  double length = options.block_length;
  if (length == 0.0) {
    automatic_ = SelectBlockLength(object_);
    length = options.blocks == BlockMethod::kStationary ? automatic_->stationary : automatic_->circular;
  }
  const int m = static_cast<int>(object_.size());
  if (options.blocks == BlockMethod::kStationary) {
    block_length_used_ = std::clamp(length, 1.0, static_cast<double>(m));
    geom_log_q_ = block_length_used_ > 1.0 ? 1.0 / std::log1p(-1.0 / block_length_used_) : 0.0;
    if (geom_log_q_ != 0.0) {
      // survival_bits_[k] = floor(q^k 2^48 - 0.5) for k = 0..K, K about 8 L
      // (P(len > K) = q^K ~ e^-8): U <= q^k exactly when x <= that.
      const double q = 1.0 - 1.0 / block_length_used_;
      const int K = std::min(m, static_cast<int>(std::ceil(8.0 * block_length_used_)));
      survival_bits_.resize(static_cast<size_t>(K) + 1);
      for (int k = 0; k <= K; ++k)
        survival_bits_[k] = static_cast<int64_t>(std::floor(std::pow(q, k) * 281474976710656.0 - 0.5));
      bucket_start_.resize(size_t{1} << kBucketBits);
      for (uint32_t b = 0; b < bucket_start_.size(); ++b) {
        // Largest x in the bucket: the top 10 of its 16 first bits are b.
        const uint64_t top16 = (static_cast<uint64_t>(b) << (16 - kBucketBits)) | ((1u << (16 - kBucketBits)) - 1u);
        const int64_t top = static_cast<int64_t>((top16 << 32) | 0xFFFFFFFFull);
        uint32_t len = 1;
        while (len <= static_cast<uint32_t>(K) && top <= survival_bits_[len]) ++len;
        bucket_start_[b] = len;
      }
    }
    fixed_block_ = std::max(1, static_cast<int>(std::lround(block_length_used_)));
  } else {
    fixed_block_ = std::clamp(static_cast<int>(std::lround(length)), 1, m);
    block_length_used_ = fixed_block_;
  }
}

int SeriesResampler::jackknife_block() const { return std::clamp(fixed_block_, 1, n_ - 1); }

namespace {
// Copies len values of src (size m) starting at pos, wrapping past the end.
// (Plain loops: blocks are short and a memmove call costs more than the copy.)
inline void CopyWrapped(const double* src, uint32_t m, uint32_t pos, uint32_t len, double* dst) {
  const uint32_t first = std::min(len, m - pos);
  for (uint32_t k = 0; k < first; ++k) dst[k] = src[pos + k];
  for (uint32_t k = first; k < len; ++k) dst[k] = src[k - first];
}
// Copies a block from an extended (unwrapped, padded) source in whole
// chunks of kCopyChunk values: one or two chunks for typical lengths, so the
// loop rarely mispredicts. dst needs kCopyChunk - 1 doubles of padding.
inline void CopyChunked(const double* src, uint32_t len, double* dst) {
  for (uint32_t k = 0; k < len; k += kCopyChunk) {
    double chunk[kCopyChunk];
    for (uint32_t c = 0; c < kCopyChunk; ++c) chunk[c] = src[k + c];
    for (uint32_t c = 0; c < kCopyChunk; ++c) dst[k + c] = chunk[c];
  }
}
}  // namespace

uint32_t SeriesResampler::GeometricTail(int64_t x48, uint32_t m) const {
  const double u = (static_cast<double>(x48) + 0.5) * (1.0 / 281474976710656.0);
  const double g = std::ceil(std::log(u) * geom_log_q_);
  return g >= m ? m : static_cast<uint32_t>(g);
}

// Stationary blocks from the extended object into a destination with at
// least kCopyChunk - 1 doubles of padding: each block is copied in whole
// chunks of kCopyChunk values (one or two chunks for typical lengths), so the
// copy loop rarely mispredicts. Same blocks, same values, as ResampleBlocks.
void SeriesResampler::ResampleStationaryChunked(const double* ext, uint32_t m, double* d, RandomStream& rs) const {
  ForEachBlock(rs, m, [&](uint32_t i, uint32_t pos, uint32_t len) { CopyChunked(ext + pos, len, d + i); });
}

void SeriesResampler::ResampleBlocks(std::span<const double> src, std::span<double> dst, RandomStream& rs) const {
  const uint32_t m = static_cast<uint32_t>(src.size());
  const double* s = src.data();
  double* d = dst.data();
  ForEachBlock(rs, m, [&](uint32_t i, uint32_t pos, uint32_t len) { CopyWrapped(s, m, pos, len, d + i); });
}

void SeriesResampler::Generate(uint64_t seed, uint32_t group, uint32_t replicate, std::span<double> out,
                               Workspace& ws) const {
  if (static_cast<int>(out.size()) < n_ || ws.capacity() < n_)
    ThrowInternalError("SeriesResampler::Generate: output or workspace shorter than the series");
  RandomStream rs(seed, group, replicate);
  const int n = n_;
  switch (options_.scheme) {
    case Scheme::kLevels:
      if (!extended_.empty() && geom_log_q_ != 0.0) {
        double* tmp = ws.b().data();
        ResampleStationaryChunked(extended_.data(), static_cast<uint32_t>(n), tmp, rs);
        std::copy(tmp, tmp + n, out.data());
      } else {
        ResampleBlocks(object_, out.first(n), rs);
      }
      return;
    case Scheme::kResidual: {
      // exp(fit_t + e*_t) = exp(fit_t) exp(e*_t).
      const double* f = base_exp_.data();
      if (!extended_.empty() && geom_log_q_ != 0.0) {
        const double* tmp = ws.b().data();
        ResampleStationaryChunked(extended_.data(), static_cast<uint32_t>(n), ws.b().data(), rs);
        for (int t = 0; t < n; ++t) out[t] = tmp[t] * f[t];
      } else {
        ResampleBlocks(object_exp_, out.first(n), rs);
        for (int t = 0; t < n; ++t) out[t] *= f[t];
      }
      return;
    }
    case Scheme::kGrowth: {
      // x*_t = x*_{t-1} exp(month mean) exp(u*).
      const int m = n - 1;
      std::span<double> u = ws.a().first(m);
      ResampleBlocks(object_exp_, u, rs);
      double level = observed_[0];
      out[0] = level;
      for (int i = 0; i < m; ++i) {
        level *= base_exp_[i] * u[i];
        out[i + 1] = level;
      }
      return;
    }
    case Scheme::kSieve: {
      const int p = static_cast<int>(ar_.size());
      const int total = n + sieve_burn_in_;
      std::span<double> e = ws.a().first(total + p);
      const uint32_t k = static_cast<uint32_t>(object_.size());
      for (int t = 0; t < p; ++t) e[t] = 0.0;
      // e_t = innovation + sum_j phi_j e_{t-j}: a forward dot product of the
      // reversed coefficients with e_{t-p..t-1}, in four partial sums (AIC
      // orders reach 20 at n = 120; one serial sum was the sieve's cost).
      const double* phi = ar_reversed_.data();
      for (int t = p; t < total + p; ++t) {
        const double* past = e.data() + (t - p);
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        int j = 0;
        for (; j + 4 <= p; j += 4) {
          a0 += phi[j] * past[j];
          a1 += phi[j + 1] * past[j + 1];
          a2 += phi[j + 2] * past[j + 2];
          a3 += phi[j + 3] * past[j + 3];
        }
        for (; j < p; ++j) a0 += phi[j] * past[j];
        e[t] = object_[rs.NextBelow(k)] + ((a0 + a1) + (a2 + a3));
      }
      const double* tail = e.data() + p + sieve_burn_in_;
      for (int t = 0; t < n; ++t) out[t] = std::exp(base_[t] + tail[t]);
      return;
    }
  }
}

void SeriesResampler::Generate(uint64_t seed, uint32_t group, uint32_t replicate, std::span<double> out, Workspace& ws,
                               std::span<double> log_noise) const {
  if (log_noise.empty() || (options_.scheme != Scheme::kResidual && options_.scheme != Scheme::kSieve)) {
    Generate(seed, group, replicate, out, ws);
    return;
  }
  if (static_cast<int>(out.size()) < n_ || static_cast<int>(log_noise.size()) < n_ || ws.capacity() < n_)
    ThrowInternalError("SeriesResampler::Generate: output, noise or workspace shorter than the series");
  const int n = n_;
  if (options_.scheme == Scheme::kSieve) {
    // x* = exp(base + e*): the noise is the AR path itself.
    Generate(seed, group, replicate, out, ws);
    const int p = static_cast<int>(ar_.size());
    // Generate left the AR path in ws.a(): read it back.
    const double* tail = ws.a().data() + p + sieve_burn_in_;
    for (int t = 0; t < n; ++t) log_noise[t] = tail[t];
    return;
  }
  // Residual: the blocks Generate draws (the same stream), each copied from
  // the exp residuals into the replicate and from the log residuals into
  // the noise in one pass.
  RandomStream rs(seed, group, replicate);
  const uint32_t m = static_cast<uint32_t>(object_.size());
  const double* res = object_.data();
  const double* f = base_exp_.data();
  double* noise = log_noise.data();
  if (!extended_.empty() && geom_log_q_ != 0.0) {
    // One chunked copy per block from the interleaved (exp, log) residual
    // pairs, then split: short blocks (L near 1 is common on residuals) cost
    // one chunk, as the replicate alone does.
    const double* pairs = extended_pairs_.data();
    double* tmp = ws.a().data();
    ForEachBlock(rs, m, [&](uint32_t i, uint32_t pos, uint32_t len) {
      CopyChunked(pairs + 2 * static_cast<size_t>(pos), 2 * len, tmp + 2 * static_cast<size_t>(i));
    });
    for (int t = 0; t < n; ++t) {
      out[t] = tmp[2 * t] * f[t];
      noise[t] = tmp[2 * t + 1];
    }
  } else {
    const double* obj = object_exp_.data();
    double* o = out.data();
    ForEachBlock(rs, m, [&](uint32_t i, uint32_t pos, uint32_t len) {
      CopyWrapped(obj, m, pos, len, o + i);
      CopyWrapped(res, m, pos, len, noise + i);
    });
    for (int t = 0; t < n; ++t) out[t] *= f[t];
  }
}

// The refit b + (X'X)^-1 X'e of the log design on noise e, and from it the
// path's factors: A r^(t0 + 1) M_c (first[t0], the value of month t0 < 12
// before any component) and the ratio r^12 between a month and the same
// month a year later. X'e needs one sum per month of the year and one
// j-weighted sum (t = t0 + 12 j): 12 short independent chains instead of
// two serial ones over the whole series.
void SeriesResampler::SignalFactors(std::span<const double> e, double first[12], double* rate12_out) const {
  const int n = n_;
  const int k = design_columns_;
  // Year-major: the 12 month sums of a year are independent lanes. Whole
  // years run at the fixed width 12, which the compiler vectorises (a
  // variable width measured 7% slower); the last, partial year after.
  double class_sum[12] = {0}, class_index_sum[12] = {0};
  double j = 0.0;
  auto add = [&](int t, int c) {
    class_sum[c] += e[t + c];
    class_index_sum[c] += j * e[t + c];
  };
  int t = 0;
  for (; t + 12 <= n; t += 12, j += 1.0)
    for (int c = 0; c < 12; ++c) add(t, c);
  for (int c = 0; t + c < n; ++c) add(t, c);
  double xe[13] = {0};
  for (int t0 = 0; t0 < 12 && t0 < n; ++t0) {
    xe[0] += class_sum[t0];
    xe[1] += (t0 + 1.0) * class_sum[t0] + 12.0 * class_index_sum[t0];
    const int c = month_column_[t0];
    if (c > 0) xe[c] = class_sum[t0];
  }
  // beta = b + (X'X)^-1 X'e, column by column ((X'X)^-1 is symmetric), the
  // usual 13 columns at a fixed size so the compiler unrolls and vectorises.
  double beta[13] = {0};
  std::copy(beta_.begin(), beta_.end(), beta);
  const double* inverse = xtx_inverse_.data();
  auto add_columns = [&](auto columns) {
    for (int c = 0; c < columns; ++c)
      for (int r = 0; r < columns; ++r) beta[r] += inverse[c * columns + r] * xe[c];
  };
  if (k == 13) add_columns(std::integral_constant<int, 13>{});
  else add_columns(k);
  // exp(b0 + b1 (t + 1) + b_c(t)) = A r^(t+1) M_c(t): 14 exponentials.
  const double rate = std::exp(beta[1]);
  double rate12 = rate * rate;        // r^2
  rate12 *= rate12;                   // r^4
  rate12 = rate12 * rate12 * rate12;  // r^12
  double v = std::exp(beta[0]);
  for (int t0 = 0; t0 < 12; ++t0) {
    v *= rate;
    const int c = t0 < n ? month_column_[t0] : 0;
    first[t0] = c > 0 ? v * std::exp(beta[c]) : v;
  }
  *rate12_out = rate12;
}

void SeriesResampler::SignalPath(std::span<const double> e, std::span<double> out) const {
  const int n = n_;
  if (projection_.empty() || static_cast<int>(e.size()) < n || static_cast<int>(out.size()) < n)
    ThrowInternalError("SeriesResampler::SignalPath: no trend fit, or spans shorter than the series");
  double first[12], rate12;
  SignalFactors(e, first, &rate12);
  // For each month of the year a geometric run with ratio r^12 (12
  // independent chains instead of one serial product).
  for (int t0 = 0; t0 < 12 && t0 < n; ++t0) {
    double v = first[t0];
    for (int t = t0; t < n; t += 12) {
      out[t] = v;
      v *= rate12;
    }
  }
  if (!component_exp_.empty())
    for (int t = 0; t < n; ++t) out[t] *= component_exp_[t];
}

SignalStatistics SeriesResampler::SignalIndices(std::span<const double> e, std::span<const double> weights,
                                                int base_months, int other_base_months) const {
  const int n = n_;
  if (projection_.empty() || static_cast<int>(e.size()) < n || static_cast<int>(weights.size()) < n ||
      base_months < 1 || other_base_months < 0)
    ThrowInternalError("SeriesResampler::SignalIndices: no trend fit, spans shorter than the series, or no base");
  SignalStatistics out;
  if (base_months > n || n < 2) {  // as ComputeIndices on a series shorter than its base
    out.values.status = IndexStatus::kTooShort;
    return out;
  }
  if (other_base_months > n) other_base_months = 0;  // that base is undefined: NaN
  double first[12], rate12;
  SignalFactors(e, first, &rate12);
  // One pass over the path as SignalPath would write it: sums of
  // (x - shift), its squares, and w x. The shift (the
  // fitted path's mean) keeps the one-pass variance free of cancellation.
  const double shift = signal_shift_;
  const double* comp = component_exp_.empty() ? nullptr : component_exp_.data();
  const double* w = weights.data();
  // Year-major again: month c of each year is lane c (value first[c] r^12j).
  double v[12], cs[12] = {0}, css[12] = {0}, csw[12] = {0};
  std::copy(first, first + 12, v);
  auto accumulate = [&](auto with_component) {
    auto add = [&](int t, int c) {
      double x = v[c];
      if constexpr (decltype(with_component)::value) x *= comp[t + c];
      const double d = x - shift;
      cs[c] += d;
      css[c] += d * d;
      csw[c] += w[t + c] * x;
      v[c] *= rate12;
    };
    int t = 0;  // whole years at the fixed width, then the partial one
    for (; t + 12 <= n; t += 12)
      for (int c = 0; c < 12; ++c) add(t, c);
    for (int c = 0; t + c < n; ++c) add(t, c);
  };
  if (comp) accumulate(std::true_type{});
  else accumulate(std::false_type{});
  double s = 0.0, ss = 0.0, sw = 0.0;
  for (int c = 0; c < 12; ++c) {
    s += cs[c];
    ss += css[c];
    sw += csw[c];
  }
  // Leading months for the bases (1 or 12 in practice; any count works).
  auto leading_mean = [&](int months) {
    double sum = 0.0;
    for (int t = 0; t < months; ++t) {
      double x = first[t % 12];
      if (t >= 12) x *= std::pow(rate12, t / 12);
      sum += comp ? x * comp[t] : x;
    }
    return sum / months;
  };
  const double mean = shift + s / n;
  const double base = leading_mean(base_months);
  if (!(mean > 0.0)) {
    out.values.status = IndexStatus::kMeanNotPositive;
    return out;
  }
  if (!(base > 0.0)) {
    out.values.status = IndexStatus::kBaseNotPositive;
    return out;
  }
  const double squares = std::max(0.0, ss - s * s / n);
  out.values.V = std::sqrt(squares / (n - 1)) / mean;
  out.values.G = sw / base - 1.0;
  if (other_base_months > 0) {
    const double other = leading_mean(other_base_months);
    out.other_base_growth = other > 0.0 ? sw / other - 1.0 : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

void SeriesResampler::FittedPath(std::span<const double> series, std::span<double> out, Workspace& ws) const {
  const int n = n_;
  if (projection_.empty() || static_cast<int>(series.size()) < n || static_cast<int>(out.size()) < n ||
      ws.capacity() < n)
    ThrowInternalError("SeriesResampler::FittedPath: no trend fit, or spans shorter than the series");
  const int k = design_columns_;
  std::span<double> y = ws.b().first(n);
  for (int t = 0; t < n; ++t) y[t] = std::log(series[t]) - (log_component_.empty() ? 0.0 : log_component_[t]);
  double beta[13] = {0};
  for (int r = 0; r < k; ++r) {
    const double* p = projection_.data() + static_cast<size_t>(r) * n;
    double b = 0.0;
    for (int t = 0; t < n; ++t) b += p[t] * y[t];
    beta[r] = b;
  }
  for (int t = 0; t < n; ++t) {
    const int c = month_column_[t];
    out[t] = std::exp(beta[0] + beta[1] * (t + 1.0) + (c > 0 ? beta[c] : 0.0) +
                      (log_component_.empty() ? 0.0 : log_component_[t]));
  }
}

int SeriesResampler::JackknifeSeries(int start, int len, std::span<double> out) const {
  int w = 0;
  if (options_.scheme != Scheme::kGrowth) {
    for (int t = 0; t < n_; ++t)
      if (t < start || t >= start + len) out[w++] = observed_[t];
    return w;
  }
  // Growth: remove the log changes into the deleted months (into months
  // 1..len when the block starts at 0, the first value being fixed) and
  // re-integrate the rest from the observed first value.
  const int first_deleted_change = start == 0 ? 1 : start;
  const int last_deleted_change = first_deleted_change + len - 1;  // inclusive, change index = month
  double log_level = std::log(observed_[0]);
  out[w++] = observed_[0];
  for (int t = 1; t < n_; ++t) {
    if (t >= first_deleted_change && t <= last_deleted_change) continue;
    log_level += std::log(observed_[t]) - std::log(observed_[t - 1]);
    out[w++] = std::exp(log_level);
  }
  return w;
}

std::string SeriesResampler::Describe() const {
  std::ostringstream out;
  out.precision(6);
  out << "scheme=" << ToString(options_.scheme) << " blocks=" << ToString(options_.blocks) << " block_length given="
      << (options_.block_length == 0.0 ? std::string("auto") : std::to_string(options_.block_length))
      << " used=" << block_length_used_;
  if (options_.scheme == Scheme::kSieve)
    out << " (i.i.d. AR innovations) AR order=" << ar_.size() << " burn-in=" << sieve_burn_in_;
  if (options_.scheme != Scheme::kLevels) out << " month_effects=" << (month_effects_ ? "yes" : "no");
  if (!log_component_.empty()) out << " fitted_path=trend+season+given component";
  if (automatic_) out << " [" << automatic_->Describe() << "]";
  return out.str();
}

}  // namespace chokepoint::bootstrap
