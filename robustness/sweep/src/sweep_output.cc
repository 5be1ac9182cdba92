// /sweep in the HDF5 run file, the referee report and FullReport.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/sweep/sweep.h"
#include "chokepoint/core/version.h"
#include "chokepoint/robustness/sweep/sweep_io.h"

namespace chokepoint::robustness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Fmt(double v, int precision = 4) {
  if (std::isnan(v)) return "n/a";
  std::ostringstream o;
  o.precision(precision);
  o << v;
  return o.str();
}

std::string Percent(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * v);
  return buf;
}

std::string RegimeName(int r) { return r < 0 ? "n/a" : std::string(ToString(static_cast<Regime>(r))); }

// Suffix sums of one (spec, group) bin table: #{growth bin >= a, vol bin >= b}.
struct Cumulative {
  int gb = 0, hb = 0, lb = 0;
  std::vector<int64_t> high, low;  // (gb + 1) x (hb + 1), (gb + 1) x (lb + 1)
  int64_t n = 0;

  // From the default specification's bin tables of group g.
  Cumulative(const SweepPartial& c, int g) : gb(c.growth_bins), hb(c.high_bins), lb(c.low_bins) {
    auto build = [&](const int32_t* src, int vb, std::vector<int64_t>& dst) {
      dst.assign(static_cast<size_t>(gb + 1) * (vb + 1), 0);
      for (int a = gb - 1; a >= 0; --a)
        for (int b = vb - 1; b >= 0; --b)
          dst[a * (vb + 1) + b] = src[a * vb + b] + dst[(a + 1) * (vb + 1) + b] + dst[a * (vb + 1) + b + 1] -
                                  dst[(a + 1) * (vb + 1) + b + 1];
    };
    build(&c.default_high_counts[static_cast<size_t>(g) * gb * hb], hb, high);
    build(&c.default_low_counts[static_cast<size_t>(g) * gb * lb], lb, low);
    n = high[0];
  }
  int64_t H(int a, int b) const { return high[a * (hb + 1) + b]; }
  int64_t L(int a, int b) const { return low[a * (lb + 1) + b]; }
  // Regime counts at growth index k, v_hi index jh.
  void Regimes(int k, int jh, bool semi_override, int64_t out[3]) const {
    const int64_t high_g = H(k + 1, 0);
    out[0] = semi_override ? high_g : H(k + 1, jh + 1);
    out[1] = high_g - out[0];
    out[2] = n - high_g;
  }
  void Cells(int k, int jh, int jl, int64_t out[6]) const {
    const int64_t high_g = H(k + 1, 0), low_g = n - high_g;
    const int64_t hghv = H(k + 1, jh + 1), hv = H(0, jh + 1);
    const int64_t hgnl = L(k + 1, jl + 1), nl = L(0, jl + 1);
    out[CellIndex(VolatilityLevel::kHigh, GrowthLevel::kHigh)] = hghv;
    out[CellIndex(VolatilityLevel::kHigh, GrowthLevel::kLow)] = hv - hghv;
    out[CellIndex(VolatilityLevel::kMedium, GrowthLevel::kHigh)] = hgnl - hghv;
    out[CellIndex(VolatilityLevel::kMedium, GrowthLevel::kLow)] = (nl - hgnl) - (hv - hghv);
    out[CellIndex(VolatilityLevel::kLow, GrowthLevel::kHigh)] = high_g - hgnl;
    out[CellIndex(VolatilityLevel::kLow, GrowthLevel::kLow)] = low_g - (nl - hgnl);
  }
};

h5::WriteOptions Compressed() {
  h5::WriteOptions o;
  o.compress = true;
  return o;
}

std::vector<std::string> MonthStrings(const std::vector<YearMonth>& v) {
  std::vector<std::string> out;
  for (auto m : v) out.push_back(m.ToString());
  return out;
}

// Number of substitution groups per (spec, growth threshold) at the point
// estimates; -1 for skipped specifications.
std::vector<int32_t> SubstitutionCounts(const SweepResult& r) {
  const int ns = r.num_specs(), ng = r.num_groups();
  const int nk = static_cast<int>(r.grid.growth.size());
  std::vector<int32_t> out(static_cast<size_t>(ns) * nk, -1);
  for (int s = 0; s < ns; ++s) {
    if (r.grid.spec_status[s] != IndexStatus::kOk) continue;
    for (int k = 0; k < nk; ++k) {
      int n = 0;
      for (int g = 0; g < ng; ++g) {
        const size_t sg = static_cast<size_t>(s) * ng + g;
        if (r.point_status[sg] == IndexStatus::kOk && !(r.G_point[sg] > r.grid.growth[k])) ++n;
      }
      out[static_cast<size_t>(s) * nk + k] = n;
    }
  }
  return out;
}

}  // namespace

