#include "chokepoint/bootstrap/bootstrap_io.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"

namespace chokepoint::bootstrap {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Num(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string Fixed(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string BlockRule(const BootstrapOptions& o) {
  if (o.resampler.scheme == Scheme::kSieve) return "sieve: i.i.d. AR innovations (block length 1)";
  if (o.resampler.block_length == 0.0)
    return "auto: Politis-White (2004) with Patton-Politis-White (2009) correction, np::b.star constants, "
           "selected on the resampled object";
  return "fixed: " + Num(o.resampler.block_length);
}

void WriteColumns(hid_t loc, const std::string& path, const std::string& columns) {
  h5::Handle d(H5Dopen2(loc, path.c_str(), H5P_DEFAULT));
  h5::WriteAttribute(d.id(), "columns", columns);
}

}  // namespace

void WriteBootstrapSection(hid_t file, const BootstrapResult& r) {
  h5::Handle g = h5::EnsureGroup(file, "/bootstrap");
  const hid_t b = g.id();
  const BootstrapOptions& o = r.options;
  h5::WriteAttribute(b, "scheme", ToString(o.resampler.scheme));
  h5::WriteAttribute(b, "block_method", ToString(o.resampler.blocks));
  h5::WriteAttribute(b, "block_length_rule", BlockRule(o));
  h5::WriteAttribute(b, "block_length_given", o.resampler.block_length);
  h5::WriteAttribute(b, "replicates", static_cast<int64_t>(r.replicates));
  h5::WriteAttribute(b, "seed", static_cast<int64_t>(o.seed));
  h5::WriteAttribute(b, "level", o.level);
  h5::WriteAttribute(b, "threads_given", static_cast<int64_t>(o.threads));
  h5::WriteAttribute(b, "threads_used", static_cast<int64_t>(r.threads_used));
  h5::WriteAttribute(b, "index_spec", r.spec.Describe());
  h5::WriteAttribute(b, "report_interval", ToString(o.report_interval));
  h5::WriteAttribute(b, "stream_keying", "Philox4x32-10 RandomStream(seed, group index, replicate)");
  h5::WriteAttribute(b, "seconds", r.seconds);

  const int n = r.num_groups();
  const hsize_t gn = static_cast<hsize_t>(n);
  std::vector<std::string> names, notes, regimes, components;
  std::vector<int32_t> ids;
  std::vector<uint8_t> ok;
  std::vector<double> vp, gp, vm, vs, gm, gs, va, ga, vz, gz, bl, stab, valid;
  std::vector<double> regime_p, cell_p;
  std::vector<std::vector<double>> intervals(kNumIntervalMethods);
  for (const GroupBootstrap& x : r.groups) {
    names.push_back(x.name);
    notes.push_back(x.note);
    components.push_back(x.fitted_component);
    regimes.push_back(x.ok ? std::string(ToString(x.point_regime)) : std::string());
    ids.push_back(x.group_id);
    ok.push_back(x.ok ? 1 : 0);
    auto val = [&](double v) { return x.ok ? v : kNaN; };
    vp.push_back(val(x.V.point));
    gp.push_back(val(x.G.point));
    vm.push_back(val(x.V.mean));
    vs.push_back(val(x.V.sd));
    gm.push_back(val(x.G.mean));
    gs.push_back(val(x.G.sd));
    va.push_back(val(x.V.intervals.acceleration));
    ga.push_back(val(x.G.intervals.acceleration));
    vz.push_back(val(x.V.intervals.z0));
    gz.push_back(val(x.G.intervals.z0));
    bl.push_back(val(x.block_length_used));
    stab.push_back(val(x.regime_stability));
    valid.push_back(x.valid_replicates);
    for (int k = 0; k < kNumRegimes; ++k) regime_p.push_back(val(x.regime_probability[k]));
    for (int k = 0; k < kNumCells; ++k) cell_p.push_back(val(x.cell_probability[k]));
    for (int m = 0; m < kNumIntervalMethods; ++m) {
      const Interval& iv = x.V.intervals.by_method[m];
      const Interval& ig = x.G.intervals.by_method[m];
      const bool v_ok = x.ok && iv.ok, g_ok = x.ok && ig.ok;
      intervals[m].insert(intervals[m].end(), {v_ok ? iv.lower : kNaN, v_ok ? iv.upper : kNaN,
                                               g_ok ? ig.lower : kNaN, g_ok ? ig.upper : kNaN});
    }
  }
  h5::WriteStrings(b, "group_names", names);
  h5::WriteInt32s(b, "group_ids", ids);
  h5::WriteUint8s(b, "ok", ok);
  h5::WriteStrings(b, "note", notes);
  h5::WriteStrings(b, "fitted_component", components);
  h5::WriteStrings(b, "point_regime", regimes);
  h5::WriteDoubles(b, "V_point", vp);
  h5::WriteDoubles(b, "G_point", gp);
  h5::WriteDoubles(b, "V_mean", vm);
  h5::WriteDoubles(b, "V_sd", vs);
  h5::WriteDoubles(b, "G_mean", gm);
  h5::WriteDoubles(b, "G_sd", gs);
  h5::WriteDoubles(b, "V_acceleration", va);
  h5::WriteDoubles(b, "G_acceleration", ga);
  h5::WriteDoubles(b, "V_z0", vz);
  h5::WriteDoubles(b, "G_z0", gz);
  h5::WriteDoubles(b, "block_length", bl);
  h5::WriteDoubles(b, "regime_stability", stab);
  h5::WriteDoubles(b, "valid_replicates", valid);
  h5::WriteDoubles(b, "regime_probability", regime_p, {gn, static_cast<hsize_t>(kNumRegimes)});
  WriteColumns(b, "regime_probability", "stockpiling,no_effect,substitution");
  h5::WriteDoubles(b, "cell_probability", cell_p, {gn, static_cast<hsize_t>(kNumCells)});
  std::string cells;
  for (int k = 0; k < kNumCells; ++k) {
    if (k) cells += ',';
    cells += CellName(k);
  }
  WriteColumns(b, "cell_probability", cells);
  h5::EnsureGroup(b, "intervals");
  for (int m = 0; m < kNumIntervalMethods; ++m) {
    const std::string path = "intervals/" + std::string(ToString(static_cast<IntervalMethod>(m)));
    h5::WriteDoubles(b, path, intervals[m], {gn, 4});
    WriteColumns(b, path, "V_lower,V_upper,G_lower,G_upper");
  }
  bool any_trend = false;
  for (const GroupBootstrap& x : r.groups) any_trend = any_trend || x.G_trend.has_value();
  if (any_trend) {
    // G of the fitted trend path: point, mean, sd, and per method lower/upper.
    std::vector<double> tp, tm, tsd, tiv;
    for (const GroupBootstrap& x : r.groups) {
      const bool has = x.ok && x.G_trend.has_value();
      tp.push_back(has ? x.G_trend->point : kNaN);
      tm.push_back(has ? x.G_trend->mean : kNaN);
      tsd.push_back(has ? x.G_trend->sd : kNaN);
      for (int m = 0; m < kNumIntervalMethods; ++m) {
        const bool ok = has && x.G_trend->intervals.by_method[m].ok;
        tiv.push_back(ok ? x.G_trend->intervals.by_method[m].lower : kNaN);
        tiv.push_back(ok ? x.G_trend->intervals.by_method[m].upper : kNaN);
      }
    }
    h5::WriteDoubles(b, "G_trend_point", tp);
    h5::WriteDoubles(b, "G_trend_mean", tm);
    h5::WriteDoubles(b, "G_trend_sd", tsd);
    h5::WriteDoubles(b, "G_trend_intervals", tiv, {gn, 2 * kNumIntervalMethods});
    WriteColumns(b, "G_trend_intervals",
                 "percentile_lower,percentile_upper,basic_lower,basic_upper,normal_lower,normal_upper,bca_lower,bca_upper");
    if (r.replicates_kept && !r.G_trend_replicates.empty()) {
      h5::WriteOptions wo;
      wo.compress = true;
      wo.chunk = {1, static_cast<hsize_t>(r.replicates)};
      h5::WriteDoubles(b, "G_trend_replicates", r.G_trend_replicates, {gn, static_cast<hsize_t>(r.replicates)}, wo);
    }
  }
  if (r.replicates_kept && n > 0) {
    h5::WriteOptions wo;
    wo.compress = true;
    wo.chunk = {1, static_cast<hsize_t>(r.replicates)};
    const std::vector<hsize_t> dims = {gn, static_cast<hsize_t>(r.replicates)};
    h5::WriteDoubles(b, "V_replicates", r.V_replicates, dims, wo);
    h5::WriteDoubles(b, "G_replicates", r.G_replicates, dims, wo);
  }
}

BootstrapResult ReadBootstrapSection(hid_t file) {
  if (!h5::Exists(file, "/bootstrap")) ThrowInputError("run file", 0, 0, "no /bootstrap group");
  h5::Handle g = h5::EnsureGroup(file, "/bootstrap");
  const hid_t b = g.id();
  BootstrapResult r;
  BootstrapOptions& o = r.options;
  if (auto s = SchemeFromString(h5::ReadStringAttribute(b, "scheme"))) o.resampler.scheme = *s;
  if (auto s = BlockMethodFromString(h5::ReadStringAttribute(b, "block_method"))) o.resampler.blocks = *s;
  o.resampler.block_length = h5::ReadDoubleAttribute(b, "block_length_given");
  r.replicates = static_cast<int>(h5::ReadIntAttribute(b, "replicates"));
  o.replicates = r.replicates;
  o.seed = static_cast<uint64_t>(h5::ReadIntAttribute(b, "seed"));
  o.level = h5::ReadDoubleAttribute(b, "level");
  o.threads = static_cast<int>(h5::ReadIntAttribute(b, "threads_given"));
  r.threads_used = static_cast<int>(h5::ReadIntAttribute(b, "threads_used"));
  if (auto m = IntervalMethodFromString(h5::ReadStringAttribute(b, "report_interval"))) o.report_interval = *m;
  r.seconds = h5::ReadDoubleAttribute(b, "seconds");

  const auto names = h5::ReadStrings(b, "group_names");
  const auto notes = h5::ReadStrings(b, "note");
  // Absent in run files written before the episodes were recorded.
  const auto components = h5::Exists(b, "fitted_component") ? h5::ReadStrings(b, "fitted_component")
                                                              : std::vector<std::string>();
  const auto regimes = h5::ReadStrings(b, "point_regime");
  const auto ids = h5::ReadInt64s(b, "group_ids");
  const auto ok = h5::ReadUint8s(b, "ok");
  const auto vp = h5::ReadDoubles(b, "V_point"), gp = h5::ReadDoubles(b, "G_point");
  const auto vm = h5::ReadDoubles(b, "V_mean"), vs = h5::ReadDoubles(b, "V_sd");
  const auto gm = h5::ReadDoubles(b, "G_mean"), gs = h5::ReadDoubles(b, "G_sd");
  const auto va = h5::ReadDoubles(b, "V_acceleration"), ga = h5::ReadDoubles(b, "G_acceleration");
  const auto vz = h5::ReadDoubles(b, "V_z0"), gz = h5::ReadDoubles(b, "G_z0");
  const auto bl = h5::ReadDoubles(b, "block_length"), stab = h5::ReadDoubles(b, "regime_stability");
  const auto valid = h5::ReadDoubles(b, "valid_replicates");
  const auto rp = h5::ReadDoubles(b, "regime_probability"), cp = h5::ReadDoubles(b, "cell_probability");
  std::vector<std::vector<double>> iv(kNumIntervalMethods);
  for (int m = 0; m < kNumIntervalMethods; ++m)
    iv[m] = h5::ReadDoubles(b, "intervals/" + std::string(ToString(static_cast<IntervalMethod>(m))));
  const size_t n = names.size();
  r.groups.resize(n);
  for (size_t i = 0; i < n; ++i) {
    GroupBootstrap& x = r.groups[i];
    x.name = names[i];
    x.note = notes[i];
    if (i < components.size()) x.fitted_component = components[i];
    x.group_id = static_cast<int>(ids[i]);
    x.ok = ok[i] != 0;
    if (auto reg = RegimeFromString(regimes[i])) x.point_regime = *reg;
    x.V.point = vp[i];
    x.G.point = gp[i];
    x.V.mean = vm[i];
    x.V.sd = vs[i];
    x.G.mean = gm[i];
    x.G.sd = gs[i];
    x.V.intervals.acceleration = va[i];
    x.G.intervals.acceleration = ga[i];
    x.V.intervals.z0 = vz[i];
    x.G.intervals.z0 = gz[i];
    x.block_length_used = bl[i];
    x.regime_stability = stab[i];
    x.valid_replicates = static_cast<int>(valid[i]);
    for (int k = 0; k < kNumRegimes; ++k) x.regime_probability[k] = rp[i * kNumRegimes + k];
    for (int k = 0; k < kNumCells; ++k) x.cell_probability[k] = cp[i * kNumCells + k];
    for (int m = 0; m < kNumIntervalMethods; ++m) {
      const double* row = &iv[m][i * 4];
      Interval& v = x.V.intervals.by_method[m];
      Interval& gg = x.G.intervals.by_method[m];
      v = {row[0], row[1], std::isfinite(row[0]) && std::isfinite(row[1]), ""};
      gg = {row[2], row[3], std::isfinite(row[2]) && std::isfinite(row[3]), ""};
      if (!v.ok) v.note = "failed";
      if (!gg.ok) gg.note = "failed";
    }
  }
  if (h5::Exists(b, "V_replicates")) {
    r.replicates_kept = true;
    r.V_replicates = h5::ReadDoubles(b, "V_replicates");
    r.G_replicates = h5::ReadDoubles(b, "G_replicates");
  }
  return r;
}

std::string FormatBootstrapReport(const BootstrapResult& r) {
  std::ostringstream out;
  const IntervalMethod m = r.options.report_interval;
  const int pct = static_cast<int>(std::lround(r.options.level * 100));
  out << "Bootstrap: " << ToString(r.options.resampler.scheme) << " scheme, "
      << ToString(r.options.resampler.blocks) << " blocks, " << r.replicates << " replicates, " << pct << "% "
      << ToString(m) << " intervals, seed " << r.options.seed << ".\n\n";
  out << "| group | V [" << pct << "% " << ToString(m) << "] | G [" << pct << "% " << ToString(m)
      << "] | P(stockpiling) | P(no_effect) | P(substitution) |\n";
  out << "|---|---|---|---|---|---|\n";
  auto cell = [&](const StatisticSummary& s) {
    const Interval& iv = s.intervals[m];
    std::string t = Fixed(s.point, 3) + " [";
    t += iv.ok ? Fixed(iv.lower, 3) + ", " + Fixed(iv.upper, 3) : std::string("failed");
    return t + "]";
  };
  for (const GroupBootstrap& g : r.groups) {
    out << "| " << g.name << " | ";
    if (!g.ok) {
      out << "not bootstrapped: " << g.note << " | | | | |\n";
      continue;
    }
    out << cell(g.V) << " | " << cell(g.G) << " | " << Fixed(g.regime_probability[0], 3) << " | "
        << Fixed(g.regime_probability[1], 3) << " | " << Fixed(g.regime_probability[2], 3) << " |\n";
  }
  std::string kept;
  for (const GroupBootstrap& g : r.groups)
    if (!g.fitted_component.empty() && g.fitted_component != "none") {
      if (!kept.empty()) kept += "; ";
      kept += g.name;
      kept += ": ";
      kept += g.fitted_component;
    }
  if (!kept.empty())
    out << "\nKept in the fitted path besides trend and month effects (episodes from the models stage): " << kept
        << ".\n";
  return out.str();
}

std::string FormatSeriesJson(const BootstrapResult& r, int group) {
  const GroupBootstrap& g = r.groups.at(static_cast<size_t>(group));
  std::ostringstream out;
  auto stat = [&](const StatisticSummary& s) {
    std::ostringstream t;
    t << "{\"point\": " << Num(s.point) << ", \"mean\": " << Num(s.mean) << ", \"sd\": " << Num(s.sd)
      << ", \"z0\": " << Num(s.intervals.z0) << ", \"acceleration\": " << Num(s.intervals.acceleration)
      << ", \"intervals\": {";
    for (int m = 0; m < kNumIntervalMethods; ++m) {
      const Interval& iv = s.intervals.by_method[m];
      if (m) t << ", ";
      t << '"' << ToString(static_cast<IntervalMethod>(m)) << "\": ";
      if (iv.ok) t << '[' << Num(iv.lower) << ", " << Num(iv.upper) << ']';
      else t << "null";
    }
    t << "}}";
    return t.str();
  };
  out << "{\"n\": " << g.num_months;
  out << ", \"scheme\": \"" << ToString(r.options.resampler.scheme) << "\", \"blocks\": \""
      << ToString(r.options.resampler.blocks) << "\", \"block_length\": " << Num(g.block_length_used)
      << ", \"block_length_given\": "
      << (r.options.resampler.block_length == 0.0 ? std::string("\"auto\"") : Num(r.options.resampler.block_length))
      << ", \"replicates\": " << r.replicates << ", \"seed\": " << r.options.seed << ", \"level\": "
      << Num(r.options.level) << ", \"threads\": " << r.threads_used << ", \"ok\": " << (g.ok ? "true" : "false");
  if (!g.ok) out << ", \"note\": \"" << g.note << "\"";
  if (g.ok) {
    out << ", \"V\": " << stat(g.V) << ", \"G\": " << stat(g.G);
    if (g.G_trend) out << ", \"G_trend\": " << stat(*g.G_trend);
    out << ", \"regime_probability\": {\"stockpiling\": "
        << Num(g.regime_probability[0]) << ", \"no_effect\": " << Num(g.regime_probability[1])
        << ", \"substitution\": " << Num(g.regime_probability[2]) << "}";
  }
  out << "}\n";
  return out.str();
}

std::string FormatBlockLengthJson(const BlockLengthSelection& s) {
  std::ostringstream out;
  out << "{\"n\": " << s.n << ", \"stationary\": " << Num(s.stationary) << ", \"circular\": " << Num(s.circular)
      << ", \"stationary_uncapped\": " << Num(s.stationary_uncapped)
      << ", \"circular_uncapped\": " << Num(s.circular_uncapped) << ", \"c\": " << Num(s.c) << ", \"K_N\": " << s.kn
      << ", \"mmax\": " << s.mmax << ", \"critical_value\": " << Num(s.critical_value) << ", \"m_hat\": " << s.mhat
      << ", \"M\": " << s.M << ", \"Bmax\": " << Num(s.bmax) << ", \"G_hat\": " << Num(s.g_hat)
      << ", \"g0\": " << Num(s.spectrum_zero) << ", \"degenerate\": " << (s.degenerate ? "true" : "false")
      << ", \"rule\": \"Politis-White 2004 + Patton-Politis-White 2009, np::b.star constants, unrounded\"}\n";
  return out.str();
}

}  // namespace chokepoint::bootstrap
