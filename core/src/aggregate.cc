#include "chokepoint/core/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <unordered_map>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/aggregate_io.h"

namespace chokepoint {

namespace {
constexpr AggregateSeries kAllSeries[kNumAggregateSeries] = {
    AggregateSeries::kCapitalTotal,          AggregateSeries::kCapitalSemiconductor,
    AggregateSeries::kCapitalAdjusted,       AggregateSeries::kIntermediateTotal,
    AggregateSeries::kIntermediateSemiconductor, AggregateSeries::kIntermediateAdjusted,
    AggregateSeries::kCombinedAdjusted};

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
}  // namespace

std::string_view ToString(AggregateSeries s) {
  switch (s) {
    case AggregateSeries::kCapitalTotal: return "capital_total";
    case AggregateSeries::kCapitalSemiconductor: return "capital_semiconductor";
    case AggregateSeries::kCapitalAdjusted: return "capital_adjusted";
    case AggregateSeries::kIntermediateTotal: return "intermediate_total";
    case AggregateSeries::kIntermediateSemiconductor: return "intermediate_semiconductor";
    case AggregateSeries::kIntermediateAdjusted: return "intermediate_adjusted";
    case AggregateSeries::kCombinedAdjusted: return "combined_adjusted";
  }
  return "?";
}

std::optional<AggregateSeries> AggregateSeriesFromString(std::string_view s) {
  for (AggregateSeries a : kAllSeries)
    if (ToString(a) == s) return a;
  return std::nullopt;
}

std::string_view DisplayName(AggregateSeries s) {
  switch (s) {
    case AggregateSeries::kCapitalTotal: return "Capital goods, total";
    case AggregateSeries::kCapitalSemiconductor: return "Semiconductor capital goods";
    case AggregateSeries::kCapitalAdjusted: return "Capital goods, adjusted";
    case AggregateSeries::kIntermediateTotal: return "Intermediates, total";
    case AggregateSeries::kIntermediateSemiconductor: return "Semiconductor intermediates";
    case AggregateSeries::kIntermediateAdjusted: return "Intermediates, adjusted";
    case AggregateSeries::kCombinedAdjusted: return "Capital + intermediates, adjusted";
  }
  return "?";
}

// ---- options ----------------------------------------------------------------

bool AggregateOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (gdp_column.empty()) return fail("aggregate.gdp_column must name a column of the GDP file");
  if (first_year != 0 && (first_year < 1900 || first_year > 2200))
    return fail("aggregate.first_year must be 0 (panel start) or a year 1900..2200, got " + std::to_string(first_year));
  if (last_year != 0 && (last_year < 1900 || last_year > 2200))
    return fail("aggregate.last_year must be 0 (panel end) or a year 1900..2200, got " + std::to_string(last_year));
  if (first_year != 0 && last_year != 0 && last_year < first_year)
    return fail("aggregate.last_year (" + std::to_string(last_year) + ") is before aggregate.first_year (" +
                std::to_string(first_year) + ")");
  for (const auto& t : bec_tables)
    if (t.empty()) return fail("aggregate.bec_tables has an empty file name");
  return true;
}

AggregateOptions AggregateOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"bec_tables", "bec_overrides", "nn_rule", "gdp_file", "gdp_column", "first_year", "last_year"});
  AggregateOptions o;
  if (auto v = s.GetStringArray("bec_tables")) o.bec_tables = *v;
  if (auto v = s.GetString("bec_overrides")) o.bec_overrides = *v;
  if (auto v = s.GetString("nn_rule")) {
    auto r = BecNnRuleFromString(*v);
    if (!r) s.Fail("nn_rule", "must be \"majority\" or \"first\", got \"" + *v + "\"");
    o.nn_rule = *r;
  }
  if (auto v = s.GetString("gdp_file")) o.gdp_file = *v;
  if (auto v = s.GetString("gdp_column")) o.gdp_column = *v;
  if (auto v = s.GetInt("first_year")) o.first_year = static_cast<int>(*v);
  if (auto v = s.GetInt("last_year")) o.last_year = static_cast<int>(*v);
  std::string error;
  if (!o.IsValid(&error)) s.Fail("", error);
  return o;
}

