#include "chokepoint/core/run_file.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/version.h"

namespace chokepoint {

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
  out << "- Tool: " << v.meta.tool_version << "; created " << v.meta.created_utc << "; seed " << v.meta.seed << "\n";
  if (!v.months.empty()) out << "- Series: " << v.months.front() << " .. " << v.months.back() << " (" << v.months.size() << " months)\n";
  out << "- Index specification: " << v.index_spec << "\n";
  out << "- Thresholds: growth high if G > " << Fmt(t.growth, 2) << "; volatility high if V > "
      << Fmt(t.volatility_high, 2) << ", medium if " << Fmt(t.volatility_low, 2) << " <= V <= "
      << Fmt(t.volatility_high, 2) << ", low if V < " << Fmt(t.volatility_low, 2)
      << "; semiconductor override " << (t.semiconductor_override ? "on" : "off") << "\n\n";

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
      (v.growth_level[g] == "high" ? hi : lo).push_back(v.group_names[g]);
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
      if (v.regime[g] == key) members.push_back(v.group_names[g]);
    out << "- **" << text << "** — " << members.size() << ": " << Join(members, ", ") << "\n";
  }

  out << "\n## Groups\n\n";
  out << "| # | Group | Category | Semiconductor | V | G | Volatility | Growth | Regime |\n";
  out << "|---:|---|---|---|---:|---:|---|---|---|\n";
  for (size_t g = 0; g < v.group_names.size(); ++g) {
    out << "| " << g + 1 << " | " << v.group_names[g] << " | " << v.group_categories[g] << " | "
        << (v.semiconductor[g] ? "yes" : "no") << " | " << Fmt(v.V[g]) << " | " << Fmt(v.G[g]) << " | "
        << v.volatility_level[g] << " | " << v.growth_level[g] << " | " << v.regime[g] << " |\n";
  }
  return out.str();
}

}  // namespace chokepoint
