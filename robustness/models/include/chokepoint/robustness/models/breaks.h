// Bai-Perron multiple structural breaks in y_t = z_t' delta_j + [w_t' beta] + u_t,
// j = 1..m+1 regimes, z_t = intercept or intercept + trend (q = 1 or 2
// breaking regressors), optionally month effects w_t held fixed across
// regimes (partial structural change, p = 11).
//
// Estimation mirrors R's strucchange::breakpoints (1.5-3) exactly for pure
// change: the RSS of every admissible segment (an O(n^2) triangle computed by
// updating centred sums as each observation is added), dynamic programming for
// the optimal partition with m = 1..M breaks, minimum segment h = floor(trim * n),
// ties resolved to the earliest break as R's which.min. Breakpoints are 1-based
// indices of the LAST observation of each regime (strucchange convention).
// BIC(m) = n (log RSS_m + 1 - log n + log 2 pi) + log(n) (q + 1)(m + 1), as
// strucchange's summary(); LWZ(m) = log(RSS_m / (n - (m+1) q - m - p))
// + m (q + 1) 0.299 (log n)^2.1 / n (Liu, Wu & Zidek 1997, as Bai-Perron's code).
// Partial change: iterate (beta | breaks) -> (breaks | beta) until the breaks
// repeat (Bai & Perron 2003, as mbreaks); no strucchange equivalent.
//
// Tests (homoskedastic F statistics, as Bai & Perron 1998):
//  supF(k) = ((n - (k+1) q - p) / (k q)) (RSS_0 - RSS_k) / RSS_k, k = 1..M;
//  UDmax = max_k supF(k); WDmax = max_k (c_1 / c_k) supF(k) with c_k the
//  simulated 5% critical values; F(l+1|l) = max over the l-break regimes of
//  the one-break supF inside the regime ((L - 2q)/q (S_0 - S_1)/S_1, each
//  part >= h), so F(1|0) = supF(1).
// p-values: Monte Carlo under the null (iid normal errors on the same design,
// same n, h, M; the statistics are pivotal under that null), keyed by
// RandomStream(seed, 0x42500000 + test, replicate) so results do not depend
// on threads. This covers any trim and q, including trending regressors
// where the Bai-Perron (2003) asymptotic tables do not apply. For F(l+1|l)
// the regimes are treated as independent under the null (its limit law).
// Partial change: the supF/UDmax/WDmax nulls rerun the whole iteration on the
// null draws (slower); F(l+1|l) is computed on y minus the l-break model's
// month effects with the pure-change regime nulls (an approximation).
//
// Break-date confidence intervals: Bai (1997), computed as
// strucchange::confint.breakpointsfull with its defaults (het.reg = TRUE,
// het.err = TRUE, no HAC): bounds from the quantiles of argmax V, with the
// same rounding (lower = bp - ceil(u), upper = bp - floor(l)) and the same
// warnings when an interval cannot be computed, leaves the sample or overlaps
// a neighbour.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include "chokepoint/core/period.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/robustness/models/ols.h"

namespace chokepoint::robustness {

// Error process under which the Monte Carlo nulls of the tests are drawn.
enum class NullErrors {
  kIid,  // "iid": iid normal errors; the homoskedastic F statistics are then pivotal (strucchange's setting)
  kAr1,  // "ar1": AR(1) normal errors with rho estimated from the residuals of the
         // LWZ-chosen partition (parametric bootstrap; guards against serial correlation)
};
std::string_view ToString(NullErrors e);
std::optional<NullErrors> NullErrorsFromString(std::string_view s);

struct BreakOptions {
  // Breaking regressors z_t: a trend break is what separates a stockpiling
  // episode from a change in the substitution trend.
  TrendRegressors regressors = TrendRegressors::kTrend;
  // Hold 11 month dummies fixed across regimes (partial change). Off by
  // default: strucchange (and the golden tests) break every coefficient.
  bool seasonal_fixed = false;
  // Trimming eps: minimum segment h = floor(trim * n) (strucchange's h = 0.15,
  // also Bai-Perron's recommended eps = 0.15 for M = 5).
  double trim = 0.15;
  // Maximum number of breaks M (Bai-Perron's default with eps = 0.15). Capped
  // at ceil(n / h) - 2 as strucchange does (the cap is reported).
  int max_breaks = 5;
  // Level of the sequential F(l+1|l) choice of m.
  double significance = 0.05;
  // Monte Carlo p-values for supF, UDmax, WDmax and F(l+1|l).
  bool compute_tests = true;
  // 999 null replicates: p-values resolved to 0.001, 5% critical values to
  // about +-2% at T = 120.
  int test_replicates = 999;
  uint64_t seed = 20180416;  // any fixed value; recorded in the result
  // iid by default so that p-values agree with the classical (strucchange /
  // Bai-Perron) homoskedastic tests; ar1 when the errors are autocorrelated.
  NullErrors null_errors = NullErrors::kIid;
  // Break-date confidence level (Bai 1997).
  double ci_level = 0.95;
  bool ci_het_reg = true;  // regressor moments differ by regime (strucchange default)
  bool ci_het_err = true;  // error variance differs by regime (strucchange default)
  // Partial change iterations (mbreaks maxi = 20).
  int partial_max_iterations = 20;

