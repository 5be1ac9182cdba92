// Panel regression validation (docs/method.md §7.12): do the semiconductor-related
// groups trend differently from the others?
//
//   log x_it = alpha_i + s_{m(t)} + beta_c t + gamma_c (t - t0)_+ + e_it,
//   c(i) in {semiconductor, other},
//
// with t the month index from the series start, t0 the post-period start
// (2020-01 by default) and (t - t0)_+ = max(0, t - t0), i.e. "t x post"
// measured from the post start so the post effect is a slope change without
// a jump. Group dummies alpha_i replace the intercept; January is the month
// reference. Standard errors:
//  - clustered by group, as sandwich::vcovCL(type = "HC1"): factor
//    G/(G-1) x (n-1)/(n-k);
//  - Driscoll-Kraay, as sandwich::vcovPL(cluster = ~group, order.by = ~time,
//    adjust = TRUE): scores summed over groups within each month, Bartlett
//    weights 1 - j/(L+1), L = floor(T^(1/4)) by default, factor n/(n-k).
// Tests of the difference use t(G-1) for the clustered and t(T-1) for the
// Driscoll-Kraay covariance.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <toml++/toml.h>

#include "chokepoint/core/group_series.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint::robustness {

struct PanelOptions {
  // Start of the post period: the talk's 2020- phase of "security and
  // self-reliance" industrial policy.
  YearMonth post_start{2020, 1};
  // Month effects shared by all groups (Chinese New Year dip).
  bool seasonal = true;
  // Driscoll-Kraay Bartlett lag; -1 = floor(T^(1/4)), sandwich's "NW1987".
  int driscoll_kraay_lag = -1;
  // Driscoll-Kraay small-sample factor n/(n-k) (sandwich's adjust = TRUE).
  bool driscoll_kraay_adjust = true;
  double significance = 0.05;

  bool IsValid(std::string* error) const;  // names the field, e.g. "panel.significance"
  static PanelOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

// OLS with cluster-robust and Driscoll-Kraay covariances.
struct PanelOlsFit {
  std::vector<std::string> names;
  Eigen::VectorXd coefficients;
  Eigen::MatrixXd vcov_cluster, vcov_driscoll_kraay;
  int n = 0, k = 0, num_clusters = 0, num_times = 0, dk_lag_used = 0;
  double rss = 0.0;
};
// time[i] must be integer period indices (any order); cluster[i] any ids.
PanelOlsFit FitPanelOls(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::span<const int> cluster,
                        std::span<const int> time, int dk_lag, bool dk_adjust);

struct PanelContrast {
  std::string name;
  double estimate = 0.0;
  double se_cluster = 0.0, t_cluster = 0.0, p_cluster = 1.0;
  double se_dk = 0.0, t_dk = 0.0, p_dk = 1.0;
};

struct PanelResult {
  PanelOptions options;
  int post_index = 0;  // month index of the post start
  std::vector<std::string> groups_used, groups_skipped;
  int num_semiconductor = 0, num_other = 0;
  PanelOlsFit fit;
  // beta_semi - beta_other (pre-period trend) and the post-period trend
  // difference (beta + gamma)_semi - (beta + gamma)_other; also each slope.
  std::vector<PanelContrast> contrasts;
  bool trend_differs = false;  // pre or post difference significant under both covariances
  std::string conclusion;
  std::string FullReport() const;
};

// Uses every group whose row is complete and positive; others are skipped.
// Throws chokepoint::Error (input) without both kinds of group.
PanelResult FitPanelRegression(const GroupSeries& series, const PanelOptions& options);

}  // namespace chokepoint::robustness