toml::table AggregateOptions::ToToml() const {
  toml::table t;
  toml::array tables;
  if (bec_tables.empty()) {
    tables.push_back(std::string(kDataPrefix) + "bec/hs2022_bec_correspondence.csv");
    tables.push_back(std::string(kDataPrefix) + "bec/hs2017_bec_correspondence.csv");
  } else {
    for (const auto& f : bec_tables) tables.push_back(f);
  }
  t.insert("bec_tables", std::move(tables));
  t.insert("bec_overrides", bec_overrides.empty() ? std::string(kDataPrefix) + "bec/overrides.csv" : bec_overrides);
  t.insert("nn_rule", std::string(ToString(nn_rule)));
  t.insert("gdp_file", gdp_file.empty() ? std::string(kDataPrefix) + "gdp/china_gdp.csv" : gdp_file);
  t.insert("gdp_column", gdp_column);
  t.insert("first_year", first_year);
  t.insert("last_year", last_year);
  return t;
}

BecMapper AggregateOptions::LoadBec() const {
  if (bec_tables.empty() && bec_overrides.empty()) return BecMapper::LoadDefault(nn_rule);
  std::vector<BecTable> tables;
  if (bec_tables.empty()) {
    tables.push_back(ReadBecTable(DataDirectory() / "bec" / "hs2022_bec_correspondence.csv"));
    tables.push_back(ReadBecTable(DataDirectory() / "bec" / "hs2017_bec_correspondence.csv"));
  } else {
    for (const auto& f : bec_tables) tables.push_back(ReadBecTable(ResolveDataPath(f)));
  }
  std::vector<BecOverride> overrides;
  if (bec_overrides.empty()) overrides = ReadBecOverrides(DataDirectory() / "bec" / "overrides.csv");
  else if (bec_overrides != "none") overrides = ReadBecOverrides(ResolveDataPath(bec_overrides));
  return BecMapper(std::move(tables), std::move(overrides), nn_rule);
}

GdpSeries AggregateOptions::LoadGdp() const {
  return gdp_file.empty() ? LoadDefaultGdp(gdp_column) : ReadGdpFile(ResolveDataPath(gdp_file), gdp_column);
}

// ---- computation ------------------------------------------------------------