void WriteSweepSection(hid_t file, const SweepResult& r) {
  const SweepGrid& g = r.grid;
  const int ns = r.num_specs(), ng = r.num_groups();
  const hsize_t hs = static_cast<hsize_t>(ns), hg = static_cast<hsize_t>(ng);
  h5::Handle root = h5::EnsureGroup(file, "/sweep");
  const hid_t sw = root.id();
  h5::WriteAttribute(sw, "format", "chokepoint.sweep/1");
  h5::WriteAttribute(sw, "version", ToolVersion());
  h5::WriteAttribute(sw, "replicates", static_cast<int64_t>(r.replicates));
  h5::WriteAttribute(sw, "seed", static_cast<int64_t>(r.options.seed));
  h5::WriteAttribute(sw, "scheme", bootstrap::ToString(r.options.resampler.scheme));
  h5::WriteAttribute(sw, "blocks", bootstrap::ToString(r.options.resampler.blocks));
  h5::WriteAttribute(sw, "block_length_given", r.options.resampler.block_length);
  h5::WriteAttribute(sw, "random_stream_keying", "(seed, group index, replicate) Philox, via the bootstrap resampler");
  h5::WriteAttribute(sw, "series_first_month", r.series_first.ToString());
  h5::WriteAttribute(sw, "series_months", static_cast<int64_t>(r.series_months));
  h5::WriteAttribute(sw, "num_specs", static_cast<int64_t>(ns));
  h5::WriteAttribute(sw, "default_spec", static_cast<int64_t>(g.default_spec));
  h5::WriteAttribute(sw, "num_threshold_points", g.num_threshold_points());
  h5::WriteAttribute(sw, "num_coherent_threshold_points", g.num_coherent_threshold_points());
  h5::WriteAttribute(sw, "skipped_specs", r.skipped_specs);
  h5::WriteAttribute(sw, "skipped_threshold_points", r.skipped_threshold_points);
  h5::WriteAttribute(sw, "failed_point_estimates", r.failed_point_estimates);
  h5::WriteAttribute(sw, "failed_replicate_evaluations", r.failed_replicate_evaluations);
  h5::WriteAttribute(sw, "evaluations", r.evaluations);
  h5::WriteAttribute(sw, "classifications", r.classifications());
  {
    std::string added;
    for (const auto& a : g.defaults_added) added += (added.empty() ? "" : ",") + a;
    h5::WriteAttribute(sw, "defaults_added_to_axes", added);
  }
  h5::WriteAttribute(sw, "spec_order", "window_start, window_end, frequency, weighting, base (innermost)");
  h5::WriteAttribute(sw, "threshold_point_order", "growth, volatility_high, volatility_low, semiconductor_override");
  h5::WriteAttribute(sw, "regime_columns", "stockpiling, no_effect, substitution");
  {
    // The resolved [sweep] options: ReadSweepSection rebuilds the grid from them.
    std::ostringstream toml_text;
    toml_text << r.options.ToToml();
    h5::WriteAttribute(sw, "options_toml", toml_text.str());
  }
  // threads_used and seconds are deliberately not written: /sweep must be
  // identical for any thread count (they are in FullReport).

  // Axes.
  h5::WriteDoubles(sw, "axes/growth", g.growth);
  h5::WriteDoubles(sw, "axes/volatility_high", g.volatility_high);
  h5::WriteDoubles(sw, "axes/volatility_low", g.volatility_low);
  h5::WriteUint8s(sw, "axes/semiconductor_override", g.overrides);
  {
    std::vector<std::string> w;
    for (const auto& c : g.weightings) w.push_back(c.ToString());
    h5::WriteStrings(sw, "axes/weighting", w);
    h5::WriteStrings(sw, "axes/window_start", MonthStrings(g.window_starts));
    h5::WriteStrings(sw, "axes/window_end", MonthStrings(g.window_ends));
    std::vector<std::string> f, b;
    for (auto x : g.frequencies) f.emplace_back(ToString(x));
    for (auto x : g.bases) b.emplace_back(ToString(x));
    h5::WriteStrings(sw, "axes/frequency", f);
    h5::WriteStrings(sw, "axes/base", b);
    std::vector<int32_t> defaults = {g.default_growth, g.default_volatility_high, g.default_volatility_low,
                                     g.default_override};
    h5::WriteInt32s(sw, "axes/default_threshold_position", defaults);
  }
  // Groups.
  {
    std::vector<std::string> names;
    std::vector<uint8_t> semi;
    for (const auto& x : r.groups) {
      names.push_back(x.name);
      semi.push_back(x.semiconductor ? 1 : 0);
    }
    h5::WriteStrings(sw, "groups/name", names);
    h5::WriteUint8s(sw, "groups/semiconductor", semi);
    if (!r.block_length.empty()) h5::WriteDoubles(sw, "groups/block_length", r.block_length);
  }
  // Specs.
  {
    std::vector<int32_t> axes;
    std::vector<std::string> desc, status;
    for (int s = 0; s < ns; ++s) {
      const auto a = g.AxesOf(s);
      axes.insert(axes.end(), {a.start, a.end, a.frequency, a.weighting, a.base});
      desc.push_back(g.specs[s].Describe());
      status.emplace_back(ToString(g.spec_status[s]));
    }
    h5::WriteInt32s(sw, "specs/axes", axes, {hs, 5});
    h5::WriteStrings(sw, "specs/description", desc);
    h5::WriteStrings(sw, "specs/status", status);
  }
  // Point estimates.
  h5::WriteDoubles(sw, "V_point", r.V_point, {hs, hg}, Compressed());
  h5::WriteDoubles(sw, "G_point", r.G_point, {hs, hg}, Compressed());
  {
    std::vector<uint8_t> st;
    for (auto x : r.point_status) st.push_back(static_cast<uint8_t>(x));
    h5::Handle d = h5::EnsureGroup(sw, "point");
    h5::WriteUint8s(sw, "point/status", st, {hs, hg}, Compressed());
    h5::WriteStrings(sw, "point/status_names",
                     {"ok", "too_short", "window_outside_data", "incomplete_period", "missing_in_window",
                      "base_not_positive", "mean_not_positive"});
  }
  // Regime per spec at the default thresholds (point, and probability).
  const Thresholds& dt = r.options.default_thresholds;
  {
    std::vector<int32_t> reg(static_cast<size_t>(ns) * ng);
    for (int s = 0; s < ns; ++s)
      for (int gg = 0; gg < ng; ++gg) reg[static_cast<size_t>(s) * ng + gg] = r.PointRegime(s, gg, dt);
    h5::WriteInt32s(sw, "regime_at_default_thresholds", reg, {hs, hg}, Compressed());
  }
  const bool boot = r.replicates > 0 && !r.counts.empty();
  if (boot) {
    std::vector<double> prob(static_cast<size_t>(ns) * ng * 3, kNaN);
    for (int s = 0; s < ns; ++s)
      for (int gg = 0; gg < ng; ++gg) {
        const size_t sg = static_cast<size_t>(s) * ng + gg;
        const int32_t* reg = &r.counts.default_threshold_regimes[sg * kNumRegimes];
        const int64_t n = static_cast<int64_t>(reg[0]) + reg[1] + reg[2];
        if (n == 0) continue;
        for (int k = 0; k < 3; ++k) prob[sg * 3 + k] = static_cast<double>(reg[k]) / static_cast<double>(n);
      }
    h5::WriteDoubles(sw, "regime_probability_at_default_thresholds", prob, {hs, hg, 3}, Compressed());
    std::vector<int32_t> okr(r.counts.ok_replicates.begin(), r.counts.ok_replicates.end());
    h5::WriteInt32s(sw, "ok_replicates", okr, {hs, hg}, Compressed());
  }
  // Default index spec over the whole threshold grid, for the detail groups.
  const std::vector<int> detail = r.DetailGroupIndices();
  {
    const int nk = static_cast<int>(g.growth.size()), nh = static_cast<int>(g.volatility_high.size()),
              nl = static_cast<int>(g.volatility_low.size()), no = static_cast<int>(g.overrides.size());
    const int nd = static_cast<int>(detail.size());
    const hsize_t hd = static_cast<hsize_t>(nd);
    const hsize_t dims5[] = {static_cast<hsize_t>(nk), static_cast<hsize_t>(nh), static_cast<hsize_t>(nl),
                             static_cast<hsize_t>(no), hd};
    const size_t npts = static_cast<size_t>(nk) * nh * nl * no;
    std::vector<int32_t> regime(npts * nd, -1), cell(npts * nd, -1);
    std::vector<double> prob(boot ? npts * nd * 3 : 0, kNaN);
    std::vector<Cumulative> cum;
    if (boot)
      for (int gg = 0; gg < ng; ++gg) cum.emplace_back(r.counts, gg);
    const size_t dsg = static_cast<size_t>(g.default_spec) * ng;
    size_t p = 0;
    for (int k = 0; k < nk; ++k)
      for (int jh = 0; jh < nh; ++jh)
        for (int jl = 0; jl < nl; ++jl)
          for (int o = 0; o < no; ++o, ++p) {
            if (g.volatility_low[jl] > g.volatility_high[jh]) continue;  // incoherent: skipped
            Thresholds t;
            t.growth = g.growth[k];
            t.volatility_high = g.volatility_high[jh];
            t.volatility_low = g.volatility_low[jl];
            t.semiconductor_override = g.overrides[o] != 0;
            for (int d = 0; d < nd; ++d) {
              const int gg = detail[d];
              if (r.point_status[dsg + gg] == IndexStatus::kOk) {
                const Classification c = Classify(r.V_point[dsg + gg], r.G_point[dsg + gg], r.groups[gg].semiconductor, t);
                regime[p * nd + d] = static_cast<int32_t>(c.regime);
                cell[p * nd + d] = c.cell();
              }
              if (boot && cum[gg].n > 0) {
                int64_t reg[3];
                cum[gg].Regimes(k, jh, t.semiconductor_override && r.groups[gg].semiconductor, reg);
                for (int q = 0; q < 3; ++q) prob[(p * nd + d) * 3 + q] = static_cast<double>(reg[q]) / cum[gg].n;
              }
            }
          }
    std::vector<hsize_t> d5(dims5, dims5 + 5);
    h5::Handle d = h5::EnsureGroup(sw, "default");
    h5::WriteAttribute(d.id(), "spec", g.specs[g.default_spec].Describe());
    h5::WriteAttribute(d.id(), "dims",
                       "growth x volatility_high x volatility_low x semiconductor_override x detail group "
                       "(default/detail_group: indices into groups/name)");
    h5::WriteAttribute(d.id(), "missing", "-1 / NaN where v_lo > v_hi (skipped) or the index failed");
    h5::WriteInt32s(sw, "default/detail_group", std::vector<int32_t>(detail.begin(), detail.end()));
    h5::WriteInt32s(sw, "default/regime_point", regime, d5, Compressed());
    h5::WriteInt32s(sw, "default/cell_point", cell, d5, Compressed());
    if (boot) {
      std::vector<hsize_t> d6 = d5;
      d6.push_back(3);
      h5::WriteDoubles(sw, "default/regime_probability", prob, d6, Compressed());
      h5::WriteDoubles(sw, "default/V_replicates", r.V_default_cloud, {hg, static_cast<hsize_t>(r.replicates)},
                       Compressed());
      h5::WriteDoubles(sw, "default/G_replicates", r.G_default_cloud, {hg, static_cast<hsize_t>(r.replicates)},
                       Compressed());
      // Cell probabilities at the default thresholds (every group).
      std::vector<double> cp(static_cast<size_t>(ng) * kNumCells, kNaN);
      for (int gg = 0; gg < ng; ++gg) {
        if (cum[gg].n == 0) continue;
        int64_t cells[6];
        cum[gg].Cells(g.default_growth, g.default_volatility_high, g.default_volatility_low, cells);
        for (int q = 0; q < kNumCells; ++q) cp[static_cast<size_t>(gg) * kNumCells + q] = static_cast<double>(cells[q]) / cum[gg].n;
      }
      h5::WriteDoubles(sw, "default/cell_probability", cp, {hg, static_cast<hsize_t>(kNumCells)});
    }
  }
  // Shares over all specifications.
  h5::WriteDoubles(sw, "regime_share_point", r.share_point, {hg, 3});
  if (!r.share_bootstrap.empty()) h5::WriteDoubles(sw, "regime_share_bootstrap", r.share_bootstrap, {hg, 3});
  if (!r.default_regime_probability.empty())
    h5::WriteDoubles(sw, "default/regime_probability_at_default", r.default_regime_probability, {hg, 3});
  // Tipping scans.
  for (const AxisScan& a : r.tipping) {
    const std::string base = "tipping/" + a.axis;
    h5::Handle d = h5::EnsureGroup(sw, base);
    h5::WriteAttribute(d.id(), "default_position", static_cast<int64_t>(a.default_position));
    h5::WriteStrings(sw, base + "/values", a.labels);
    h5::WriteDoubles(sw, base + "/numeric", a.numeric);
    std::vector<int32_t> reg(a.regime.begin(), a.regime.end()), cell(a.cell.begin(), a.cell.end());
    h5::WriteInt32s(sw, base + "/regime", reg, {static_cast<hsize_t>(a.labels.size()), hg});
    h5::WriteInt32s(sw, base + "/cell", cell, {static_cast<hsize_t>(a.labels.size()), hg});
  }
  // Ambiguities.
  if (!r.ambiguities.empty()) {
    std::vector<std::string> names;
    std::vector<int32_t> rd, ra, cd, ca;
    for (const auto& a : r.ambiguities) {
      names.push_back(a.name);
      rd.insert(rd.end(), a.regime_default.begin(), a.regime_default.end());
      ra.insert(ra.end(), a.regime_alternative.begin(), a.regime_alternative.end());
      cd.insert(cd.end(), a.cell_default.begin(), a.cell_default.end());
      ca.insert(ca.end(), a.cell_alternative.begin(), a.cell_alternative.end());
    }
    const hsize_t na = names.size();
    h5::WriteStrings(sw, "ambiguities/name", names);
    h5::WriteInt32s(sw, "ambiguities/regime_default", rd, {na, hg});
    h5::WriteInt32s(sw, "ambiguities/regime_alternative", ra, {na, hg});
    h5::WriteInt32s(sw, "ambiguities/cell_default", cd, {na, hg});
    h5::WriteInt32s(sw, "ambiguities/cell_alternative", ca, {na, hg});
  }
  // Specification curve.
  {
    const auto nsub = SubstitutionCounts(r);
    h5::Handle d = h5::EnsureGroup(sw, "spec_curve");
    h5::WriteAttribute(d.id(), "note",
                       "number of substitution groups per (index spec, growth threshold) at the point estimates; "
                       "it does not depend on v_hi, v_lo or the override; -1 = skipped spec");
    h5::WriteInt32s(sw, "spec_curve/n_substitution", nsub, {hs, static_cast<hsize_t>(g.growth.size())}, Compressed());
  }
  if (r.options.keep_counts && boot) {
    const auto& c = r.counts;
    h5::WriteInt32s(sw, "counts/high", c.high_counts,
                    {hs, hg, static_cast<hsize_t>(c.growth_bins), static_cast<hsize_t>(c.high_bins)}, Compressed());
    h5::WriteInt32s(sw, "counts/low", c.low_counts,
                    {hs, hg, static_cast<hsize_t>(c.growth_bins), static_cast<hsize_t>(c.low_bins)}, Compressed());
  }
  if (!r.V_cloud.empty()) {
    const std::vector<hsize_t> d3 = {hs, hg, static_cast<hsize_t>(r.replicates)};
    h5::WriteDoubles(sw, "clouds/V", r.V_cloud, d3, Compressed());
    h5::WriteDoubles(sw, "clouds/G", r.G_cloud, d3, Compressed());
  }
}

