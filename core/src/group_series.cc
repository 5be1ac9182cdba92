#include "chokepoint/core/group_series.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "chokepoint/core/csv_table.h"
#include "chokepoint/core/error.h"

namespace chokepoint {

bool GroupSeries::row_complete(int g) const {
  const size_t begin = static_cast<size_t>(g) * num_months;
  return std::all_of(present.begin() + begin, present.begin() + begin + num_months,
                     [](unsigned char p) { return p != 0; });
}

std::vector<CodeContribution> ContributionsOf(HsCode code, const Catalog& catalog, bool skip_member_predecessors) {
  std::vector<CodeContribution> out;
  out.push_back(CodeContribution{code, 1.0, std::nullopt, std::nullopt});
  // Walk back through the concordance: a predecessor counts, scaled by its
  // weight, only for months before its entry takes effect; chains multiply
  // weights and take the earlier cut-off.
  struct Pending { HsCode code; double weight; std::optional<YearMonth> before; int depth; };
  std::vector<Pending> stack{{code, 1.0, std::nullopt, 0}};
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (p.depth > 16) ThrowInputError(catalog.source, 0, 0,
                                      "concordance: chain through " + code.ToString() + " is longer than 16 (a cycle?)");
    for (const ConcordanceEntry& e : catalog.PredecessorsOf(p.code)) {
      if (e.old_code == code) continue;  // a cycle back to the start adds nothing
      if (skip_member_predecessors && catalog.GroupIndexOfCode(e.old_code) >= 0) continue;
      YearMonth before = e.effective;
      if (p.before && *p.before < before) before = *p.before;
      const double w = p.weight * e.weight;
      out.push_back(CodeContribution{e.old_code, w, before, std::nullopt});
      stack.push_back(Pending{e.old_code, w, before, p.depth + 1});
    }
  }
  return out;
}

std::vector<CodeContribution> ContributionsAcrossVintages(HsCode code, const Catalog& catalog) {
  std::vector<CodeContribution> out = ContributionsOf(code, catalog, /*skip_member_predecessors=*/false);
  struct Pending { HsCode code; double weight; YearMonth from; int depth; };
  std::vector<Pending> stack;
  for (const ConcordanceEntry& e : catalog.SuccessorsOf(code)) stack.push_back({e.new_code, e.weight, e.effective, 0});
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (p.code == code || p.depth > 16) continue;
    out.push_back(CodeContribution{p.code, p.weight, std::nullopt, p.from});
    for (const ConcordanceEntry& e : catalog.SuccessorsOf(p.code))
      stack.push_back({e.new_code, p.weight * e.weight, std::max(p.from, e.effective), p.depth + 1});
  }
  return out;
}

void AccumulateContributions(const Panel& panel, const std::vector<CodeContribution>& contributions,
                             std::span<double> values, std::span<unsigned char> present, bool* found) {
  const int T = panel.num_months();
  for (const CodeContribution& c : contributions) {
    const int row = panel.RowOf(c.code);
    if (row < 0) continue;
    if (found) *found = true;
    int end = T, begin = 0;
    if (c.before) end = std::clamp(MonthsBetween(panel.first_month(), *c.before), 0, T);
    if (c.from) begin = std::clamp(MonthsBetween(panel.first_month(), *c.from), 0, T);
    for (int t = begin; t < end; ++t) {
      if (!panel.present(row, t)) continue;
      values[t] += c.weight * panel.value(row, t);
      present[t] = 1;
    }
  }
}

std::string_view ToString(CoverageStatus s) {
  switch (s) {
    case CoverageStatus::kComplete: return "complete";
    case CoverageStatus::kPartial: return "partial";
    case CoverageStatus::kUnrepresented: return "unrepresented";
  }
  return "complete";
}