AggregateResult ComputeAggregates(const Panel& panel, const Catalog& catalog, const BecMapper& bec,
                                  const GdpSeries& gdp, const AggregateOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  AggregateResult r;
  r.options = options;
  r.data_label = panel.provenance.label;
  r.synthetic = panel.provenance.synthetic;
  r.catalog_source = catalog.source;
  r.bec_description = bec.Describe();
  r.gdp_column = gdp.column;
  r.gdp_file = gdp.file;

  const int T = panel.num_months();
  if (T <= 0) ThrowInputError(r.data_label, 0, 0, "aggregate: the panel has no months");
  // Complete calendar years of the panel.
  const YearMonth first = panel.first_month(), last = panel.last_month();
  const int first_full = first.month == 1 ? first.year : first.year + 1;
  const int last_full = last.month == 12 ? last.year : last.year - 1;
  const int y0 = options.first_year ? options.first_year : first_full;
  const int y1 = options.last_year ? options.last_year : last_full;
  if (y1 < y0)
    ThrowUsageError("aggregate: the panel (" + first.ToString() + ".." + last.ToString() +
                    ") holds no complete calendar year");
  if (y0 < first_full || y1 > last_full)
    ThrowUsageError("aggregate: years " + std::to_string(y0) + ".." + std::to_string(y1) +
                    " are not all complete in the panel (" + first.ToString() + ".." + last.ToString() + ")");
  for (int y = y0; y <= y1; ++y) {
    auto g = gdp.Get(y);
    if (!g) ThrowInputError(gdp.file, 0, 0, "GDP column '" + gdp.column + "' has no value for " + std::to_string(y));
    r.years.push_back(y);
    r.gdp_usd.push_back(*g);
    if (auto it = gdp.notes.find(y); it != gdp.notes.end())
      r.gdp_notes.push_back(std::to_string(y) + ": " + it->second);
  }
  const int t0 = MonthsBetween(first, YearMonth{y0, 1});
  const int t1 = MonthsBetween(first, YearMonth{y1, 12});  // inclusive

  // Semiconductor share of each panel code: the weights with which it feeds
  // semiconductor-group members (1 for a member itself), by month.
  std::unordered_map<HsCode, std::vector<CodeContribution>> semi_parts;
  for (const CatalogMember& m : catalog.members()) {
    const TechnologyGroup& g = catalog.GroupById(m.group_id);
    if (!g.semiconductor) continue;
    for (const CodeContribution& c : ContributionsOf(m.code, catalog, /*skip_member_predecessors=*/true))
      semi_parts[c.code].push_back(c);
  }

  // Monthly sums per series over the whole panel.
  std::array<std::vector<double>, kNumAggregateSeries> monthly;
  for (auto& v : monthly) v.assign(T, 0.0);
  auto& cap_total = monthly[static_cast<int>(AggregateSeries::kCapitalTotal)];
  auto& cap_semi = monthly[static_cast<int>(AggregateSeries::kCapitalSemiconductor)];
  auto& int_total = monthly[static_cast<int>(AggregateSeries::kIntermediateTotal)];
  auto& int_semi = monthly[static_cast<int>(AggregateSeries::kIntermediateSemiconductor)];

  std::vector<double> semi_share(T);
  r.codes_in_panel = panel.num_codes();
  // A code with finer codes of the panel under it (an HS4 total beside its
  // HS8 lines) would count those lines twice: it is left out and listed.
  // In text order a code's finer codes follow it directly.
  std::vector<char> is_total_of_finer(static_cast<size_t>(panel.num_codes()), 0);
  {
    std::vector<int> order(static_cast<size_t>(panel.num_codes()));
    for (int i = 0; i < panel.num_codes(); ++i) order[static_cast<size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return panel.codes()[a] < panel.codes()[b]; });
    for (size_t i = 0; i + 1 < order.size(); ++i)
      is_total_of_finer[static_cast<size_t>(order[i])] = panel.codes()[order[i]].Contains(panel.codes()[order[i + 1]]);
  }
  for (int row = 0; row < panel.num_codes(); ++row) {
    const HsCode code = panel.codes()[row];
    if (is_total_of_finer[static_cast<size_t>(row)]) {
      r.unmapped_codes.push_back(code.ToString() + " (total of finer panel codes: not added)");
      continue;
    }
    const BecAssignment a = bec.Map(code, &catalog);
    if (!a.mapped) {
      r.unmapped_codes.push_back(code.ToString());
      for (int t = t0; t <= t1; ++t)
        if (panel.present(row, t)) r.unmapped_value_usd += panel.value(row, t);
      continue;
    }
    if (a.nn) ++r.codes_nn;
    if (a.nn && catalog.GroupIndexOfCode(code) >= 0) r.nn_assignments.push_back(code.ToString() + ": " + a.how);
    std::vector<double>* total = nullptr;
    std::vector<double>* semi = nullptr;
    switch (a.category) {
      case GoodsCategory::kCapital: ++r.codes_capital; total = &cap_total; semi = &cap_semi; break;
      case GoodsCategory::kIntermediate: ++r.codes_intermediate; total = &int_total; semi = &int_semi; break;
      case GoodsCategory::kConsumption: ++r.codes_consumption; break;
    }
    std::fill(semi_share.begin(), semi_share.end(), 0.0);
    bool is_semi = false;
    if (auto it = semi_parts.find(code); it != semi_parts.end()) {
      is_semi = true;
      for (const CodeContribution& c : it->second) {
        const int end = c.before ? std::clamp(MonthsBetween(first, *c.before), 0, T) : T;
        const int begin = c.from ? std::clamp(MonthsBetween(first, *c.from), 0, T) : 0;
        for (int t = begin; t < end; ++t) semi_share[t] += c.weight;
      }
      for (double& s : semi_share) s = std::min(s, 1.0);  // a cell is never subtracted twice
      auto& list = a.category == GoodsCategory::kCapital        ? r.semiconductor_codes_capital
                   : a.category == GoodsCategory::kIntermediate ? r.semiconductor_codes_intermediate
                                                                : r.semiconductor_codes_other;
      list.push_back(code.ToString());
    }
    for (int t = t0; t <= t1; ++t)
      if (!panel.present(row, t)) ++r.missing_cells;
    if (!total) continue;
    for (int t = 0; t < T; ++t) {
      if (!panel.present(row, t)) continue;
      const double v = panel.value(row, t);
      (*total)[t] += v;
      if (is_semi) (*semi)[t] += semi_share[t] * v;
    }
  }
  auto& cap_adj = monthly[static_cast<int>(AggregateSeries::kCapitalAdjusted)];
  auto& int_adj = monthly[static_cast<int>(AggregateSeries::kIntermediateAdjusted)];
  auto& comb = monthly[static_cast<int>(AggregateSeries::kCombinedAdjusted)];
  for (int t = 0; t < T; ++t) {
    cap_adj[t] = cap_total[t] - cap_semi[t];
    int_adj[t] = int_total[t] - int_semi[t];
    comb[t] = cap_adj[t] + int_adj[t];
  }

  // Annual sums and shares.
  const size_t Y = r.years.size();
  for (int s = 0; s < kNumAggregateSeries; ++s) {
    r.usd[s].assign(Y, 0.0);
    r.pct_gdp[s].assign(Y, 0.0);
    for (size_t k = 0; k < Y; ++k) {
      const int base = MonthsBetween(first, YearMonth{r.years[k], 1});
      double sum = 0.0;
      for (int m = 0; m < 12; ++m) sum += monthly[s][base + m];
      r.usd[s][k] = sum;
      r.pct_gdp[s][k] = 100.0 * sum / r.gdp_usd[k];
    }
  }
  // 12-month rolling sums inside the reported years.
  for (int end = t0 + 11; end <= t1; ++end) {
    r.rolling_end.push_back(first.Plus(end));
    double gdp_window = 0.0;
    for (int t = end - 11; t <= end; ++t) gdp_window += r.gdp_usd[first.Plus(t).year - y0] / 12.0;
    for (int s = 0; s < kNumAggregateSeries; ++s) {
      double sum = 0.0;
      for (int t = end - 11; t <= end; ++t) sum += monthly[s][t];
      r.rolling_usd[s].push_back(sum);
      r.rolling_pct_gdp[s].push_back(100.0 * sum / gdp_window);
    }
  }
  return r;
}

