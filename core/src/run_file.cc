#include "chokepoint/core/run_file.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/version.h"

namespace chokepoint {

namespace {
std::string JoinWith(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}
}  // namespace

BaseAnalysis AnalyzeGroups(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds) {
  BaseAnalysis a;
  a.spec = spec;
  a.thresholds = thresholds;
  for (int g = 0; g < series.num_groups(); ++g) {
    std::span<const unsigned char> present(series.present.data() + static_cast<size_t>(g) * series.num_months,
                                           static_cast<size_t>(series.num_months));
    const IndexValues v = ComputeSeriesIndices(series.row(g), present, series.first_month, spec);
    a.indices.push_back(v);
    if (v.ok()) a.classes.push_back(Classify(v.V, v.G, series.groups[g].semiconductor, thresholds));
    else a.classes.push_back(std::nullopt);
  }
  return a;
}

void WriteRunBase(hid_t file, const RunMetadata& meta, const GroupSeries& series, const BaseAnalysis& analysis) {
  h5::WriteAttribute(file, "schema", kRunSchema);
  h5::WriteAttribute(file, "tool_version", ToolVersion());
  h5::WriteAttribute(file, "created_utc", UtcNowIso8601());
  h5::WriteAttribute(file, "config_toml", meta.config_toml);
  h5::WriteAttribute(file, "seed", static_cast<int64_t>(meta.seed));
  h5::WriteAttribute(file, "data_label", meta.data_label);
  h5::WriteAttribute(file, "synthetic", static_cast<int64_t>(meta.synthetic ? 1 : 0));
  h5::WriteLinesAttribute(file, "data_provenance", meta.data_details);

  std::vector<std::string> names, categories;
  std::vector<uint8_t> semi;
  for (const auto& g : series.groups) {
    names.push_back(g.name);
    categories.push_back(std::string(ToString(g.category)));
    semi.push_back(g.semiconductor ? 1 : 0);
  }
  h5::WriteStrings(file, "/groups/name", names);
  h5::WriteStrings(file, "/groups/category", categories);
  h5::WriteUint8s(file, "/groups/semiconductor", semi);
  if (!series.coverage.empty()) {
    // What each group's series stands for at the panel's HS level
    // (docs/method.md §1.11).
    std::vector<std::string> status, levels, used, excluded;
    std::vector<int32_t> listed, represented;
    std::vector<uint8_t> broader;
    std::vector<double> share;
    for (const GroupCoverage& c : series.coverage) {
      status.emplace_back(ToString(c.status));
      std::string l;
      for (int x : c.levels) l += (l.empty() ? "" : ",") + std::to_string(x);
      levels.push_back(l);
      used.push_back(JoinWith(c.codes_used, " "));
      excluded.push_back(JoinWith(c.shared_codes_excluded, "; "));
      listed.push_back(c.lines_listed);
      represented.push_back(c.lines_represented);
      broader.push_back(c.broader_than_catalog ? 1 : 0);
      share.push_back(c.value_share_of_headings);
    }
    h5::Handle cov = h5::EnsureGroup(file, "/groups/coverage");
    h5::WriteStrings(cov.id(), "status", status);
    h5::WriteStrings(cov.id(), "hs_levels", levels);
    h5::WriteStrings(cov.id(), "codes_used", used);
    h5::WriteStrings(cov.id(), "shared_codes_excluded", excluded);
    h5::WriteInt32s(cov.id(), "lines_listed", listed);
    h5::WriteInt32s(cov.id(), "lines_represented", represented);
    h5::WriteUint8s(cov.id(), "broader_than_catalog", broader);
    h5::WriteDoubles(cov.id(), "value_share_of_headings", share);
    h5::WriteAttribute(cov.id(), "min_coverage", series.min_coverage);
  }

  std::vector<std::string> months;
  for (int t = 0; t < series.num_months; ++t) months.push_back(series.month(t).ToString());
  h5::WriteStrings(file, "/series/months", months);
  h5::WriteDoubles(file, "/series/values", series.values,
                   {static_cast<hsize_t>(series.num_groups()), static_cast<hsize_t>(series.num_months)});
  h5::WriteUint8s(file, "/series/present", std::span<const uint8_t>(series.present.data(), series.present.size()),
                  {static_cast<hsize_t>(series.num_groups()), static_cast<hsize_t>(series.num_months)});

  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> V, G;
  std::vector<std::string> vol, growth, regime, status;
  for (size_t g = 0; g < analysis.indices.size(); ++g) {
    const auto& iv = analysis.indices[g];
    const auto& c = analysis.classes[g];
    V.push_back(iv.ok() ? iv.V : nan);
    G.push_back(iv.ok() ? iv.G : nan);
    status.push_back(std::string(ToString(iv.status)));
    vol.push_back(c ? std::string(ToString(c->volatility)) : "undefined");
    growth.push_back(c ? std::string(ToString(c->growth)) : "undefined");
    regime.push_back(c ? std::string(ToString(c->regime)) : "undefined");
  }
  h5::Handle idx = h5::EnsureGroup(file, "/indices");
  h5::WriteDoubles(idx.id(), "V", V);
  h5::WriteDoubles(idx.id(), "G", G);
  h5::WriteStrings(idx.id(), "volatility_level", vol);
  h5::WriteStrings(idx.id(), "growth_level", growth);
  h5::WriteStrings(idx.id(), "regime", regime);
  h5::WriteStrings(idx.id(), "status", status);
  h5::WriteAttribute(idx.id(), "index_spec", analysis.spec.Describe());
  h5::WriteAttribute(idx.id(), "growth_threshold", analysis.thresholds.growth);
  h5::WriteAttribute(idx.id(), "volatility_high", analysis.thresholds.volatility_high);
  h5::WriteAttribute(idx.id(), "volatility_low", analysis.thresholds.volatility_low);
  h5::WriteAttribute(idx.id(), "semiconductor_override",
                     static_cast<int64_t>(analysis.thresholds.semiconductor_override ? 1 : 0));
}

RunBaseView ReadRunBase(hid_t file, const std::string& label) {
  RunBaseView v;
  if (!h5::HasAttribute(file, "schema") || h5::ReadStringAttribute(file, "schema") != kRunSchema)
    ThrowInputError(label, 0, 0, std::string("not a chokepoint run file (attribute schema != \"") + kRunSchema + "\")");
  v.meta.config_toml = h5::ReadStringAttribute(file, "config_toml");
  v.meta.seed = static_cast<uint64_t>(h5::ReadIntAttribute(file, "seed"));
  v.meta.data_label = h5::ReadStringAttribute(file, "data_label");
  v.meta.synthetic = h5::HasAttribute(file, "synthetic") && h5::ReadIntAttribute(file, "synthetic") != 0;
  v.meta.data_details = h5::ReadLinesAttribute(file, "data_provenance");
  v.meta.tool_version = h5::ReadStringAttribute(file, "tool_version");
  v.meta.created_utc = h5::ReadStringAttribute(file, "created_utc");
  // The group count comes from /groups/name; every per-group dataset must
  // have that length (h5::Shape checks before any index is used).
  v.group_names = h5::ReadStrings(file, "/groups/name", {h5::kAnyExtent});
  const h5::Shape per_group = {v.group_names.size()};
  v.group_categories = h5::ReadStrings(file, "/groups/category", per_group);
  v.semiconductor = h5::ReadUint8s(file, "/groups/semiconductor", per_group);
  v.months = h5::ReadStrings(file, "/series/months", {h5::kAnyExtent});
  v.V = h5::ReadDoubles(file, "/indices/V", per_group);
  v.G = h5::ReadDoubles(file, "/indices/G", per_group);
  v.volatility_level = h5::ReadStrings(file, "/indices/volatility_level", per_group);
  v.growth_level = h5::ReadStrings(file, "/indices/growth_level", per_group);
  v.regime = h5::ReadStrings(file, "/indices/regime", per_group);
  v.status = h5::ReadStrings(file, "/indices/status", per_group);
  h5::Handle idx(H5Gopen2(file, "/indices", H5P_DEFAULT));
  v.index_spec = h5::ReadStringAttribute(idx.id(), "index_spec");
  v.thresholds.growth = h5::ReadDoubleAttribute(idx.id(), "growth_threshold");
  v.thresholds.volatility_high = h5::ReadDoubleAttribute(idx.id(), "volatility_high");
  v.thresholds.volatility_low = h5::ReadDoubleAttribute(idx.id(), "volatility_low");
  v.thresholds.semiconductor_override = h5::ReadIntAttribute(idx.id(), "semiconductor_override") != 0;
  if (h5::Exists(file, "/groups/coverage")) {
    v.coverage_status = h5::ReadStrings(file, "/groups/coverage/status", per_group);
    v.coverage_levels = h5::ReadStrings(file, "/groups/coverage/hs_levels", per_group);
    v.coverage_excluded = h5::ReadStrings(file, "/groups/coverage/shared_codes_excluded", per_group);
    v.lines_listed = h5::ReadInt64s(file, "/groups/coverage/lines_listed", per_group);
    v.lines_represented = h5::ReadInt64s(file, "/groups/coverage/lines_represented", per_group);
    v.broader_than_catalog = h5::ReadUint8s(file, "/groups/coverage/broader_than_catalog", per_group);
    v.value_share_of_headings = h5::ReadDoubles(file, "/groups/coverage/value_share_of_headings", per_group);
    h5::Handle cov(H5Gopen2(file, "/groups/coverage", H5P_DEFAULT));
    v.min_coverage = h5::ReadDoubleAttribute(cov.id(), "min_coverage");
  }
  return v;
}

namespace {
std::string Fmt(double x, int digits = 3) {
  if (std::isnan(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}
std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out.empty() ? "—" : out;
}
}  // namespace

std::string FormatBaseReport(const RunBaseView& v) {
  std::ostringstream out;
  const auto& t = v.thresholds;
  out << "# chokepoint run report\n\n";
  out << "**Data: " << v.meta.data_label << "**";
  if (v.meta.synthetic) out << " — SYNTHETIC data (simulated), not China Customs figures";
  out << "\n\n";
  // Coverage first: a reader must know what the data stand for before any regime.
  if (!v.coverage_status.empty()) {
    std::vector<std::string> partial, unrepresented, broader;
    int complete = 0;
    for (size_t g = 0; g < v.group_names.size(); ++g) {
      const std::string lines = std::to_string(v.lines_represented[g]) + "/" + std::to_string(v.lines_listed[g]);
      // Where the panel also holds the headings of the present lines, their
      // share of those headings' value (a lower bound of the value coverage).
      const double share = v.value_share_of_headings[g];
      const std::string value =
          std::isnan(share) ? "" : "; " + Fmt(100 * share, 0) + "% of the value of the headings holding them";
      if (v.coverage_status[g] == "partial") partial.push_back(v.group_names[g] + " (" + lines + " lines" + value + ")");
      else if (v.coverage_status[g] == "unrepresented")
        unrepresented.push_back(v.group_names[g] + (v.coverage_excluded[g].empty() ? "" : " [" + v.coverage_excluded[g] + "]"));
      else ++complete;
      if (v.broader_than_catalog[g] && v.coverage_status[g] != "unrepresented") broader.push_back(v.group_names[g]);
    }
    std::set<std::string> levels;
    for (const auto& l : v.coverage_levels)
      for (size_t start = 0; start < l.size();) {
        size_t comma = l.find(',', start);
        if (comma == std::string::npos) comma = l.size();
        levels.insert("HS" + l.substr(start, comma - start));
        start = comma + 1;
      }
    out << "- **Data coverage:** " << complete << " of " << v.group_names.size() << " groups complete (at least "
        << Fmt(100 * v.min_coverage, 0) << "% of their catalog lines), " << partial.size() << " partial, "
        << unrepresented.size() << " not in the panel; code levels used: "
        << Join(std::vector<std::string>(levels.begin(), levels.end()), ", ") << "\n";
    if (!partial.empty()) out << "  - Partial (regime shown, marked *partial*): " << Join(partial, ", ") << "\n";
    if (!unrepresented.empty())
      out << "  - No catalog line in the panel, neither itself nor inside a coarser code the group has to itself (not "
             "classified): "
          << Join(unrepresented, "; ") << "\n";
    if (!broader.empty())
      out << "  - Drawn from codes coarser than the catalog's lines (the series includes unlisted lines): "
          << Join(broader, ", ") << "\n";
  }
  for (const auto& d : v.meta.data_details) out << "- Data: " << d << "\n";
  out << "- Tool: " << v.meta.tool_version << "; created " << v.meta.created_utc << "; seed " << v.meta.seed << "\n";
  if (!v.months.empty()) out << "- Series: " << v.months.front() << " .. " << v.months.back() << " (" << v.months.size() << " months)\n";
  out << "- Index specification: " << v.index_spec << "\n";
  out << "- Thresholds: growth high if G > " << Fmt(t.growth, 2) << "; volatility high if V > "
      << Fmt(t.volatility_high, 2) << ", medium if " << Fmt(t.volatility_low, 2) << " <= V <= "
      << Fmt(t.volatility_high, 2) << ", low if V < " << Fmt(t.volatility_low, 2)
      << "; semiconductor override " << (t.semiconductor_override ? "on" : "off") << "\n\n";

  // A partial group's regime rests on part of its lines: say so wherever it is named.
  const auto marked_name = [&](size_t g) {
    const bool partial = !v.coverage_status.empty() && v.coverage_status[g] == "partial";
    return v.group_names[g] + (partial ? " *(partial)*" : "");
  };
  out << "## Growth and volatility matrix\n\n";
  out << "| | High growth (G > " << Fmt(t.growth, 2) << ") | Low growth (G <= " << Fmt(t.growth, 2) << ") |\n";
  out << "|---|---|---|\n";
  const char* vol_levels[] = {"high", "medium", "low"};
  const std::string row_labels[] = {
      "High volatility (V > " + Fmt(t.volatility_high, 2) + ")",
      "Medium volatility (" + Fmt(t.volatility_low, 2) + " <= V <= " + Fmt(t.volatility_high, 2) + ")",
      "Low volatility (V < " + Fmt(t.volatility_low, 2) + ")"};
  for (int r = 0; r < 3; ++r) {
    std::vector<std::string> hi, lo;
    for (size_t g = 0; g < v.group_names.size(); ++g) {
      if (v.volatility_level[g] != vol_levels[r]) continue;
      (v.growth_level[g] == "high" ? hi : lo).push_back(marked_name(g));
    }
    out << "| " << row_labels[r] << " | " << Join(hi, ", ") << " | " << Join(lo, ", ") << " |\n";
  }
  std::vector<std::string> undefined;
  for (size_t g = 0; g < v.group_names.size(); ++g)
    if (v.status[g] != "ok") undefined.push_back(v.group_names[g] + " (" + v.status[g] + ")");
  if (!undefined.empty()) out << "\nNot classified (index undefined): " << Join(undefined, ", ") << "\n";

  out << "\n## Regimes\n\n";
  const std::pair<const char*, const char*> regimes[] = {
      {"stockpiling", "Stockpiling / policy-impacted (surges, high volatility with continued growth)"},
      {"no_effect", "No discernible effect (continued growth, medium or low volatility)"},
      {"substitution", "Successful import substitution (low growth)"}};
  for (const auto& [key, text] : regimes) {
    std::vector<std::string> members;
    for (size_t g = 0; g < v.group_names.size(); ++g)
      if (v.regime[g] == key) members.push_back(marked_name(g));
    out << "- **" << text << "** — " << members.size() << ": " << Join(members, ", ") << "\n";
  }

  out << "\n## Groups\n\n";
  const bool coverage = !v.coverage_status.empty();
  out << "| # | Group | Category | Semiconductor | V | G | Volatility | Growth | Regime |"
      << (coverage ? " Lines | Level |" : "") << "\n";
  out << "|---:|---|---|---|---:|---:|---|---|---|" << (coverage ? "---:|---|" : "") << "\n";
  for (size_t g = 0; g < v.group_names.size(); ++g) {
    const bool partial = coverage && v.coverage_status[g] == "partial";
    out << "| " << g + 1 << " | " << v.group_names[g] << " | " << v.group_categories[g] << " | "
        << (v.semiconductor[g] ? "yes" : "no") << " | " << Fmt(v.V[g]) << " | " << Fmt(v.G[g]) << " | "
        << v.volatility_level[g] << " | " << v.growth_level[g] << " | " << v.regime[g] << (partial ? " *partial*" : "")
        << " |";
    if (coverage)
      out << " " << v.lines_represented[g] << "/" << v.lines_listed[g] << " | "
          << (v.coverage_levels[g].empty() ? "—" : "HS" + v.coverage_levels[g]) << " |";
    out << "\n";
  }
  return out.str();
}

}  // namespace chokepoint
