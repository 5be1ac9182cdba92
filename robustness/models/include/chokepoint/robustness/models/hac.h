// Heteroskedasticity and autocorrelation consistent (HAC) covariance of OLS
// coefficients, mirroring R's sandwich package (version 3.0-2) exactly:
//
//  - kernel Bartlett (sandwich::NeweyWest convention): integer lag L, weights
//    1 - j / (L + 1), j = 0..L; with an automatic rule L = floor(bandwidth).
//  - kernel Parzen or quadratic spectral (sandwich::kernHAC convention):
//    weights k(j / b), j = 0..n-1, truncated after the last |weight| > 1e-7.
//  - bandwidth rules: fixed; Newey & West (1994) nonparametric plug-in
//    (bwNeweyWest: pilot lag floor(c (n/100)^r), c = 4, or 3 when prewhitened;
//    r = 2/9 Bartlett, 4/25 Parzen, 2/25 QS); Andrews (1991) AR(1) plug-in
//    (bwAndrews: one AR(1) with intercept per estimating-function column).
//    In both rules the intercept's column gets weight 0 (a one-column model
//    keeps weight 1).
//  - prewhitening: VAR(1) fitted by OLS without intercept to the estimating
//    functions x_t u_t, recoloured with D = (I - A)^-1 (Andrews & Monahan 1992).
//  - adjust: the meat is multiplied by n / (n - k).
//  V = (X'X)^-1 [sum of weighted autocovariances of x_t u_t] (X'X)^-1.
//
// R equivalents: NeweyWest(fm) = {bartlett, nw1994, prewhite, no adjust};
// NeweyWest(fm, lag = L, prewhite = FALSE) = {bartlett, fixed L};
// kernHAC(fm) = {qs, andrews, prewhite, adjust}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>
#include "chokepoint/core/toml_section.h"
#include "chokepoint/robustness/models/ols.h"

namespace chokepoint::robustness {

enum class HacKernel {
  kBartlett,            // "bartlett"
  kParzen,              // "parzen"
  kQuadraticSpectral,   // "qs"
};
std::string_view ToString(HacKernel k);
std::optional<HacKernel> HacKernelFromString(std::string_view s);  // also "quadratic-spectral"

enum class BandwidthRule {
  kFixed,          // "fixed": the user's lag / bandwidth
  kNeweyWest1994,  // "nw1994": Newey & West (1994) plug-in (sandwich::bwNeweyWest)
  kAndrews1991,    // "andrews": Andrews (1991) AR(1) plug-in (sandwich::bwAndrews)
};
std::string_view ToString(BandwidthRule r);
std::optional<BandwidthRule> BandwidthRuleFromString(std::string_view s);

struct HacOptions {
  // Bartlett with the Newey-West (1994) automatic lag: the estimator most
  // users mean by "Newey-West" (R: sandwich::NeweyWest defaults).
  HacKernel kernel = HacKernel::kBartlett;
  BandwidthRule bandwidth_rule = BandwidthRule::kNeweyWest1994;
  // Used only with kFixed. Bartlett: the lag L (an integer >= 0). Parzen/QS:
  // the bandwidth b (> 0).
  double fixed_bandwidth = 4.0;
  // VAR(1) prewhitening of the estimating functions: sandwich's default for
  // both NeweyWest and kernHAC, it reduces the bias of kernel estimates
  // under strong autocorrelation.
  bool prewhite = true;
  // n / (n - k) small-sample factor on the meat: off in NeweyWest, on in
  // kernHAC; off by default to match NeweyWest.
  bool adjust = false;

  // Presets equal to R's defaults.
  static HacOptions NeweyWestDefaults() { return HacOptions{}; }
  static HacOptions KernHacDefaults();

  bool IsValid(std::string* error) const;  // names the field, e.g. "hac.fixed_bandwidth"
  // Keys: kernel, bandwidth_rule, fixed_bandwidth, prewhite, adjust (absent
  // keys keep the defaults above; unknown keys are rejected).
  static HacOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
  // "Bartlett kernel, Newey-West (1994) automatic lag, VAR(1) prewhitening, no small-sample adjustment"
  std::string Describe() const;
};

struct HacResult {
  HacOptions options;     // as given
  std::string estimator;  // Describe() plus the bandwidth used
  int n = 0;
  int k = 0;
  std::vector<std::string> names;
  // Bandwidth from the automatic rule (unrounded), or the fixed value.
  double bandwidth_automatic = 0.0;
  // Bandwidth used by the kernel: for Bartlett the integer lag L (weights
  // 1 - j/(L+1)); for Parzen/QS the real bandwidth b.
  double bandwidth = 0.0;
  int pilot_lag = -1;       // NW 1994 pilot lag m (-1: not used)
  int weights_used = 0;     // number of kernel weights (lags 0..weights_used-1)
  Eigen::VectorXd coefficients;
  Eigen::MatrixXd vcov;
  Eigen::VectorXd standard_errors;
  Eigen::VectorXd t;
  Eigen::VectorXd p;  // two-sided, Student t with n - k df (as lmtest::coeftest)

  std::string FullReport() const;
};

// Markdown table (term, estimate, HAC SE, t, p) headed by the estimator name.
std::string FormatHacMarkdown(const HacResult& result, std::string_view title);

// HAC covariance for an OLS fit of y on X (ols must come from FitOls(X, y)).
// Throws chokepoint::Error (kUsage) when options are invalid.
HacResult ComputeHac(const Eigen::Ref<const Eigen::MatrixXd>& X, const OlsResult& ols,
                     const HacOptions& options);

// Automatic bandwidths on an estimating-function matrix (n x k, rows x_t u_t),
// exactly as sandwich's bwNeweyWest / bwAndrews with default column weights
// (intercept column, given by index or -1, weighted 0).
double BandwidthNeweyWest1994(const Eigen::Ref<const Eigen::MatrixXd>& estfun, HacKernel kernel,
                              bool prewhite, int intercept_column, int* pilot_lag = nullptr);
double BandwidthAndrews1991(const Eigen::Ref<const Eigen::MatrixXd>& estfun, HacKernel kernel,
                            bool prewhite, int intercept_column);
// Kernel weight k(x) as sandwich::kweights (QS: exp(c x^2) for |x| < 1e-3).
double KernelWeight(HacKernel kernel, double x);

}  // namespace chokepoint::robustness
