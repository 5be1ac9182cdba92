#include "chokepoint/robustness/models/hac.h"

#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/version.h"

namespace chokepoint::robustness {

std::string_view ToString(HacKernel k) {
  switch (k) {
    case HacKernel::kBartlett:
      return "bartlett";
    case HacKernel::kParzen:
      return "parzen";
    case HacKernel::kQuadraticSpectral:
      return "qs";
  }
  return "?";
}

std::optional<HacKernel> HacKernelFromString(std::string_view s) {
  if (s == "bartlett") return HacKernel::kBartlett;
  if (s == "parzen") return HacKernel::kParzen;
  if (s == "qs" || s == "quadratic-spectral") return HacKernel::kQuadraticSpectral;
  return std::nullopt;
}

std::string_view ToString(BandwidthRule r) {
  switch (r) {
    case BandwidthRule::kFixed:
      return "fixed";
    case BandwidthRule::kNeweyWest1994:
      return "nw1994";
    case BandwidthRule::kAndrews1991:
      return "andrews";
  }
  return "?";
}

std::optional<BandwidthRule> BandwidthRuleFromString(std::string_view s) {
  if (s == "fixed") return BandwidthRule::kFixed;
  if (s == "nw1994") return BandwidthRule::kNeweyWest1994;
  if (s == "andrews") return BandwidthRule::kAndrews1991;
  return std::nullopt;
}

HacOptions HacOptions::KernHacDefaults() {
  HacOptions o;
  o.kernel = HacKernel::kQuadraticSpectral;
  o.bandwidth_rule = BandwidthRule::kAndrews1991;
  o.prewhite = true;
  o.adjust = true;
  return o;
}

bool HacOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) {
    if (error) *error = msg;
    return false;
  };
  if (bandwidth_rule == BandwidthRule::kFixed) {
    if (!std::isfinite(fixed_bandwidth)) return fail("hac.fixed_bandwidth must be finite");
    if (kernel == HacKernel::kBartlett) {
      if (fixed_bandwidth < 0 || fixed_bandwidth != std::floor(fixed_bandwidth)) {
        return fail("hac.fixed_bandwidth (the Bartlett lag) must be an integer >= 0, got " +
                    std::to_string(fixed_bandwidth));
      }
    } else if (fixed_bandwidth <= 0) {
      return fail("hac.fixed_bandwidth must be > 0 for the " + std::string(ToString(kernel)) +
                  " kernel, got " + std::to_string(fixed_bandwidth));
    }
  }
  return true;
}

HacOptions HacOptions::FromToml(const TomlSection& section) {
  section.RejectUnknownKeys({"kernel", "bandwidth_rule", "fixed_bandwidth", "prewhite", "adjust"});
  HacOptions o;
  if (auto v = section.GetString("kernel")) {
    const auto k = HacKernelFromString(*v);
    if (!k) section.Fail("kernel", "must be bartlett, parzen or qs, got \"" + *v + "\"");
    o.kernel = *k;
  }
  if (auto v = section.GetString("bandwidth_rule")) {
    const auto r = BandwidthRuleFromString(*v);
    if (!r) section.Fail("bandwidth_rule", "must be fixed, nw1994 or andrews, got \"" + *v + "\"");
    o.bandwidth_rule = *r;
  }
  if (auto v = section.GetDouble("fixed_bandwidth")) o.fixed_bandwidth = *v;
  if (auto v = section.GetBool("prewhite")) o.prewhite = *v;
  if (auto v = section.GetBool("adjust")) o.adjust = *v;
  std::string error;
  if (!o.IsValid(&error)) section.Fail("", error);
  return o;
}

toml::table HacOptions::ToToml() const {
  return toml::table{{"kernel", std::string(ToString(kernel))},
                     {"bandwidth_rule", std::string(ToString(bandwidth_rule))},
                     {"fixed_bandwidth", fixed_bandwidth},
                     {"prewhite", prewhite},
                     {"adjust", adjust}};
}

std::string HacOptions::Describe() const {
  std::string s;
  switch (kernel) {
    case HacKernel::kBartlett:
      s = "Bartlett kernel (Newey-West weights 1 - j/(L+1))";
      break;
    case HacKernel::kParzen:
      s = "Parzen kernel";
      break;
    case HacKernel::kQuadraticSpectral:
      s = "quadratic-spectral kernel";
      break;
  }
  switch (bandwidth_rule) {
    case BandwidthRule::kFixed:
      s += kernel == HacKernel::kBartlett ? ", fixed lag" : ", fixed bandwidth";
      break;
    case BandwidthRule::kNeweyWest1994:
      s += ", Newey-West (1994) automatic bandwidth";
      break;
    case BandwidthRule::kAndrews1991:
      s += ", Andrews (1991) AR(1) plug-in bandwidth";
      break;
  }
  s += prewhite ? ", VAR(1) prewhitening" : ", no prewhitening";
  s += adjust ? ", small-sample adjustment n/(n-k)" : ", no small-sample adjustment";
  return s;
}