  bool IsValid(std::string* error) const;  // names the field, e.g. "breaks.trim"
  // Keys are the field names above (regressors = "level" | "trend"); absent
  // keys keep the defaults, unknown keys are rejected.
  static BreakOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
  std::string Describe() const;
};

struct BreakInterval {
  int lower = 0;       // 1-based observation index (may fall outside 1..n: see warnings)
  int breakpoint = 0;
  int upper = 0;
  bool computed = false;   // false when P(argmax V <= 0) is outside the level (strucchange warns)
  double lower_raw = 0.0;  // unrounded offsets in observations (bp - upper_raw .. bp - lower_raw)
  double upper_raw = 0.0;
};

struct BreakResult {
  BreakOptions options;  // as given
  int n = 0;
  int q = 0;          // breaking regressors
  int p = 0;          // fixed regressors (11 with seasonal_fixed)
  int trim_obs = 0;   // h
  int max_breaks = 0; // M used (after the cap)
  std::optional<YearMonth> start;

  // Index m = 0..M.
  std::vector<double> rss;
  std::vector<double> bic;
  std::vector<double> lwz;
  // breakpoints_by_m[m - 1] holds the m optimal breakpoints, m = 1..M.
  std::vector<std::vector<int>> breakpoints_by_m;
  int selected_bic = 0;
  int selected_lwz = 0;
  int selected_sequential = 0;  // -1 when tests were not computed
  std::vector<int> breakpoints;  // the BIC choice (empty: no break)
  std::vector<BreakInterval> confidence_intervals;  // for the BIC choice
  // Fitted values (y minus residuals) of the model with the LWZ choice of
  // breaks, the month effects included when seasonal_fixed; length n.
  std::vector<double> fitted_lwz;

  // Tests. sup_f[k - 1] = supF(k), k = 1..M; seq_f[l] = F(l+1|l), l = 0..M-1.
  std::vector<double> sup_f, sup_f_p, sup_f_critical_5;
  std::vector<double> seq_f, seq_f_p;
  double ud_max = 0.0, ud_max_p = 0.0;
  double wd_max = 0.0, wd_max_p = 0.0;
  bool tests_computed = false;
  double null_rho = 0.0;  // AR(1) coefficient used in the null (0 for iid)
  std::string pvalue_source;

  std::vector<std::string> warnings;  // as R would print them

  // Date (month of the last observation of the regime) of a 1-based
  // breakpoint; nullopt without a start month.
  std::optional<YearMonth> DateOf(int breakpoint) const;
  std::string BriefReport() const;
  std::string FullReport() const;
};

// Throws chokepoint::Error (kUsage) for invalid options or a series too short
// for the trimming (h must exceed q + p, 2h <= n).
BreakResult EstimateBreaks(std::span<const double> y, const BreakOptions& options,
                           std::optional<YearMonth> start = std::nullopt);

// Markdown: RSS/BIC/LWZ table per m, choices, tests, intervals, warnings.
std::string FormatBreaksMarkdown(const BreakResult& result, std::string_view title);

// Bai (1997) intervals for given breakpoints of a pure-change model y on Z
// (n x q), as strucchange::confint.breakpointsfull without vcov. Appends
// strucchange's warnings to *warnings when given.
std::vector<BreakInterval> BreakConfidenceIntervals(const Eigen::Ref<const Eigen::MatrixXd>& Z,
                                                    const Eigen::Ref<const Eigen::VectorXd>& y,
                                                    const std::vector<int>& breakpoints, double level,
                                                    bool het_reg, bool het_err,
                                                    std::vector<std::string>* warnings = nullptr);

// P(argmax V <= x) of Bai (1997), strucchange::pargmaxV.
double ArgmaxVCdf(double x, double xi, double phi1, double phi2);

}  // namespace chokepoint::robustness