bool HasSweepSection(hid_t file) { return h5::Exists(file, "/sweep"); }

SweepResult ReadSweepSection(hid_t file) {
  if (!HasSweepSection(file)) ThrowUsageError("the file has no /sweep section");
  h5::Handle sw(H5Gopen2(file, "/sweep", H5P_DEFAULT));
  const hid_t id = sw.id();
  SweepResult r;
  const std::string label = "/sweep options_toml";
  const toml::table tbl = ParseTomlText(h5::ReadStringAttribute(id, "options_toml"), label);
  r.options = SweepOptions::FromToml(TomlSection(&tbl, "sweep", label));
  const auto first = YearMonth::Parse(h5::ReadStringAttribute(id, "series_first_month"));
  if (!first) ThrowInputError(label, 0, 0, "bad series_first_month");
  r.series_first = *first;
  r.series_months = static_cast<int>(h5::ReadIntAttribute(id, "series_months"));
  r.grid = BuildSweepGrid(r.options, r.series_first, r.series_months);
  if (r.grid.num_specs() != h5::ReadIntAttribute(id, "num_specs") ||
      r.grid.default_spec != h5::ReadIntAttribute(id, "default_spec"))
    ThrowInputError(label, 0, 0, "the stored options do not rebuild the stored grid");
  r.replicates = static_cast<int>(h5::ReadIntAttribute(id, "replicates"));
  // Groups from groups/name and specifications from the rebuilt grid fix
  // every other dataset's shape (h5::Shape), checked before any indexing.
  const auto names = h5::ReadStrings(id, "groups/name", {h5::kAnyExtent});
  const hsize_t ng = names.size(), ns = static_cast<hsize_t>(r.grid.num_specs());
  const auto semi = h5::ReadUint8s(id, "groups/semiconductor", {ng});
  for (size_t g = 0; g < names.size(); ++g) r.groups.push_back({names[g], semi[g] != 0});
  if (h5::Exists(id, "groups/block_length")) r.block_length = h5::ReadDoubles(id, "groups/block_length", {ng});
  r.V_point = h5::ReadDoubles(id, "V_point", {ns, ng});
  r.G_point = h5::ReadDoubles(id, "G_point", {ns, ng});
  for (uint8_t st : h5::ReadUint8s(id, "point/status", {ns, ng})) r.point_status.push_back(static_cast<IndexStatus>(st));
  r.skipped_specs = h5::ReadIntAttribute(id, "skipped_specs");
  r.skipped_threshold_points = h5::ReadIntAttribute(id, "skipped_threshold_points");
  r.failed_point_estimates = h5::ReadIntAttribute(id, "failed_point_estimates");
  r.failed_replicate_evaluations = h5::ReadIntAttribute(id, "failed_replicate_evaluations");
  r.evaluations = h5::ReadIntAttribute(id, "evaluations");
  for (const char* axis : {"growth", "volatility_high", "volatility_low", "semiconductor_override", "weighting",
                           "window_start", "window_end", "frequency", "base"}) {
    const std::string base = std::string("tipping/") + axis;
    if (!h5::Exists(id, base)) continue;
    AxisScan a;
    a.axis = axis;
    h5::Handle g(H5Gopen2(id, base.c_str(), H5P_DEFAULT));
    a.default_position = static_cast<int>(h5::ReadIntAttribute(g.id(), "default_position"));
    a.labels = h5::ReadStrings(id, base + "/values", {h5::kAnyExtent});
    const hsize_t nv = a.labels.size();
    if (a.default_position < 0 || static_cast<hsize_t>(a.default_position) >= nv)
      ThrowInputError(h5::FileName(id), 0, 0,
                      "/sweep/" + base + ": default_position " + std::to_string(a.default_position) +
                          " is outside its " + std::to_string(nv) + " values");
    a.numeric = h5::ReadDoubles(id, base + "/numeric", {nv});
    for (int64_t v : h5::ReadInt64s(id, base + "/regime", {nv, ng})) a.regime.push_back(static_cast<int8_t>(v));
    for (int64_t v : h5::ReadInt64s(id, base + "/cell", {nv, ng})) a.cell.push_back(static_cast<int8_t>(v));
    r.tipping.push_back(std::move(a));
  }
  if (h5::Exists(id, "ambiguities")) {
    const auto an = h5::ReadStrings(id, "ambiguities/name", {h5::kAnyExtent});
    const h5::Shape shape = {an.size(), ng};
    const auto rd = h5::ReadInt64s(id, "ambiguities/regime_default", shape);
    const auto ra = h5::ReadInt64s(id, "ambiguities/regime_alternative", shape);
    const auto cd = h5::ReadInt64s(id, "ambiguities/cell_default", shape);
    const auto ca = h5::ReadInt64s(id, "ambiguities/cell_alternative", shape);
    for (size_t i = 0; i < an.size(); ++i) {
      Ambiguity a;
      a.name = an[i];
      for (size_t g = 0; g < ng; ++g) {
        a.regime_default.push_back(static_cast<int8_t>(rd[i * ng + g]));
        a.regime_alternative.push_back(static_cast<int8_t>(ra[i * ng + g]));
        a.cell_default.push_back(static_cast<int8_t>(cd[i * ng + g]));
        a.cell_alternative.push_back(static_cast<int8_t>(ca[i * ng + g]));
      }
      r.ambiguities.push_back(std::move(a));
    }
  }
  const h5::Shape per_regime = {ng, kNumRegimes};
  r.share_point = h5::ReadDoubles(id, "regime_share_point", per_regime);
  if (h5::Exists(id, "regime_share_bootstrap"))
    r.share_bootstrap = h5::ReadDoubles(id, "regime_share_bootstrap", per_regime);
  if (h5::Exists(id, "default/regime_probability_at_default"))
    r.default_regime_probability = h5::ReadDoubles(id, "default/regime_probability_at_default", per_regime);
  return r;
}