double KernelWeight(HacKernel kernel, double x) {
  const double ax = std::fabs(x);
  switch (kernel) {
    case HacKernel::kBartlett:
      return ax > 1.0 ? 0.0 : 1.0 - ax;
    case HacKernel::kParzen:
      if (ax > 1.0) return 0.0;
      if (ax < 0.5) return 1.0 - 6.0 * x * x + 6.0 * ax * ax * ax;
      return 2.0 * (1.0 - ax) * (1.0 - ax) * (1.0 - ax);
    case HacKernel::kQuadraticSpectral: {
      auto qs = [](double v) {
        const double y = 6.0 * std::numbers::pi * v / 5.0;
        return 3.0 * (1.0 / y) * (1.0 / y) * (std::sin(y) / y - std::cos(y));
      };
      if (ax < 0.001) {
        // sandwich's series near 0, where the closed form loses precision.
        const double cf = 1e6 * std::log(qs(0.001));
        return std::exp(cf * x * x);
      }
      return qs(x);
    }
  }
  return 0.0;
}

namespace {

// VAR(1) without intercept fitted by OLS to the rows of U (as R's
// ar(U, order.max = 1, demean = FALSE, aic = FALSE, method = "ols")).
// Returns the coefficient matrix A (u_t = A u_{t-1} + e_t) and the residuals
// e_2..e_n.
struct Var1Fit {
  Eigen::MatrixXd A;
  Eigen::MatrixXd residuals;
};

Var1Fit FitVar1(const Eigen::MatrixXd& U) {
  const Eigen::Index n = U.rows();
  const Eigen::MatrixXd lagged = U.topRows(n - 1);
  const Eigen::MatrixXd current = U.bottomRows(n - 1);
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(lagged);
  if (qr.rank() < lagged.cols()) {
    throw Error(ErrorKind::kInput, "VAR(1) prewhitening of the estimating functions failed (singular)");
  }
  // current = lagged * B, B = A'.
  const Eigen::MatrixXd B = qr.solve(current);
  Var1Fit fit;
  fit.A = B.transpose();
  fit.residuals = current - lagged * B;
  return fit;
}

Eigen::VectorXd ColumnWeights(int k, int intercept_column) {
  Eigen::VectorXd w = Eigen::VectorXd::Ones(k);
  if (k >= 2 && intercept_column >= 0 && intercept_column < k) w[intercept_column] = 0.0;
  return w;
}

// Intercept column: the first column identically 1 (sandwich zeroes the
// column whose estimating function equals the residuals), or -1.
int FindInterceptColumn(const Eigen::Ref<const Eigen::MatrixXd>& X) {
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    if ((X.col(j).array() == 1.0).all()) return static_cast<int>(j);
  }
  return -1;
}

}  // namespace

double BandwidthNeweyWest1994(const Eigen::Ref<const Eigen::MatrixXd>& estfun, HacKernel kernel,
                              bool prewhite, int intercept_column, int* pilot_lag) {
  int n = static_cast<int>(estfun.rows());
  const int k = static_cast<int>(estfun.cols());
  const Eigen::VectorXd w = ColumnWeights(k, intercept_column);
  const double mrate = kernel == HacKernel::kBartlett ? 2.0 / 9.0
                       : kernel == HacKernel::kParzen ? 4.0 / 25.0
                                                      : 2.0 / 25.0;
  const int m = static_cast<int>(std::floor((prewhite ? 3.0 : 4.0) * std::pow(n / 100.0, mrate)));
  if (pilot_lag) *pilot_lag = m;
  Eigen::MatrixXd U = estfun;
  if (prewhite) {
    U = FitVar1(U).residuals;
    n -= 1;
  }
  const Eigen::VectorXd hw = U * w;
  std::vector<double> sigma(m + 1, 0.0);
  for (int j = 0; j <= m; ++j) {
    double s = 0.0;
    for (int t = 0; t + j < n; ++t) s += hw[t] * hw[t + j];
    sigma[j] = s / n;
  }
  double s0 = sigma[0], s1 = 0.0, s2 = 0.0;
  for (int j = 1; j <= m; ++j) {
    s0 += 2.0 * sigma[j];
    s1 += 2.0 * j * sigma[j];
    s2 += 2.0 * static_cast<double>(j) * j * sigma[j];
  }
  const double qrate = 1.0 / (2.0 * (kernel == HacKernel::kBartlett ? 1.0 : 2.0) + 1.0);
  double rval = 0.0;
  switch (kernel) {
    case HacKernel::kBartlett:
      rval = 1.1447 * std::pow((s1 / s0) * (s1 / s0), qrate);
      break;
    case HacKernel::kParzen:
      rval = 2.6614 * std::pow((s2 / s0) * (s2 / s0), qrate);
      break;
    case HacKernel::kQuadraticSpectral:
      rval = 1.3221 * std::pow((s2 / s0) * (s2 / s0), qrate);
      break;
  }
  return rval * std::pow(n + (prewhite ? 1.0 : 0.0), qrate);
}

