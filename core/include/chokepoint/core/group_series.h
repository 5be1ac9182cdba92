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

// How well the panel represents one group (docs/method.md §1.11).
enum class CoverageStatus {
  kComplete,       // the panel carries at least min_coverage of the group's catalog lines
  kPartial,        // fewer: the group is classified, but marked
  kUnrepresented,  // none: no panel code can stand for the group at the panel's level
};
std::string_view ToString(CoverageStatus s);  // "complete", "partial", "unrepresented"

struct GroupCoverage {
  int lines_listed = 0;       // catalog member lines
  int lines_represented = 0;  // carried by the panel: exactly (or via the concordance) or inside a coarser code
  std::vector<int> levels;    // HS levels of the panel codes summed (2, 4, 6, 8)
  std::vector<std::string> codes_used;      // panel codes summed ("8542", "85423100", "8486 x 0.5")
  // Coarse codes holding this group's lines and another group's, left out
  // (no mapping file assigned them): summing them would count them twice.
  std::vector<std::string> shared_codes_excluded;
  // True when a code coarser than the catalog's lines is summed: the series
  // then includes lines the catalog does not list.
  bool broader_than_catalog = false;
  // Where the panel holds coarser totals over the group's exact lines: the
  // exact lines' share of those totals' value (a lower bound of the value
  // coverage; the totals also hold lines outside the catalog); NaN unknown.
  double value_share_of_headings = 0;
  CoverageStatus status = CoverageStatus::kComplete;

  double line_share() const { return lines_listed > 0 ? static_cast<double>(lines_represented) / lines_listed : 0.0; }
};

// Codes assigned to groups by the user, for coarse codes shared by several
// groups: CSV code,group,weight (group = id or name; weight in (0, 1], the
// weights of one code summing to at most 1).
struct CodeAssignment {
  HsCode code;
  int group_id = 0;
  double weight = 1.0;
};
std::vector<CodeAssignment> ReadCodeAssignments(const std::string& path, const Catalog& catalog);

struct GroupingOptions {
  // A group whose panel carries fewer than this share of its catalog lines is
  // `partial` (still classified, marked in every output).
  double min_coverage = 0.75;
  // Explicit assignments of panel codes to groups (override the rule that a
  // code shared by several groups is used by none).
  std::vector<CodeAssignment> assignments;
  std::string assignments_source;  // the mapping file, for messages and provenance
};

struct GroupSeries {
  std::vector<TechnologyGroup> groups;
  YearMonth first_month;
  int num_months = 0;
  std::vector<double> values;          // groups x months, row-major, US$
  std::vector<unsigned char> present;  // 1 where at least one member cell was present
  // Member codes found in the panel, per group, and catalog codes absent from it.
  std::vector<int> codes_found;
  std::vector<std::string> codes_missing;
  // Per group; empty for series not built from a panel (a wide series CSV).
  std::vector<GroupCoverage> coverage;
  double min_coverage = 0.75;  // the threshold that set coverage[].status

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
// month by month, at the panel's HS level (docs/method.md §1.11): a member
// with no panel row of its own is carried by the finest panel code that
// contains it (its HS6, HS4 or HS2) when that code holds no other group's
// lines, or when `options.assignments` assigns it; a coarse code a group
// uses absorbs the group's finer codes under it (never a double count). A
// group-month is present if any contributing cell is present; member codes
// carried by no panel code are listed in codes_missing; coverage says, per
// group, what the series stands for.
GroupSeries AggregateGroups(const Panel& panel, const Catalog& catalog, const GroupingOptions& options = {});

}  // namespace chokepoint
