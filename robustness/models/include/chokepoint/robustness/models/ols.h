// Ordinary least squares on a dense design (Eigen, column-pivoted QR) and the
// deterministic designs the models use: intercept, intercept + linear trend,
// optionally with 11 month dummies.
//
// The results object mirrors R's lm: coefficients, residuals, RSS,
// sigma2 = RSS / (n - k), the classical covariance sigma2 (X'X)^-1 and
// (X'X)^-1 itself (the HAC "bread", hac.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "chokepoint/core/period.h"

namespace chokepoint::robustness {

// Deterministic regressors of a single-series model.
enum class TrendRegressors {
  kLevel,  // intercept only: y_t = a + u_t          ("level"; R: y ~ 1)
  kTrend,  // intercept + trend t = 1..n             ("trend"; R: y ~ trend)
};
std::string_view ToString(TrendRegressors r);  // "level", "trend"
std::optional<TrendRegressors> TrendRegressorsFromString(std::string_view s);
// Number of columns the choice gives (1 or 2).
int RegressorCount(TrendRegressors r);

struct DesignSpec {
  TrendRegressors regressors = TrendRegressors::kTrend;
  // Adds 11 month dummies month02..month12 (January is the reference, as R's
  // treatment contrasts of factor(cycle(y)) with levels 1..12).
  bool seasonal = false;
  // Calendar month of observation 1; when unset, observation 1 is taken to be
  // a January (month of obs t = ((t - 1) mod 12) + 1).
  std::optional<YearMonth> start;
};

struct Design {
  Eigen::MatrixXd X;               // n x k
  std::vector<std::string> names;  // "(Intercept)", "trend", "month02", ...
};

// Column order: (Intercept), [trend], [month02..month12]. Trend is 1..n.
Design MakeDesign(int n, const DesignSpec& spec);
// Just the month dummies (n x 11), same convention as MakeDesign.
Eigen::MatrixXd MonthDummies(int n, std::optional<YearMonth> start);

struct OlsResult {
  int n = 0;  // observations
  int k = 0;  // regressors
  std::vector<std::string> names;
  Eigen::VectorXd coefficients;
  Eigen::VectorXd fitted;
  Eigen::VectorXd residuals;
  double rss = 0.0;     // sum of squared residuals
  double sigma2 = 0.0;  // rss / (n - k)
  Eigen::MatrixXd xtx_inverse;  // (X'X)^-1
  Eigen::MatrixXd vcov;         // sigma2 (X'X)^-1 (classical, homoskedastic)

  int df_residual() const { return n - k; }
  Eigen::VectorXd StandardErrors() const;  // sqrt(diag(vcov))
  // Coefficient table with classical SEs, t and Student-t p-values.
  std::string FullReport() const;
};

// Throws chokepoint::Error (kInput) when n <= k or X has rank < k.
OlsResult FitOls(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& y,
                 std::vector<std::string> names = {});

// Two-sided p-value of a t statistic with df degrees of freedom (Boost.Math
// Student t), as R's coeftest: 2 * pt(-|t|, df).
double StudentTwoSidedP(double t, double df);

}  // namespace chokepoint::robustness