double BandwidthAndrews1991(const Eigen::Ref<const Eigen::MatrixXd>& estfun, HacKernel kernel,
                            bool prewhite, int intercept_column) {
  const int k = static_cast<int>(estfun.cols());
  const Eigen::VectorXd w = ColumnWeights(k, intercept_column);
  Eigen::MatrixXd U = estfun;
  if (prewhite) U = FitVar1(U).residuals;
  const int n = static_cast<int>(U.rows());
  double denom = 0.0, num1 = 0.0, num2 = 0.0;
  for (int j = 0; j < k; ++j) {
    if (w[j] == 0.0) continue;
    // AR(1) with intercept by OLS on t = 2..n: x_t = c + rho x_{t-1} + e_t,
    // sigma^2 = RSS / (n - 1) (R's ar.ols var.pred).
    const Eigen::VectorXd x = U.col(j);
    const Eigen::Index N = n - 1;
    const double mean_lag = x.head(N).mean();
    const double mean_cur = x.tail(N).mean();
    double sxx = 0.0, sxy = 0.0;
    for (Eigen::Index t = 0; t < N; ++t) {
      const double a = x[t] - mean_lag;
      sxx += a * a;
      sxy += a * (x[t + 1] - mean_cur);
    }
    const double rho = sxy / sxx;
    double rss = 0.0;
    for (Eigen::Index t = 0; t < N; ++t) {
      const double e = (x[t + 1] - mean_cur) - rho * (x[t] - mean_lag);
      rss += e * e;
    }
    const double sigma2 = rss / static_cast<double>(N);
    const double s4 = sigma2 * sigma2;
    denom += w[j] * s4 / std::pow(1.0 - rho, 4);
    num2 += w[j] * 4.0 * rho * rho * s4 / std::pow(1.0 - rho, 8);
    num1 += w[j] * 4.0 * rho * rho * s4 / (std::pow(1.0 - rho, 6) * std::pow(1.0 + rho, 2));
  }
  const double alpha1 = num1 / denom;
  const double alpha2 = num2 / denom;
  switch (kernel) {
    case HacKernel::kBartlett:
      return 1.1447 * std::pow(n * alpha1, 1.0 / 3.0);
    case HacKernel::kParzen:
      return 2.6614 * std::pow(n * alpha2, 0.2);
    case HacKernel::kQuadraticSpectral:
      return 1.3221 * std::pow(n * alpha2, 0.2);
  }
  return 0.0;
}