std::vector<CodeAssignment> ReadCodeAssignments(const std::string& path, const Catalog& catalog) {
  const CsvTable t = CsvTable::ReadFile(path);
  const int code_col = t.RequireColumn("code");
  const int group_col = t.RequireColumn("group");
  const int weight_col = t.ColumnIndex("weight");
  std::vector<CodeAssignment> out;
  std::map<HsCode, std::pair<double, long>> total_weight;
  for (const CsvRecord& r : t.records()) {
    CodeAssignment a;
    bool hs10 = false;
    const auto code = HsCode::ParseAnyLevel(t.Field(r, code_col).text, &hs10);
    if (!code || hs10) t.Fail(r, code_col, "code: an HS code of 2, 4, 6 or 8 digits expected");
    a.code = *code;
    const std::string& g = t.Field(r, group_col).text;
    int index = -1;
    if (auto id = ParseInteger(g)) index = catalog.GroupIndexOfId(static_cast<int>(*id));
    for (int i = 0; index < 0 && i < catalog.num_groups(); ++i)
      if (catalog.groups()[i].name == g || catalog.groups()[i].short_name == g) index = i;
    if (index < 0) t.Fail(r, group_col, "group: '" + g + "' is neither a group id nor a group name of the catalog");
    a.group_id = catalog.groups()[index].id;
    if (weight_col >= 0 && !t.OptionalText(r, weight_col).empty()) {
      const auto w = ParseDouble(t.Field(r, weight_col).text);
      if (!w || !(*w > 0) || *w > 1) t.Fail(r, weight_col, "weight: a number in (0, 1] expected");
      a.weight = *w;
    }
    auto& [sum, line] = total_weight[a.code];
    sum += a.weight;
    if (line == 0) line = r.line;
    if (sum > 1 + 1e-9)
      t.Fail(r, weight_col >= 0 ? weight_col : code_col,
             "the weights of code " + a.code.ToString() + " add up to more than 1 (first given on line " +
                 std::to_string(line) + "): its value would be counted more than once");
    out.push_back(a);
  }
  return out;
}

