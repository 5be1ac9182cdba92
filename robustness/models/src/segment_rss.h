// Internals of the Bai-Perron estimator (docs/method.md §7.3): the segment
// RSS table and the dynamic programme over it.
#pragma once

#include <span>
#include <vector>

#include "chokepoint/robustness/models/breaks.h"

namespace chokepoint::robustness {

// Segment residual sums of squares RSS(i, j), 1 <= i <= j <= n, for y on
// intercept (q = 1) or intercept + trend (q = 2); RSS is 0 for segments of
// length <= q. The whole n(n+1)/2 triangle: the tests' oracle for single
// segments and for exhaustive partition searches (PartitionSearch computes
// the same rows one at a time).
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

// The dynamic programme over segment RSS, without the table: the RSS row of
// each segment end (RSS(s, i) for every start s, the same arithmetic as
// SegmentRssTable) is computed when the programme reaches end i and dropped
// after, so memory is O(max_breaks x n) instead of n^2 / 2 (T = 10,000:
// under 1 MB instead of 400 MB per thread). Reusable across calls (the
// buffers are kept).
class PartitionSearch {
 public:
  PartitionPath Run(std::span<const double> y, TrendRegressors regressors, int h, int max_breaks);

 private:
  void ComputeRow(int end0);  // row_[s] = RSS(s + 1, end0 + 1), s = 0..end0
  std::span<const double> y_;
  TrendRegressors regressors_ = TrendRegressors::kLevel;
  std::vector<double> inverse_count_, inverse_sxx_, row_, last_row_;
  std::vector<std::vector<double>> best_;
  std::vector<std::vector<int>> arg_;
};

}  // namespace chokepoint::robustness
