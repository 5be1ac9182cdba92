#include "chokepoint/core/group_series.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

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

GroupSeries AggregateGroups(const Panel& panel, const Catalog& catalog) {
  GroupSeries out;
  out.groups = catalog.groups();
  out.first_month = panel.first_month();
  out.num_months = panel.num_months();
  const int G = out.num_groups();
  const size_t T = static_cast<size_t>(out.num_months);
  out.values.assign(G * T, 0.0);
  out.present.assign(G * T, 0);
  out.codes_found.assign(G, 0);
  for (const CatalogMember& m : catalog.members()) {
    const int g = catalog.GroupIndexOfId(m.group_id);
    bool found = false;
    AccumulateContributions(panel, ContributionsOf(m.code, catalog, /*skip_member_predecessors=*/true),
                            std::span<double>(out.values).subspan(g * T, T),
                            std::span<unsigned char>(out.present).subspan(g * T, T), &found);
    if (found) ++out.codes_found[g];
    else out.codes_missing.push_back(m.code.ToString());
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