// ---- reports ----------------------------------------------------------------

std::string AggregateResult::FullReport() const {
  std::ostringstream out;
  out << "aggregate: " << (synthetic ? "SYNTHETIC data: " : "") << data_label << "\n"
      << "  catalog: " << catalog_source << "\n"
      << "  BEC: " << bec_description << "\n"
      << "  GDP: " << gdp_column << " from " << gdp_file << " (one vintage in every ratio)\n";
  for (const auto& n : gdp_notes) out << "    note " << n << "\n";
  out << "  years: " << (years.empty() ? 0 : years.front()) << ".." << (years.empty() ? 0 : years.back())
      << " (given first_year=" << options.first_year << ", last_year=" << options.last_year << ")\n"
      << "  panel codes: " << codes_in_panel << " (capital " << codes_capital << ", intermediate "
      << codes_intermediate << ", consumption/other " << codes_consumption << ", unmapped "
      << unmapped_codes.size() << ", n:n or overridden " << codes_nn << ")\n"
      << "  unmapped value in the reported years: " << Fmt("%.6g", unmapped_value_usd) << " US$\n"
      << "  semiconductor-group codes: capital " << semiconductor_codes_capital.size() << ", intermediate "
      << semiconductor_codes_intermediate.size() << ", consumption/other " << semiconductor_codes_other.size()
      << "\n  missing panel cells counted as 0: " << missing_cells << "\n";
  for (size_t k = 0; k < years.size(); ++k) {
    out << "  " << years[k];
    for (int s = 0; s < kNumAggregateSeries; ++s) out << " " << ToString(kAllSeries[s]) << "=" << Fmt("%.4f", pct_gdp[s][k]) << "%";
    out << "\n";
  }
  return out.str();
}

