// Internals of the Bai-Perron estimator (docs/method.md §7.3): the segment
// RSS table and the dynamic programme over it.
#pragma once

#include <span>
#include <vector>

#include "chokepoint/robustness/models/breaks.h"

namespace chokepoint::robustness {

// Segment residual sums of squares RSS(i, j), 1 <= i <= j <= n, for y on
// intercept (q = 1) or intercept + trend (q = 2); RSS is 0 for segments of
// length <= q. Stored by segment end, so the dynamic programme reads it
// contiguously. Internal to the break models; tests and the benchmark include it from src/.
class SegmentRssTable {
 public:
  SegmentRssTable() = default;
  void Compute(std::span<const double> y, TrendRegressors regressors);
  int n() const { return n_; }
  // 1-based inclusive bounds.
  double operator()(int i, int j) const { return data_[Offset(j - 1) + (i - 1)]; }

 private:
  static size_t Offset(int end0) { return static_cast<size_t>(end0) * (end0 + 1) / 2; }
  int n_ = 0;
  std::vector<double> data_;
  std::vector<double> inverse_count_, inverse_sxx_;
};

// Optimal partitions only (no tests, no intervals): rss[m] and the
// breakpoints for m = 0..max_breaks with minimum segment h. This is the part
// timed against strucchange::breakpoints.
struct PartitionPath {
  std::vector<double> rss;                      // m = 0..M
  std::vector<std::vector<int>> breakpoints;    // m = 0..M (m = 0: empty)
};
PartitionPath OptimalPartitions(const SegmentRssTable& table, int h, int max_breaks);

}  // namespace chokepoint::robustness
