// Validation with the three bottleneck lists (the talk's "batches",
// docs/method.md §1.6): how much they overlap, how each batch's imports behave (V, G
// and regime of the batch sum and of every listed code), how many batch-1
// groups persist in batch 3, and batch 2's import growth before and after its
// 2023 publication (an event-study regression).
#pragma once

#include <span>
#include <functional>

#include <Eigen/Core>

#include <string>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/catalog.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint {

// [batches] in the run configuration.
struct BatchesOptions {
  // Publication of the Advanced Manufacturing Greenbook (batch 2). The talk
  // gives only the year, so January 2023 marks "from 2023 on".
  YearMonth event_month{2023, 1};
  // Months on each side of the event used by the event-study regression
  // (36: three years before, and what the panel has after, up to three).
  int event_window_months = 36;
  // Month-of-year dummies in the event-study regression (imports are seasonal:
  // Lunar New Year).
  bool seasonal_dummies = true;
  // V, G and regime for every listed code, not only for the batch sums.
  bool per_code = true;

  bool IsValid(std::string* error) const;
  static BatchesOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

struct BatchOverlap {
  int batch_a = 0, batch_b = 0;
  int hs8_a = 0, hs8_b = 0, hs8_common = 0, hs8_union = 0;
  double jaccard_hs8 = 0.0;  // common / union (0 when both are empty)
  int hs6_a = 0, hs6_b = 0, hs6_common = 0, hs6_union = 0;
  double jaccard_hs6 = 0.0;
};
// Overlap of two code lists at HS8 and at HS6 (duplicates ignored).
BatchOverlap ComputeOverlap(int batch_a, const std::vector<HsCode>& a, int batch_b, const std::vector<HsCode>& b);

struct BatchSummary {
  int batch = 0;
  int codes_listed = 0;
  int codes_found = 0;                      // listed codes with a panel series (incl. via concordance)
  std::vector<std::string> codes_missing;
  std::vector<int> group_ids;               // distinct non-zero group ids of its entries
  std::vector<double> monthly;              // the batch sum, US$, panel months
  std::vector<unsigned char> present;
  IndexValues indices;
  bool classified = false;                  // indices.ok()
  Classification classification;            // batch sums: no semiconductor override
};

struct BatchCodeResult {
  int batch = 0;
  HsCode code;
  std::string label;
  int group_id = 0;
  bool found = false;
  IndexValues indices;
  bool classified = false;
  Classification classification;  // semiconductor override if its group is semiconductor-related
};

// Share of the batch-1 groups that still have a code in batch 3.
struct BatchPersistence {
  std::vector<int> groups_batch1;
  std::vector<int> groups_batch3;
  std::vector<int> groups_both;
  double share = 0.0;  // |both| / |batch 1 groups|
};

// log(x_t) = a + b t + d post_t + c post_t t [+ month dummies] + e_t, t in
// months from the event; growth before = 12 b, after = 12 (b + c), change =
// 12 c, all in log points per year (x100 = % per year, log). Standard errors
// from `covariance` when given (the CLI passes robustness' Newey-West HAC:
// monthly imports are autocorrelated, so classical OLS errors are too small),
// classical OLS otherwise; se_type says which.
struct EventStudyRow {
  int batch = 0;
  YearMonth event;
  int n_pre = 0, n_post = 0;
  double growth_pre = 0.0, growth_post = 0.0, growth_change = 0.0;
  double se_pre = 0.0, se_post = 0.0, se_change = 0.0;
  double t_change = 0.0;
  std::string se_type = "ols";
  std::string status = "ok";  // or why it could not be estimated
  bool ok() const { return status == "ok"; }
};
// Coefficient covariance of y = X b + e: returns the k x k matrix and sets
// *label (e.g. "HAC Bartlett, NW1994 lag 4, prewhitened"). core cannot
// depend on robustness, so the estimator is passed in.
using EventStudyCovariance =
    std::function<Eigen::MatrixXd(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::string* label)>;

// The regression on one monthly series (months not present or <= 0 are left out).
EventStudyRow EventStudy(std::span<const double> monthly, std::span<const unsigned char> present,
                         YearMonth series_first, YearMonth event, int window_months, bool seasonal_dummies,
                         const EventStudyCovariance& covariance = {});

struct BatchesResult {
  std::string data_label;
  bool synthetic = false;
  std::string catalog_source;
  std::string index_spec;  // IndexSpec::Describe()
  Thresholds thresholds;
  BatchesOptions options;
  YearMonth first_month;
  int num_months = 0;
  std::vector<BatchSummary> batches;     // batches 1, 2, 3
  std::vector<BatchOverlap> overlaps;    // 1-2, 1-3, 2-3
  std::vector<BatchCodeResult> codes;    // per listed code (options.per_code)
  BatchPersistence persistence;
  std::vector<EventStudyRow> event_study;  // one row per batch (batch 2 is the talk's)

  std::string FullReport() const;
};

BatchesResult ComputeBatches(const Panel& panel, const Catalog& catalog, const IndexSpec& spec,
                             const Thresholds& thresholds, const BatchesOptions& options = {},
                             const EventStudyCovariance& covariance = {});

}  // namespace chokepoint