GroupSeries AggregateGroups(const Panel& panel, const Catalog& catalog, const GroupingOptions& options) {
  GroupSeries out;
  out.groups = catalog.groups();
  out.first_month = panel.first_month();
  out.num_months = panel.num_months();
  out.min_coverage = options.min_coverage;
  const int G = out.num_groups();
  const size_t T = static_cast<size_t>(out.num_months);
  out.values.assign(G * T, 0.0);
  out.present.assign(G * T, 0);
  out.codes_found.assign(G, 0);
  out.coverage.assign(G, GroupCoverage{});

  // Coarse panel codes (HS2/4/6) and the groups whose catalog lines each holds.
  std::vector<int> coarse_levels;
  for (int level : panel.hs_levels())
    if (level < 8) coarse_levels.push_back(level);
  std::sort(coarse_levels.rbegin(), coarse_levels.rend());  // finest first
  std::map<HsCode, std::set<int>> groups_under;
  for (const CatalogMember& m : catalog.members())
    for (int level : coarse_levels)
      if (const HsCode c = m.code.Prefix(level); panel.RowOf(c) >= 0)
        groups_under[c].insert(catalog.GroupIndexOfId(m.group_id));
  std::map<HsCode, std::vector<std::pair<int, double>>> assigned;  // code -> (group index, weight)
  for (const CodeAssignment& a : options.assignments)
    assigned[a.code].push_back({catalog.GroupIndexOfId(a.group_id), a.weight});

  // Per group: exact contributions of its members, and the coarse codes used.
  std::vector<std::vector<CodeContribution>> exact(G);
  std::vector<std::map<HsCode, double>> coarse(G);
  std::vector<std::set<HsCode>> excluded(G);
  for (const CatalogMember& m : catalog.members()) {
    const int g = catalog.GroupIndexOfId(m.group_id);
    GroupCoverage& cov = out.coverage[g];
    ++cov.lines_listed;
    std::vector<CodeContribution> contributions = ContributionsOf(m.code, catalog, /*skip_member_predecessors=*/true);
    const bool found_exact = std::any_of(contributions.begin(), contributions.end(),
                                         [&](const CodeContribution& c) { return panel.RowOf(c.code) >= 0; });
    if (found_exact) {
      ++cov.lines_represented;
      ++out.codes_found[g];
      for (const CodeContribution& c : contributions)
        if (panel.RowOf(c.code) >= 0) exact[g].push_back(c);
      continue;
    }
    // The finest coarse panel code holding the line.
    bool carried = false;
    for (int level : coarse_levels) {
      const HsCode c = m.code.Prefix(level);
      if (panel.RowOf(c) < 0) continue;
      if (auto it = assigned.find(c); it != assigned.end()) {
        for (const auto& [group, weight] : it->second)
          if (group == g) {
            coarse[g][c] = weight;
            carried = true;
          }
        if (carried) break;
        continue;  // assigned to other groups only: look coarser
      }
      if (groups_under.at(c).size() > 1) {
        excluded[g].insert(c);
        continue;
      }
      coarse[g][c] = 1.0;
      carried = true;
      break;
    }
    if (carried) {
      ++cov.lines_represented;
      ++out.codes_found[g];
    } else {
      out.codes_missing.push_back(m.code.ToString());
    }
  }
  // Assignments of codes that hold none of a group's listed lines count too.
  for (const auto& [code, groups] : assigned)
    if (panel.RowOf(code) >= 0)
      for (const auto& [group, weight] : groups)
        if (!coarse[group].count(code)) coarse[group][code] = weight;

  for (int g = 0; g < G; ++g) {
    GroupCoverage& cov = out.coverage[g];
    std::span<double> values = std::span<double>(out.values).subspan(g * T, T);
    std::span<unsigned char> present = std::span<unsigned char>(out.present).subspan(g * T, T);
    // A coarse code absorbs the group's finer codes under it.
    auto under_used_coarse = [&](HsCode c) {
      for (const auto& [code, weight] : coarse[g])
        if (code != c && code.Contains(c)) return true;
      return false;
    };
    std::vector<CodeContribution> contributions;
    for (const CodeContribution& c : exact[g])
      if (!under_used_coarse(c.code)) contributions.push_back(c);
    for (const auto& [code, weight] : coarse[g])
      if (!under_used_coarse(code)) contributions.push_back(CodeContribution{code, weight, std::nullopt, std::nullopt});
    AccumulateContributions(panel, contributions, values, present, nullptr);
    std::set<int> levels;
    std::set<std::string> used;
    for (const CodeContribution& c : contributions) {
      levels.insert(c.code.digits());
      char w[32] = "";
      if (c.weight != 1.0 && c.code.digits() < 8) std::snprintf(w, sizeof w, " x %.6g", c.weight);
      used.insert(c.code.ToString() + w);
      if (c.code.digits() < 8) cov.broader_than_catalog = true;
    }
    cov.levels.assign(levels.begin(), levels.end());
    cov.codes_used.assign(used.begin(), used.end());
    for (const HsCode& c : excluded[g])
      if (!coarse[g].count(c)) {
        std::string others;
        for (int o : groups_under.at(c))
          if (o != g) others += (others.empty() ? "" : ", ") + out.groups[o].name;
        cov.shared_codes_excluded.push_back(c.ToString() + " (shared with " + others + ")");
      }
    // Value share of the exact lines within coarser panel totals holding them.
    double exact_value = 0, heading_value = 0;
    std::set<HsCode> headings;
    for (const CodeContribution& c : exact[g])
      for (int level : coarse_levels)
        if (const HsCode h = c.code.Prefix(level); c.code.digits() > level && panel.RowOf(h) >= 0) headings.insert(h);
    // Keep only the coarsest of nested headings, so none is counted twice.
    for (auto it = headings.begin(); it != headings.end();) {
      const bool nested = std::any_of(headings.begin(), headings.end(),
                                      [&](const HsCode& o) { return o != *it && o.Contains(*it); });
      it = nested ? headings.erase(it) : std::next(it);
    }
    const auto row_sum = [&](HsCode code) {
      const int row = panel.RowOf(code);
      double sum = 0;
      for (int t = 0; t < panel.num_months(); ++t)
        if (panel.present(row, t)) sum += panel.value(row, t);
      return sum;
    };
    for (const HsCode& h : headings) heading_value += row_sum(h);
    for (const CodeContribution& c : exact[g])
      if (c.code.digits() == 8 &&
          std::any_of(headings.begin(), headings.end(), [&](const HsCode& h) { return h.Contains(c.code); }))
        exact_value += c.weight * row_sum(c.code);
    cov.value_share_of_headings =
        heading_value > 0 ? exact_value / heading_value : std::numeric_limits<double>::quiet_NaN();
    cov.status = cov.lines_represented == 0                   ? CoverageStatus::kUnrepresented
                 : cov.line_share() + 1e-12 < options.min_coverage ? CoverageStatus::kPartial
                                                                : CoverageStatus::kComplete;
  }
  // A sum of finite values that overflows double precision is an error, not
  // an "inf" carried into V and G: name the group, the month and its codes.
  for (int g = 0; g < G; ++g)
    for (size_t t = 0; t < T; ++t) {
      if (!out.present[g * T + t] || std::isfinite(out.values[g * T + t])) continue;
      std::string codes;
      for (const CatalogMember& m : catalog.members()) {
        if (catalog.GroupIndexOfId(m.group_id) != g) continue;
        const int row = panel.RowOf(m.code);
        if (row < 0 || !panel.present(row, static_cast<int>(t))) continue;
        char value[40];
        std::snprintf(value, sizeof value, "%.3g", panel.value(row, static_cast<int>(t)));
        codes += (codes.empty() ? "" : ", ") + m.code.ToString() + " = " + value;
      }
      ThrowInputError(panel.provenance.label.empty() ? std::string("panel") : panel.provenance.label, 0, 0,
                      "group \"" + out.groups[g].name + "\", " + panel.month(static_cast<int>(t)).ToString() +
                          ": the sum of its codes overflows double precision (" + codes +
                          "); rescale the panel (e.g. to thousands of US$)");
    }
  return out;
}

}  // namespace chokepoint