std::string FormatAggregateReport(const AggregateResult& r) {
  std::ostringstream out;
  out << "## Imports of capital goods and intermediates, % of GDP\n\n";
  if (r.synthetic)
    out << "**Synthetic data** (" << r.data_label
        << "): simulated figures calibrated to the talk, not China Customs statistics.\n\n";
  else
    out << "Data: " << (r.data_label.empty() ? "(unlabelled panel)" : r.data_label) << ".\n\n";
  out << "GDP: `" << r.gdp_column << "` (" << r.gdp_file << "). Categories by HS -> BEC Rev.4: " << r.bec_description
      << ". Adjusted = total minus the semiconductor-related groups.\n\n";
  if (r.years.empty()) return out.str() + "(no complete year)\n";
  const size_t Y = r.years.size();
  const AggregateSeries order[] = {AggregateSeries::kCapitalAdjusted, AggregateSeries::kIntermediateAdjusted,
                                   AggregateSeries::kCombinedAdjusted, AggregateSeries::kCapitalSemiconductor,
                                   AggregateSeries::kIntermediateSemiconductor, AggregateSeries::kCapitalTotal,
                                   AggregateSeries::kIntermediateTotal};
  auto table = [&](bool pct) {
    out << "| " << (pct ? "% of GDP" : "US$ billion") << " |";
    for (int y : r.years) out << " " << y << " |";
    out << (pct ? " change (pp) | change (%) |\n" : " change (US$ bn) | change (%) |\n");
    out << "|---|";
    for (size_t k = 0; k < Y + 2; ++k) out << "---:|";
    out << "\n";
    for (AggregateSeries s : order) {
      const auto& v = pct ? r.Pct(s) : r.Usd(s);
      const double scale = pct ? 1.0 : 1e-9;
      out << "| " << DisplayName(s) << " |";
      for (size_t k = 0; k < Y; ++k) out << " " << Fmt("%.2f", v[k] * scale) << " |";
      const double d = (v[Y - 1] - v[0]) * scale;
      out << " " << Fmt("%+.2f", d) << " |";
      if (v[0] != 0.0) out << " " << Fmt("%+.1f", 100.0 * (v[Y - 1] - v[0]) / v[0]) << "% |\n";
      else out << " n/a |\n";
    }
    out << "\n";
  };
  table(true);
  table(false);
  const auto& sc = r.Usd(AggregateSeries::kCapitalSemiconductor);
  const auto& si = r.Usd(AggregateSeries::kIntermediateSemiconductor);
  out << "Monthly averages: semiconductor capital goods " << Fmt("%.2f", sc.front() / 12e9) << " -> "
      << Fmt("%.2f", sc.back() / 12e9) << " US$ bn a month; semiconductor intermediates "
      << Fmt("%.2f", si.front() / 12e9) << " -> " << Fmt("%.2f", si.back() / 12e9) << " US$ bn a month ("
      << r.years.front() << " -> " << r.years.back() << ").\n\n";
  out << "Mapping: " << r.codes_in_panel << " panel codes; capital " << r.codes_capital << ", intermediate "
      << r.codes_intermediate << ", consumption/other " << r.codes_consumption << ", n:n or overridden "
      << r.codes_nn << ", **unmapped " << r.unmapped_codes.size() << "**";
  if (!r.unmapped_codes.empty()) {
    out << " (" << Fmt("%.4g", r.unmapped_value_usd / 1e9) << " US$ bn left out:";
    for (size_t i = 0; i < r.unmapped_codes.size() && i < 20; ++i) out << " " << r.unmapped_codes[i];
    if (r.unmapped_codes.size() > 20) out << " ... and " << r.unmapped_codes.size() - 20 << " more";
    out << ")";
  }
  out << ". Semiconductor-group codes: " << r.semiconductor_codes_capital.size() << " capital, "
      << r.semiconductor_codes_intermediate.size() << " intermediate";
  if (!r.semiconductor_codes_other.empty())
    out << ", " << r.semiconductor_codes_other.size() << " in consumption (not subtracted)";
  out << ". Missing panel cells counted as zero: " << r.missing_cells << ".\n";
  for (const auto& n : r.gdp_notes) out << "\nGDP note " << n << "\n";
  return out.str();
}

