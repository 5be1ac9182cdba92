// Group x month series: the sum of each technology group's member codes
// (joined across tariff vintages through the catalog's concordance).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chokepoint/core/catalog.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/period.h"

namespace chokepoint {

struct GroupSeries {
  std::vector<TechnologyGroup> groups;
  YearMonth first_month;
  int num_months = 0;
  std::vector<double> values;          // groups x months, row-major, US$
  std::vector<unsigned char> present;  // 1 where at least one member cell was present
  // Member codes found in the panel, per group, and catalog codes absent from it.
  std::vector<int> codes_found;
  std::vector<std::string> codes_missing;

  int num_groups() const { return static_cast<int>(groups.size()); }
  YearMonth month(int t) const { return first_month.Plus(t); }
  std::span<const double> row(int g) const {
    return std::span<const double>(values).subspan(static_cast<size_t>(g) * num_months, num_months);
  }
  std::span<double> mutable_row(int g) {
    return std::span<double>(values).subspan(static_cast<size_t>(g) * num_months, num_months);
  }
  bool row_complete(int g) const;
};

// One panel code feeding a catalog code's joined series: its value times
// `weight`, for months before `before` only and from `from` on only (unset:
// no limit on that side).
struct CodeContribution {
  HsCode code;
  double weight = 1.0;
  std::optional<YearMonth> before;
  std::optional<YearMonth> from;
};
// The code itself (weight 1, all months) and its concordance predecessors,
// transitively (weights multiplied, the earliest cut-off kept). With
// skip_member_predecessors, predecessors that are catalog members in their own
// right are left out, so group sums never count a value twice.
std::vector<CodeContribution> ContributionsOf(HsCode code, const Catalog& catalog,
                                              bool skip_member_predecessors = true);
// A listed code standing for its product across vintages (batch codes): the
// contributions of ContributionsOf(code, catalog, false) plus the code's
// concordance successors, weighted, from their effective month on (e.g. the
// pre-2022 line 84775910 continues as 84852000).
std::vector<CodeContribution> ContributionsAcrossVintages(HsCode code, const Catalog& catalog);
// Adds the contributions' present panel cells into values/present (one row
// of panel.num_months()); *found is set when any contributing code is a panel row.
void AccumulateContributions(const Panel& panel, const std::vector<CodeContribution>& contributions,
                             std::span<double> values, std::span<unsigned char> present, bool* found);

// Sums each group's member codes (and their concordance predecessors, weighted)
// month by month. A group-month is present if any contributing cell is
// present; member codes with no panel row (nor any predecessor row) are listed
// in codes_missing.
GroupSeries AggregateGroups(const Panel& panel, const Catalog& catalog);

}  // namespace chokepoint