HacResult ComputeHac(const Eigen::Ref<const Eigen::MatrixXd>& X, const OlsResult& ols,
                     const HacOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  HacResult r;
  r.options = options;
  r.n = ols.n;
  r.k = ols.k;
  r.names = ols.names;
  r.coefficients = ols.coefficients;
  const int n_orig = ols.n;
  const int k = ols.k;
  if (n_orig < k + 3) throw Error(ErrorKind::kInput, "HAC covariance needs at least k + 3 observations");
  // Degenerate inputs have no bandwidth (it is a ratio of residual
  // autocovariances): say so instead of computing with NaN.
  if (!ols.residuals.allFinite() || !ols.coefficients.allFinite() || !X.allFinite() || !std::isfinite(ols.rss))
    throw Error(ErrorKind::kInput,
                "HAC covariance: the regression has non-finite values (a value too large for double arithmetic, "
                "e.g. 1e308, overflows its squares)");
  if (!(ols.rss > 0.0))
    throw Error(ErrorKind::kInput,
                "HAC covariance: the regressors fit the series exactly (all residuals are zero, e.g. a constant or "
                "all-zero series), so there is no error variance to estimate");

  // Estimating functions x_t u_t (sandwich::estfun.lm).
  const Eigen::MatrixXd estfun = X.array().colwise() * ols.residuals.array();
  const int intercept = FindInterceptColumn(X);

  switch (options.bandwidth_rule) {
    case BandwidthRule::kFixed:
      r.bandwidth_automatic = options.fixed_bandwidth;
      break;
    case BandwidthRule::kNeweyWest1994:
      r.bandwidth_automatic =
          BandwidthNeweyWest1994(estfun, options.kernel, options.prewhite, intercept, &r.pilot_lag);
      break;
    case BandwidthRule::kAndrews1991:
      r.bandwidth_automatic = BandwidthAndrews1991(estfun, options.kernel, options.prewhite, intercept);
      break;
  }

  Eigen::MatrixXd U = estfun;
  Eigen::MatrixXd D;
  int n = n_orig;
  if (options.prewhite) {
    Var1Fit fit = FitVar1(estfun);
    D = (Eigen::MatrixXd::Identity(k, k) - fit.A).colPivHouseholderQr().solve(Eigen::MatrixXd::Identity(k, k));
    U = std::move(fit.residuals);
    n -= 1;
  }

  std::vector<double> weights;
  if (options.kernel == HacKernel::kBartlett) {
    // sandwich::NeweyWest: lag = floor(bw), weights seq(1, 0, by = -1/(lag+1)).
    const double lag = options.bandwidth_rule == BandwidthRule::kFixed ? options.fixed_bandwidth
                                                                          : std::floor(r.bandwidth_automatic);
    r.bandwidth = lag;
    const double by = -(1.0 / (lag + 1.0));
    for (int j = 0; j <= static_cast<int>(lag) + 1; ++j) weights.push_back(std::max(1.0 + j * by, 0.0));
  } else {
    // sandwich::weightsAndrews: k(j / bw), j = 0..n-1, cut after the last |w| > tol.
    r.bandwidth = r.bandwidth_automatic;
    constexpr double kTol = 1e-7;
    int last = 0;
    for (int j = 0; j < n; ++j) {
      const double wj = KernelWeight(options.kernel, j / r.bandwidth);
      weights.push_back(wj);
      if (std::fabs(wj) > kTol) last = j;
    }
    weights.resize(last + 1);
  }
  if (static_cast<int>(weights.size()) > n) weights.resize(n);
  r.weights_used = static_cast<int>(weights.size());

  Eigen::MatrixXd utu = 0.5 * weights[0] * (U.transpose() * U);
  for (size_t lag = 1; lag < weights.size(); ++lag) {
    if (weights[lag] == 0.0) continue;
    const Eigen::Index len = n - static_cast<Eigen::Index>(lag);
    utu.noalias() += weights[lag] * (U.topRows(len).transpose() * U.bottomRows(len));
  }
  utu = (utu + utu.transpose()).eval();
  if (options.adjust) utu *= static_cast<double>(n_orig) / (n_orig - k);
  if (options.prewhite) utu = (D * utu * D.transpose()).eval();

  r.vcov = ols.xtx_inverse * utu * ols.xtx_inverse;
  r.standard_errors = r.vcov.diagonal().cwiseSqrt();
  r.t = r.coefficients.cwiseQuotient(r.standard_errors);
  r.p.resize(k);
  for (int j = 0; j < k; ++j) r.p[j] = StudentTwoSidedP(r.t[j], n_orig - k);

  char bw[96];
  if (options.kernel == HacKernel::kBartlett) {
    std::snprintf(bw, sizeof bw, "; lag L = %d", static_cast<int>(r.bandwidth));
  } else {
    std::snprintf(bw, sizeof bw, "; bandwidth b = %.6g", r.bandwidth);
  }
  r.estimator = options.Describe() + bw;
  return r;
}

std::string HacResult::FullReport() const {
  std::ostringstream out;
  out << ToolVersion() << "\nHAC covariance: " << estimator << "\n";
  out << "  n = " << n << ", k = " << k << ", bandwidth rule value = " << bandwidth_automatic;
  if (pilot_lag >= 0) out << " (Newey-West pilot lag m = " << pilot_lag << ")";
  out << ", kernel weights used = " << weights_used << "\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %14s %14s %10s %10s\n", "term", "estimate", "HAC std.error", "t",
                "p (t, n-k df)");
  out << line;
  for (int j = 0; j < k; ++j) {
    std::snprintf(line, sizeof line, "%-14s %14.6g %14.6g %10.4f %10.4g\n", names[j].c_str(), coefficients[j],
                  standard_errors[j], t[j], p[j]);
    out << line;
  }
  return out.str();
}

}  // namespace chokepoint::robustness