// ---- HDF5 -------------------------------------------------------------------

void WriteAggregateSection(hid_t file, const AggregateResult& r) {
  h5::Handle g = h5::EnsureGroup(file, "/aggregate");
  std::vector<int32_t> years(r.years.begin(), r.years.end());
  h5::WriteInt32s(file, "/aggregate/years", years);
  h5::WriteDoubles(file, "/aggregate/gdp_usd", r.gdp_usd);
  for (int s = 0; s < kNumAggregateSeries; ++s) {
    const std::string name(ToString(kAllSeries[s]));
    h5::WriteDoubles(file, "/aggregate/" + name + "_usd", r.usd[s]);
    h5::WriteDoubles(file, "/aggregate/" + name + "_pct_gdp", r.pct_gdp[s]);
  }
  h5::WriteAttribute(g.id(), "gdp_column", r.gdp_column);
  h5::WriteAttribute(g.id(), "gdp_file", r.gdp_file);
  h5::WriteAttribute(g.id(), "bec", r.bec_description);
  h5::WriteAttribute(g.id(), "nn_rule", ToString(r.options.nn_rule));
  h5::WriteAttribute(g.id(), "catalog", r.catalog_source);
  h5::WriteAttribute(g.id(), "data_label", r.data_label);
  h5::WriteAttribute(g.id(), "synthetic", static_cast<int64_t>(r.synthetic));
  std::string notes;
  for (const auto& n : r.gdp_notes) notes += (notes.empty() ? "" : "\n") + n;
  h5::WriteAttribute(g.id(), "gdp_notes", notes);

  std::vector<std::string> months;
  for (const YearMonth& m : r.rolling_end) months.push_back(m.ToString());
  h5::EnsureGroup(file, "/aggregate/rolling");
  h5::WriteStrings(file, "/aggregate/rolling/months", months);
  for (int s = 0; s < kNumAggregateSeries; ++s) {
    const std::string name(ToString(kAllSeries[s]));
    h5::WriteDoubles(file, "/aggregate/rolling/" + name + "_usd", r.rolling_usd[s]);
    h5::WriteDoubles(file, "/aggregate/rolling/" + name + "_pct_gdp", r.rolling_pct_gdp[s]);
  }
  h5::Handle m = h5::EnsureGroup(file, "/aggregate/mapping");
  h5::WriteStrings(file, "/aggregate/mapping/unmapped_codes", r.unmapped_codes);
  h5::WriteStrings(file, "/aggregate/mapping/nn_assignments", r.nn_assignments);
  h5::WriteStrings(file, "/aggregate/mapping/semiconductor_codes_capital", r.semiconductor_codes_capital);
  h5::WriteStrings(file, "/aggregate/mapping/semiconductor_codes_intermediate", r.semiconductor_codes_intermediate);
  h5::WriteStrings(file, "/aggregate/mapping/semiconductor_codes_other", r.semiconductor_codes_other);
  h5::WriteAttribute(m.id(), "codes_in_panel", static_cast<int64_t>(r.codes_in_panel));
  h5::WriteAttribute(m.id(), "codes_capital", static_cast<int64_t>(r.codes_capital));
  h5::WriteAttribute(m.id(), "codes_intermediate", static_cast<int64_t>(r.codes_intermediate));
  h5::WriteAttribute(m.id(), "codes_consumption", static_cast<int64_t>(r.codes_consumption));
  h5::WriteAttribute(m.id(), "codes_nn", static_cast<int64_t>(r.codes_nn));
  h5::WriteAttribute(m.id(), "unmapped_value_usd", r.unmapped_value_usd);
  h5::WriteAttribute(m.id(), "missing_cells", static_cast<int64_t>(r.missing_cells));
}

