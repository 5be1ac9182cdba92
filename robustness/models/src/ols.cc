#include "chokepoint/robustness/models/ols.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <boost/math/distributions/students_t.hpp>

#include "chokepoint/core/error.h"

namespace chokepoint::robustness {

std::string_view ToString(TrendRegressors r) {
  switch (r) {
    case TrendRegressors::kLevel:
      return "level";
    case TrendRegressors::kTrend:
      return "trend";
  }
  return "?";
}

std::optional<TrendRegressors> TrendRegressorsFromString(std::string_view s) {
  if (s == "level") return TrendRegressors::kLevel;
  if (s == "trend") return TrendRegressors::kTrend;
  return std::nullopt;
}

int RegressorCount(TrendRegressors r) { return r == TrendRegressors::kLevel ? 1 : 2; }

Eigen::MatrixXd MonthDummies(int n, std::optional<YearMonth> start) {
  Eigen::MatrixXd D = Eigen::MatrixXd::Zero(n, 11);
  const int first_month0 = start ? start->month - 1 : 0;
  for (int t = 0; t < n; ++t) {
    const int month0 = (first_month0 + t) % 12;
    if (month0 > 0) D(t, month0 - 1) = 1.0;
  }
  return D;
}

Design MakeDesign(int n, const DesignSpec& spec) {
  Design d;
  const int base = RegressorCount(spec.regressors);
  const int k = base + (spec.seasonal ? 11 : 0);
  d.X.resize(n, k);
  d.X.col(0).setOnes();
  d.names.push_back("(Intercept)");
  if (spec.regressors == TrendRegressors::kTrend) {
    for (int t = 0; t < n; ++t) d.X(t, 1) = t + 1.0;
    d.names.push_back("trend");
  }
  if (spec.seasonal) {
    d.X.rightCols(11) = MonthDummies(n, spec.start);
    for (int m = 2; m <= 12; ++m) {
      char name[16];
      std::snprintf(name, sizeof name, "month%02d", m);
      d.names.push_back(name);
    }
  }
  return d;
}

double StudentTwoSidedP(double t, double df) {
  if (!std::isfinite(t)) return std::isnan(t) ? t : 0.0;
  const boost::math::students_t dist(df);
  return 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
}

OlsResult FitOls(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& y,
                 std::vector<std::string> names) {
  OlsResult r;
  r.n = static_cast<int>(X.rows());
  r.k = static_cast<int>(X.cols());
  if (y.size() != X.rows()) ThrowInternalError("FitOls: y and X have different numbers of rows");
  if (r.n <= r.k) {
    throw Error(ErrorKind::kInput, "OLS needs more observations (" + std::to_string(r.n) +
                                       ") than regressors (" + std::to_string(r.k) + ")");
  }
  if (names.empty()) {
    for (int j = 0; j < r.k; ++j) {
      char name[24];
      std::snprintf(name, sizeof name, "x%d", j + 1);
      names.emplace_back(name);
    }
  }
  r.names = std::move(names);
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(X);
  if (qr.rank() < r.k) throw Error(ErrorKind::kInput, "OLS design matrix is rank deficient");
  r.coefficients = qr.solve(y);
  r.fitted = X * r.coefficients;
  r.residuals = y - r.fitted;
  r.rss = r.residuals.squaredNorm();
  r.sigma2 = r.rss / (r.n - r.k);
  // (X'X)^-1 = P R^-1 R^-T P' from the QR factor (better conditioned than
  // inverting X'X directly).
  const Eigen::MatrixXd R = qr.matrixR().topLeftCorner(r.k, r.k).triangularView<Eigen::Upper>();
  const Eigen::MatrixXd Rinv =
      R.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(r.k, r.k));
  const Eigen::MatrixXd inner = Rinv * Rinv.transpose();
  const auto& P = qr.colsPermutation();
  r.xtx_inverse = P * inner * P.transpose();
  r.vcov = r.sigma2 * r.xtx_inverse;
  return r;
}

Eigen::VectorXd OlsResult::StandardErrors() const { return vcov.diagonal().cwiseSqrt(); }

std::string OlsResult::FullReport() const {
  std::ostringstream out;
  out << "OLS: n = " << n << ", k = " << k << ", RSS = " << rss << ", sigma2 = RSS/(n-k) = " << sigma2
      << "\n";
  const Eigen::VectorXd se = StandardErrors();
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %14s %14s %10s %10s\n", "term", "estimate", "std.error (iid)",
                "t", "p");
  out << line;
  for (int j = 0; j < k; ++j) {
    const double t = coefficients[j] / se[j];
    std::snprintf(line, sizeof line, "%-14s %14.6g %14.6g %10.4f %10.4g\n", names[j].c_str(), coefficients[j],
                  se[j], t, StudentTwoSidedP(t, df_residual()));
    out << line;
  }
  return out.str();
}

}  // namespace chokepoint::robustness