// ---- Reports ---------------------------------------------------------------------

std::string SweepResult::FullReport() const {
  std::ostringstream o;
  o << ToolVersion() << ": robustness sweep\n";
  o << "  groups                      " << num_groups() << " (" << series_months << " months from "
    << series_first.ToString() << ")\n";
  o << "  threshold axes              g* " << grid.growth.size() << ", v_hi " << grid.volatility_high.size()
    << ", v_lo " << grid.volatility_low.size() << ", override " << grid.overrides.size() << "\n";
  o << "  threshold points            " << grid.num_threshold_points() << " (" << grid.num_coherent_threshold_points()
    << " coherent, " << skipped_threshold_points << " skipped: v_lo > v_hi)\n";
  o << "  index axes                  weightings " << grid.weightings.size() << ", starts " << grid.window_starts.size()
    << ", ends " << grid.window_ends.size() << ", frequencies " << grid.frequencies.size() << ", bases "
    << grid.bases.size() << "\n";
  o << "  index specifications        " << num_specs() << " (" << num_specs() - skipped_specs << " coherent, "
    << skipped_specs << " skipped: window too short or not whole periods)\n";
  o << "  default                     " << grid.specs[grid.default_spec].Describe() << "; g* "
    << options.default_thresholds.growth << ", v_hi " << options.default_thresholds.volatility_high << ", v_lo "
    << options.default_thresholds.volatility_low << ", override "
    << (options.default_thresholds.semiconductor_override ? "on" : "off") << "\n";
  if (!grid.defaults_added.empty()) {
    o << "  defaults added to axes      ";
    for (const auto& a : grid.defaults_added) o << a << ' ';
    o << "\n";
  }
  o << "  replicates given / used     " << options.replicates << " / " << replicates << " (scheme "
    << bootstrap::ToString(options.resampler.scheme) << ", blocks " << bootstrap::ToString(options.resampler.blocks)
    << ", block length " << (options.resampler.block_length > 0 ? Fmt(options.resampler.block_length) : "auto")
    << ", seed " << options.seed << ")\n";
  if (!block_length.empty() && replicates > 0) {
    double lo = block_length[0], hi = block_length[0];
    for (double b : block_length) lo = std::min(lo, b), hi = std::max(hi, b);
    o << "  block length used           " << Fmt(lo) << " .. " << Fmt(hi) << " months\n";
  }
  o << "  failed point estimates      " << failed_point_estimates << "\n";
  o << "  failed replicate evaluations " << failed_replicate_evaluations << "\n";
  o << "  index evaluations           " << evaluations << " (spec x group x replicate)\n";
  o << "  classifications answered    " << Fmt(classifications(), 6) << "\n";
  o << "  threads given / used        " << options.threads << " / " << threads_used << "\n";
  o << "  time                        " << Fmt(seconds, 4) << " s";
  if (seconds > 0 && evaluations > 0) o << " (" << Fmt(classifications() / seconds, 4) << " classifications/s)";
  o << "\n";
  return o.str();
}