AggregateResult ReadAggregateSection(hid_t file) {
  AggregateResult r;
  if (!h5::Exists(file, "/aggregate")) ThrowInputError("run file", 0, 0, "no /aggregate section");
  // Years and rolling months fix the lengths every series is checked against.
  for (int64_t y : h5::ReadInt64s(file, "/aggregate/years", {h5::kAnyExtent})) r.years.push_back(static_cast<int>(y));
  const h5::Shape per_year = {r.years.size()};
  r.gdp_usd = h5::ReadDoubles(file, "/aggregate/gdp_usd", per_year);
  for (int s = 0; s < kNumAggregateSeries; ++s) {
    const std::string name(ToString(kAllSeries[s]));
    r.usd[s] = h5::ReadDoubles(file, "/aggregate/" + name + "_usd", per_year);
    r.pct_gdp[s] = h5::ReadDoubles(file, "/aggregate/" + name + "_pct_gdp", per_year);
  }
  h5::Handle g(H5Gopen2(file, "/aggregate", H5P_DEFAULT));
  r.gdp_column = h5::ReadStringAttribute(g.id(), "gdp_column");
  r.gdp_file = h5::ReadStringAttribute(g.id(), "gdp_file");
  r.bec_description = h5::ReadStringAttribute(g.id(), "bec");
  if (auto rule = BecNnRuleFromString(h5::ReadStringAttribute(g.id(), "nn_rule"))) r.options.nn_rule = *rule;
  r.catalog_source = h5::ReadStringAttribute(g.id(), "catalog");
  r.data_label = h5::ReadStringAttribute(g.id(), "data_label");
  r.synthetic = h5::ReadIntAttribute(g.id(), "synthetic") != 0;
  r.options.gdp_column = r.gdp_column;
  r.options.gdp_file = r.gdp_file;
  if (const std::string notes = h5::ReadStringAttribute(g.id(), "gdp_notes"); !notes.empty()) {
    std::istringstream in(notes);
    for (std::string line; std::getline(in, line);) r.gdp_notes.push_back(line);
  }
  for (const auto& m : h5::ReadStrings(file, "/aggregate/rolling/months", {h5::kAnyExtent})) {
    const auto month = YearMonth::Parse(m);
    if (!month) ThrowInputError("run file", 0, 0, "/aggregate/rolling/months holds \"" + m + "\", not a month YYYY-MM");
    r.rolling_end.push_back(*month);
  }
  const h5::Shape per_month = {r.rolling_end.size()};
  for (int s = 0; s < kNumAggregateSeries; ++s) {
    const std::string name(ToString(kAllSeries[s]));
    r.rolling_usd[s] = h5::ReadDoubles(file, "/aggregate/rolling/" + name + "_usd", per_month);
    r.rolling_pct_gdp[s] = h5::ReadDoubles(file, "/aggregate/rolling/" + name + "_pct_gdp", per_month);
  }
  r.unmapped_codes = h5::ReadStrings(file, "/aggregate/mapping/unmapped_codes");
  r.nn_assignments = h5::ReadStrings(file, "/aggregate/mapping/nn_assignments");
  r.semiconductor_codes_capital = h5::ReadStrings(file, "/aggregate/mapping/semiconductor_codes_capital");
  r.semiconductor_codes_intermediate = h5::ReadStrings(file, "/aggregate/mapping/semiconductor_codes_intermediate");
  r.semiconductor_codes_other = h5::ReadStrings(file, "/aggregate/mapping/semiconductor_codes_other");
  h5::Handle m(H5Gopen2(file, "/aggregate/mapping", H5P_DEFAULT));
  r.codes_in_panel = static_cast<int>(h5::ReadIntAttribute(m.id(), "codes_in_panel"));
  r.codes_capital = static_cast<int>(h5::ReadIntAttribute(m.id(), "codes_capital"));
  r.codes_intermediate = static_cast<int>(h5::ReadIntAttribute(m.id(), "codes_intermediate"));
  r.codes_consumption = static_cast<int>(h5::ReadIntAttribute(m.id(), "codes_consumption"));
  r.codes_nn = static_cast<int>(h5::ReadIntAttribute(m.id(), "codes_nn"));
  r.unmapped_value_usd = h5::ReadDoubleAttribute(m.id(), "unmapped_value_usd");
  r.missing_cells = h5::ReadIntAttribute(m.id(), "missing_cells");
  return r;
}

}  // namespace chokepoint