namespace {

const char* AxisWords(const std::string& axis) {
  if (axis == "growth") return "g*";
  if (axis == "volatility_high") return "v_hi";
  if (axis == "volatility_low") return "v_lo";
  if (axis == "semiconductor_override") return "the semiconductor override is";
  if (axis == "weighting") return "weighting";
  if (axis == "window_start") return "the window starts";
  if (axis == "window_end") return "the window ends";
  if (axis == "frequency") return "frequency";
  if (axis == "base") return "base";
  return axis.c_str();
}

}  // namespace

std::string FormatSweepReport(const SweepResult& r) {
  const SweepGrid& g = r.grid;
  const int ng = r.num_groups();
  const int dspec = g.default_spec;
  const Thresholds& dt = r.options.default_thresholds;
  std::ostringstream o;
  o << "## Robustness sweep\n\n";
  o << "Default specification: " << g.specs[dspec].Describe() << ", g* = " << dt.growth << ", v_hi = "
    << dt.volatility_high << ", v_lo = " << dt.volatility_low << ", semiconductor override "
    << (dt.semiconductor_override ? "on" : "off") << ". The grid holds " << r.num_specs() - r.skipped_specs
    << " index specifications (" << r.skipped_specs << " incoherent ones skipped) x "
    << g.num_coherent_threshold_points() << " threshold points (" << r.skipped_threshold_points
    << " with v_lo > v_hi skipped)";
  if (r.replicates > 0)
    o << ", each with " << r.replicates << " " << bootstrap::ToString(r.options.resampler.scheme) << "-bootstrap replicates";
  o << ".\n\n";

  // Default regime and stability.
  const auto& share = r.share_point;
  const auto& share_boot = r.share_bootstrap;
  std::vector<double> p_default(ng, kNaN);
  if (!r.default_regime_probability.empty()) {
    for (int gg = 0; gg < ng; ++gg) {
      const int pr = r.PointRegime(dspec, gg, dt);
      if (pr >= 0) p_default[gg] = r.default_regime_probability[static_cast<size_t>(gg) * 3 + pr];
    }
  }
  o << "### Default regime and its stability across the whole grid\n\n";
  o << "Stability = share of all (index specification x threshold point) choices giving the default regime";
  if (!share_boot.empty()) o << "; 'bootstrap' averages the replicate regime shares";
  o << ".\n\n";
  const bool boot = !r.default_regime_probability.empty();
  o << "| group | V | G | default regime |" << (boot ? " P(default regime) |" : "")
    << " stability | stockpiling | no_effect | substitution |" << (boot ? " stability (bootstrap) |" : "") << "\n";
  o << "|---|---|---|---|---|---|---|---|" << (boot ? "---|---|" : "") << "\n";
  for (int gg = 0; gg < ng; ++gg) {
    const size_t sg = static_cast<size_t>(dspec) * ng + gg;
    const int pr = r.PointRegime(dspec, gg, dt);
    o << "| " << r.groups[gg].name << (r.groups[gg].semiconductor ? " (semi)" : "") << " | " << Fmt(r.V_point[sg], 3)
      << " | " << Fmt(r.G_point[sg], 3) << " | " << RegimeName(pr) << " |";
    if (boot) o << " " << Percent(p_default[gg]) << " |";
    o << " " << (pr >= 0 ? Percent(share[gg * 3 + pr]) : "n/a") << " | " << Percent(share[gg * 3 + 0]) << " | "
      << Percent(share[gg * 3 + 1]) << " | " << Percent(share[gg * 3 + 2]) << " |";
    if (boot) o << " " << (pr >= 0 && !share_boot.empty() ? Percent(share_boot[gg * 3 + pr]) : "n/a") << " |";
    o << "\n";
  }
  o << "\n";

  // Nearest tipping points.
  o << "### Nearest tipping points (one choice moved, every other at its default)\n\n";
  for (int gg = 0; gg < ng; ++gg) {
    const size_t sg = static_cast<size_t>(dspec) * ng + gg;
    const int pr = r.PointRegime(dspec, gg, dt);
    const std::string& name = r.groups[gg].name;
    if (pr < 0) {
      o << "- **" << name << "**: no default regime (" << ToString(r.point_status[sg]) << ").\n";
      continue;
    }
    std::vector<std::string> phrases, stable;
    for (const AxisScan& a : r.tipping) {
      const int nv = static_cast<int>(a.labels.size());
      auto reg = [&](int i) { return static_cast<int>(a.regime[static_cast<size_t>(i) * ng + gg]); };
      const bool numeric = !a.numeric.empty() && !std::isnan(a.numeric[0]);
      std::vector<std::string> parts;
      if (numeric) {
        int up = -1, down = -1;
        for (int i = a.default_position + 1; i < nv && up < 0; ++i)
          if (reg(i) >= 0 && reg(i) != pr) up = i;
        for (int i = a.default_position - 1; i >= 0 && down < 0; --i)
          if (reg(i) >= 0 && reg(i) != pr) down = i;
        std::string exact;
        if (a.axis == "growth") exact = "; exact boundary g* = G = " + Fmt(r.G_point[sg], 4);
        if (a.axis == "volatility_high") exact = "; exact boundary v_hi = V = " + Fmt(r.V_point[sg], 4);
        if (down >= 0)
          parts.push_back("when " + std::string(AxisWords(a.axis)) + " <= " + a.labels[down] + " (becomes " +
                          RegimeName(reg(down)) + exact + ")");
        if (up >= 0)
          parts.push_back("when " + std::string(AxisWords(a.axis)) + " >= " + a.labels[up] + " (becomes " +
                          RegimeName(reg(up)) + exact + ")");
      } else {
        std::map<int, std::vector<std::string>> by_regime;
        for (int i = 0; i < nv; ++i)
          if (i != a.default_position && reg(i) >= 0 && reg(i) != pr) by_regime[reg(i)].push_back(a.labels[i]);
        for (const auto& [rg, labels] : by_regime) {
          std::string l;
          for (const auto& x : labels) l += (l.empty() ? "" : ", ") + x;
          parts.push_back("when " + std::string(AxisWords(a.axis)) + " " + l + " (becomes " + RegimeName(rg) + ")");
        }
      }
      if (parts.empty()) {
        stable.push_back(a.axis);
      } else {
        std::string p;
        for (const auto& x : parts) p += (p.empty() ? "" : " or ") + x;
        phrases.push_back(p);
      }
    }
    o << "- **" << name << "** (" << RegimeName(pr) << "): ";
    if (phrases.empty()) {
      o << "stays " << RegimeName(pr) << " along every axis.\n";
      continue;
    }
    o << "leaves " << RegimeName(pr) << " ";
    for (size_t i = 0; i < phrases.size(); ++i) o << (i ? "; " : "") << phrases[i];
    o << ".";
    if (!stable.empty()) {
      o << " Unmoved by: ";
      for (size_t i = 0; i < stable.size(); ++i) o << (i ? ", " : "") << stable[i];
      o << ".";
    }
    o << "\n";
  }
  o << "\n";

  // Ambiguities.
  o << "### The talk's own ambiguities\n\n";
  o << "| choice | groups whose regime flips | groups whose cell changes, regime kept |\n|---|---|---|\n";
  for (const Ambiguity& a : r.ambiguities) {
    std::string flips, cells;
    for (int gg = 0; gg < ng; ++gg) {
      if (a.regime_default[gg] != a.regime_alternative[gg]) {
        flips += (flips.empty() ? "" : ", ") + r.groups[gg].name + " (" + RegimeName(a.regime_default[gg]) + " -> " +
                 RegimeName(a.regime_alternative[gg]) + ")";
      } else if (a.cell_default[gg] != a.cell_alternative[gg] && a.cell_default[gg] >= 0 && a.cell_alternative[gg] >= 0) {
        cells += (cells.empty() ? "" : ", ") + r.groups[gg].name + " (" + CellName(a.cell_default[gg]) + " -> " +
                 CellName(a.cell_alternative[gg]) + ")";
      }
    }
    o << "| " << a.name << " | " << (flips.empty() ? "none" : flips) << " | " << (cells.empty() ? "none" : cells)
      << " |\n";
  }
  o << "\nv_lo separates medium from low volatility only; no regime depends on it, so it can move cells but never "
       "regimes.\n\n";

  // Specification curve.
  o << "### Specification curve\n\n";
  o << "Specifications (index specification x threshold point) grouped by the number of groups classified as "
       "substitution at the point estimates; that number depends on the index specification and g* only. "
       "Per axis: the value producing the row most often, its share of the row, and how many of the axis values occur.\n\n";
  const auto nsub = SubstitutionCounts(r);
  const int nk = static_cast<int>(g.growth.size());
  const double per_growth = static_cast<double>(g.num_coherent_threshold_points()) / std::max(1, nk);
  // Per row: how often each axis value produces it (weighted by threshold points).
  struct Row {
    double count = 0;
    double gmin = 1e300, gmax = -1e300;
    std::map<int, double> w, f, b, st, en;
  };
  std::map<int, Row> rows;
  double total = 0;
  for (int s = 0; s < r.num_specs(); ++s) {
    if (g.spec_status[s] != IndexStatus::kOk) continue;
    const auto ax = g.AxesOf(s);
    for (int k = 0; k < nk; ++k) {
      const int n = nsub[static_cast<size_t>(s) * nk + k];
      Row& row = rows[n];
      row.count += per_growth;
      total += per_growth;
      row.gmin = std::min(row.gmin, g.growth[k]);
      row.gmax = std::max(row.gmax, g.growth[k]);
      row.w[ax.weighting] += per_growth;
      row.f[ax.frequency] += per_growth;
      row.b[ax.base] += per_growth;
      row.st[ax.start] += per_growth;
      row.en[ax.end] += per_growth;
    }
  }
  int default_n = 0;
  for (int gg = 0; gg < ng; ++gg) {
    const size_t sg = static_cast<size_t>(dspec) * ng + gg;
    if (r.point_status[sg] == IndexStatus::kOk && !(r.G_point[sg] > dt.growth)) ++default_n;
  }
  // "annual" when one value produces the row, else the most frequent value,
  // its share of the row and how many values occur ("annual 61% of 3").
  auto choices = [](const std::map<int, double>& m, double row_count, auto&& label) {
    if (m.size() == 1) return label(m.begin()->first);
    auto best = m.begin();
    for (auto it = m.begin(); it != m.end(); ++it)
      if (it->second > best->second) best = it;
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * best->second / row_count);
    return label(best->first) + " " + pct + " of " + std::to_string(m.size());
  };
  o << "| substitution groups | specifications | share | g* range | weighting | frequency | base | window start | "
       "window end |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& [n, row] : rows) {
    o << "| " << n << (n == default_n ? " (default)" : "") << " | " << Fmt(row.count, 10) << " | "
      << Percent(row.count / total) << " | " << Fmt(row.gmin, 4) << " .. " << Fmt(row.gmax, 4) << " | "
      << choices(row.w, row.count, [&](int i) { return g.weightings[i].ToString(); }) << " | "
      << choices(row.f, row.count, [&](int i) { return std::string(ToString(g.frequencies[i])); }) << " | "
      << choices(row.b, row.count, [&](int i) { return std::string(ToString(g.bases[i])); }) << " | "
      << choices(row.st, row.count, [&](int i) { return g.window_starts[i].ToString(); }) << " | "
      << choices(row.en, row.count, [&](int i) { return g.window_ends[i].ToString(); }) << " |\n";
  }
  o << "\n";
  return o.str();
}

}  // namespace chokepoint::robustness
