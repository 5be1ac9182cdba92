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

// A JSON string literal.
std::string JsonText(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
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


constexpr int kNumEstimandMethods = 3;

// /bootstrap/estimands/<observed|signal>/: per group the point, median, sd
// and every interval type of V and G, the calibrated level, the regime
// probabilities of the estimand's replicates; /bootstrap/schemes/ and
// /bootstrap/base_sensitivity/ (docs/method.md §5.13-5.15).
void WriteEstimands(hid_t b, const BootstrapResult& r) {
  const int n = r.num_groups();
  const hsize_t gn = static_cast<hsize_t>(n);
  const EstimandMethod method = DefaultEstimandMethod(r.options);
  h5::WriteAttribute(b, "default_estimand", ToString(r.options.estimand));
  h5::WriteAttribute(b, "default_estimand_method", ToString(method));
  h5::WriteAttribute(b, "calibrate", static_cast<int64_t>(r.options.calibrate ? 1 : 0));
  h5::WriteAttribute(b, "calibration_outer", static_cast<int64_t>(r.options.calibration_outer));
  h5::WriteAttribute(b, "calibration_inner", static_cast<int64_t>(r.options.calibration_inner));
  h5::Handle eg = h5::EnsureGroup(b, "estimands");
  for (int e = 0; e < kNumEstimands; ++e) {
    h5::Handle sub = h5::EnsureGroup(eg.id(), ToString(static_cast<Estimand>(e)));
    const hid_t s = sub.id();
    h5::WriteAttribute(s, "default_method", ToString(method));
    std::vector<uint8_t> ok;
    std::vector<std::string> notes, regimes;
    std::vector<double> probs;
    for (const GroupBootstrap& x : r.groups) {
      const auto& er = x.estimands[e];
      const bool good = x.ok && er.ok;
      ok.push_back(good ? 1 : 0);
      notes.push_back(x.ok ? er.note : x.note);
      regimes.push_back(good ? std::string(ToString(er.point_regime)) : std::string());
      for (int k = 0; k < kNumRegimes; ++k) probs.push_back(good ? er.regime_probability[k] : kNaN);
    }
    h5::WriteUint8s(s, "ok", ok);
    h5::WriteStrings(s, "note", notes);
    h5::WriteStrings(s, "point_regime", regimes);
    h5::WriteDoubles(s, "regime_probability", probs, {gn, static_cast<hsize_t>(kNumRegimes)});
    WriteColumns(s, "regime_probability", "stockpiling,no_effect,substitution");
    for (int index = 0; index < 2; ++index) {
      const std::string stat = index == 0 ? "V" : "G";
      std::vector<double> point, estimator, median, sd, calibrated;
      std::vector<std::vector<double>> intervals(kNumEstimandMethods);
      for (const GroupBootstrap& x : r.groups) {
        const auto& er = x.estimands[e];
        const EstimandSummary& es = index == 0 ? er.V : er.G;
        const bool good = x.ok && er.ok;
        point.push_back(good ? es.point : kNaN);
        estimator.push_back(good ? es.estimator : kNaN);
        median.push_back(good ? es.median : kNaN);
        sd.push_back(good ? es.sd : kNaN);
        calibrated.push_back(good ? es.calibrated_level : kNaN);
        for (int m = 0; m < kNumEstimandMethods; ++m) {
          const Interval& iv = es.by_method[m];
          intervals[m].push_back(good && iv.ok ? iv.lower : kNaN);
          intervals[m].push_back(good && iv.ok ? iv.upper : kNaN);
        }
      }
      h5::WriteDoubles(s, stat + "_point", point);
      h5::WriteDoubles(s, stat + "_estimator", estimator);
      h5::WriteDoubles(s, stat + "_median", median);
      h5::WriteDoubles(s, stat + "_sd", sd);
      h5::WriteDoubles(s, stat + "_calibrated_level", calibrated);
      for (int m = 0; m < kNumEstimandMethods; ++m) {
        const std::string path = stat + "_" + std::string(ToString(static_cast<EstimandMethod>(m)));
        h5::WriteDoubles(s, path, intervals[m], {gn, 2});
        WriteColumns(s, path, "lower,upper");
      }
    }
  }
  if (r.options.scheme_diagnostics) {
    h5::Handle sg = h5::EnsureGroup(b, "schemes");
    const hid_t s = sg.id();
    std::vector<std::string> schemes;
    for (int k = 0; k < kNumSchemes; ++k) schemes.push_back(std::string(ToString(static_cast<Scheme>(k))));
    h5::WriteStrings(s, "scheme", schemes);
    h5::WriteAttribute(s, "replicates", static_cast<int64_t>(r.options.diagnostic_replicates));
    h5::WriteAttribute(s, "disagreement_threshold", r.options.scheme_disagreement_threshold);
    h5::WriteAttribute(s, "estimand", "observed");
    std::vector<double> probs, spread;
    std::vector<uint8_t> ok, disagree;
    for (const GroupBootstrap& x : r.groups) {
      for (int k = 0; k < kNumSchemes; ++k) {
        const auto& d = x.scheme_diagnostics[k];
        ok.push_back(d.ok ? 1 : 0);
        for (int j = 0; j < kNumRegimes; ++j) probs.push_back(d.ok ? d.regime_probability[j] : kNaN);
      }
      spread.push_back(x.scheme_spread);
      disagree.push_back(x.scheme_disagreement ? 1 : 0);
    }
    h5::WriteDoubles(s, "regime_probability", probs,
                     {gn, static_cast<hsize_t>(kNumSchemes), static_cast<hsize_t>(kNumRegimes)});
    WriteColumns(s, "regime_probability", "group x scheme (residual,growth,sieve,levels) x regime "
                                          "(stockpiling,no_effect,substitution)");
    h5::WriteUint8s(s, "ok", ok, {gn, static_cast<hsize_t>(kNumSchemes)});
    h5::WriteDoubles(s, "spread", spread);
    h5::WriteUint8s(s, "disagreement", disagree);
  }
  if (r.options.base_sensitivity) {
    h5::Handle bg = h5::EnsureGroup(b, "base_sensitivity");
    const hid_t s = bg.id();
    h5::WriteAttribute(s, "estimand", ToString(r.options.estimand));
    h5::WriteAttribute(s, "method", ToString(EstimandMethod::kLogCentred));
    h5::WriteStrings(s, "base", {"first", "first12"});
    std::vector<double> point, interval, probs;
    std::vector<std::string> regimes;
    std::vector<uint8_t> changes;
    for (const GroupBootstrap& x : r.groups) {
      for (const auto& v : x.base_variants) {
        const bool good = x.ok && v.ok;
        const Interval& iv = v.G[EstimandMethod::kLogCentred];
        point.push_back(good ? v.G.point : kNaN);
        interval.push_back(good && iv.ok ? iv.lower : kNaN);
        interval.push_back(good && iv.ok ? iv.upper : kNaN);
        regimes.push_back(good ? std::string(ToString(v.point_regime)) : std::string());
        for (int j = 0; j < kNumRegimes; ++j) probs.push_back(good ? v.regime_probability[j] : kNaN);
      }
      changes.push_back(x.base_changes_regime ? 1 : 0);
    }
    h5::WriteDoubles(s, "G_point", point, {gn, 2});
    h5::WriteDoubles(s, "G_interval", interval, {gn, 2, 2});
    h5::WriteStrings(s, "point_regime", regimes, {gn, 2});
    h5::WriteDoubles(s, "regime_probability", probs, {gn, 2, static_cast<hsize_t>(kNumRegimes)});
    h5::WriteUint8s(s, "regime_changes", changes);
  }
}


// The inverse of WriteEstimands; sections a file does not hold stay empty.
void ReadEstimands(hid_t b, BootstrapResult& r) {
  const size_t n = r.groups.size();
  auto check = [&](const std::vector<double>& v, size_t per_group, const char* what) {
    if (v.size() != n * per_group)
      ThrowInputError("/bootstrap", 0, 0, std::string(what) + " has " + std::to_string(v.size()) +
                                              " values, expected " + std::to_string(n * per_group));
  };
  if (h5::HasAttribute(b, "default_estimand"))
    if (auto e = EstimandFromString(h5::ReadStringAttribute(b, "default_estimand"))) r.options.estimand = *e;
  if (h5::HasAttribute(b, "calibrate")) r.options.calibrate = h5::ReadIntAttribute(b, "calibrate") != 0;
  if (h5::Exists(b, "estimands")) {
    for (int e = 0; e < kNumEstimands; ++e) {
      const std::string base = "estimands/" + std::string(ToString(static_cast<Estimand>(e))) + "/";
      if (!h5::Exists(b, base + "ok")) continue;
      const auto ok = h5::ReadUint8s(b, base + "ok");
      const auto notes = h5::ReadStrings(b, base + "note");
      const auto regimes = h5::ReadStrings(b, base + "point_regime");
      const auto probs = h5::ReadDoubles(b, base + "regime_probability");
      check(probs, kNumRegimes, "estimands regime_probability");
      if (ok.size() != n || notes.size() != n || regimes.size() != n)
        ThrowInputError("/bootstrap", 0, 0, "estimands: per-group datasets of the wrong length");
      for (size_t g = 0; g < n; ++g) {
        auto& er = r.groups[g].estimands[e];
        er.ok = ok[g] != 0;
        er.note = notes[g];
        if (auto reg = RegimeFromString(regimes[g])) er.point_regime = *reg;
        for (int k = 0; k < kNumRegimes; ++k) er.regime_probability[k] = probs[g * kNumRegimes + k];
      }
      for (int index = 0; index < 2; ++index) {
        const std::string stat = base + (index == 0 ? "V" : "G");
        const auto point = h5::ReadDoubles(b, stat + "_point"), estimator = h5::ReadDoubles(b, stat + "_estimator"),
                   median = h5::ReadDoubles(b, stat + "_median"),
                   sd = h5::ReadDoubles(b, stat + "_sd"), cal = h5::ReadDoubles(b, stat + "_calibrated_level");
        check(point, 1, "estimand point");
        check(estimator, 1, "estimand estimator");
        check(median, 1, "estimand median");
        check(sd, 1, "estimand sd");
        check(cal, 1, "estimand calibrated level");
        for (size_t g = 0; g < n; ++g) {
          EstimandSummary& es = index == 0 ? r.groups[g].estimands[e].V : r.groups[g].estimands[e].G;
          es.point = point[g];
          es.estimator = estimator[g];
          es.median = median[g];
          es.sd = sd[g];
          es.calibrated_level = cal[g];
          es.level = r.options.level;
          es.ok = r.groups[g].estimands[e].ok;
        }
        for (int m = 0; m < kNumEstimandMethods; ++m) {
          const auto iv = h5::ReadDoubles(b, stat + "_" + std::string(ToString(static_cast<EstimandMethod>(m))));
          check(iv, 2, "estimand interval");
          for (size_t g = 0; g < n; ++g) {
            EstimandSummary& es = index == 0 ? r.groups[g].estimands[e].V : r.groups[g].estimands[e].G;
            const double lo = iv[2 * g], hi = iv[2 * g + 1];
            es.by_method[m] = {lo, hi, std::isfinite(lo) && std::isfinite(hi), std::isfinite(lo) ? "" : "failed"};
          }
        }
      }
    }
  }
  if (h5::Exists(b, "schemes/regime_probability")) {
    r.options.scheme_diagnostics = true;
    const auto probs = h5::ReadDoubles(b, "schemes/regime_probability");
    const auto ok = h5::ReadUint8s(b, "schemes/ok");
    const auto spread = h5::ReadDoubles(b, "schemes/spread");
    const auto disagree = h5::ReadUint8s(b, "schemes/disagreement");
    check(probs, kNumSchemes * kNumRegimes, "schemes/regime_probability");
    check(spread, 1, "schemes/spread");
    if (ok.size() != n * kNumSchemes || disagree.size() != n)
      ThrowInputError("/bootstrap", 0, 0, "schemes: datasets of the wrong length");
    for (size_t g = 0; g < n; ++g) {
      for (int k = 0; k < kNumSchemes; ++k) {
        auto& d = r.groups[g].scheme_diagnostics[k];
        d.ok = ok[g * kNumSchemes + k] != 0;
        for (int j = 0; j < kNumRegimes; ++j) d.regime_probability[j] = probs[(g * kNumSchemes + k) * kNumRegimes + j];
      }
      r.groups[g].scheme_spread = spread[g];
      r.groups[g].scheme_disagreement = disagree[g] != 0;
    }
  } else {
    r.options.scheme_diagnostics = false;
  }
  if (h5::Exists(b, "base_sensitivity/G_point")) {
    r.options.base_sensitivity = true;
    const auto point = h5::ReadDoubles(b, "base_sensitivity/G_point");
    const auto iv = h5::ReadDoubles(b, "base_sensitivity/G_interval");
    const auto regimes = h5::ReadStrings(b, "base_sensitivity/point_regime");
    const auto probs = h5::ReadDoubles(b, "base_sensitivity/regime_probability");
    const auto changes = h5::ReadUint8s(b, "base_sensitivity/regime_changes");
    check(point, 2, "base_sensitivity/G_point");
    check(iv, 4, "base_sensitivity/G_interval");
    check(probs, 2 * kNumRegimes, "base_sensitivity/regime_probability");
    if (regimes.size() != 2 * n || changes.size() != n)
      ThrowInputError("/bootstrap", 0, 0, "base_sensitivity: datasets of the wrong length");
    for (size_t g = 0; g < n; ++g) {
      for (int k = 0; k < 2; ++k) {
        auto& v = r.groups[g].base_variants[k];
        v.base = k == 0 ? BaseRule::kFirstPeriod : BaseRule::kFirstYearMean;
        v.ok = std::isfinite(point[2 * g + k]);
        v.G.point = point[2 * g + k];
        const double lo = iv[4 * g + 2 * k], hi = iv[4 * g + 2 * k + 1];
        v.G.by_method[0] = {lo, hi, std::isfinite(lo) && std::isfinite(hi), ""};
        v.G.ok = v.ok;
        if (auto reg = RegimeFromString(regimes[2 * g + k])) v.point_regime = *reg;
        for (int j = 0; j < kNumRegimes; ++j) v.regime_probability[j] = probs[(2 * g + k) * kNumRegimes + j];
      }
      r.groups[g].base_changes_regime = changes[g] != 0;
    }
  } else {
    r.options.base_sensitivity = false;
  }
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
    if (!r.V_signal_replicates.empty()) {
      h5::WriteDoubles(b, "V_signal_replicates", r.V_signal_replicates, dims, wo);
      h5::WriteDoubles(b, "G_signal_replicates", r.G_signal_replicates, dims, wo);
    }
  }
  WriteEstimands(b, r);
}

namespace {
// A count stored as a double (h5py and pandas read it as a number): anything
// but a whole number in [0, INT_MAX] is a damaged file, not a value to cast.
int ReplicateCount(hid_t file, const char* dataset, size_t row, double value) {
  if (std::isfinite(value) && value >= 0.0 && value <= std::numeric_limits<int>::max() &&
      value == std::floor(value))
    return static_cast<int>(value);
  std::ostringstream message;
  message << "HDF5 dataset " << dataset << " holds " << value << " in row " << row
          << ", expected a replicate count (a whole number from 0 to " << std::numeric_limits<int>::max() << ")";
  ThrowInputError(h5::FileName(file), 0, 0, message.str());
}
}  // namespace

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

  // The group count comes from group_names; every other dataset is checked
  // against it (h5::Shape) before any row is indexed.
  const auto names = h5::ReadStrings(b, "group_names", {h5::kAnyExtent});
  const hsize_t groups = names.size();
  const h5::Shape per_group = {groups};
  const auto notes = h5::ReadStrings(b, "note", per_group);
  // Absent in run files written before the episodes were recorded.
  const auto components = h5::Exists(b, "fitted_component") ? h5::ReadStrings(b, "fitted_component", per_group)
                                                              : std::vector<std::string>();
  const auto regimes = h5::ReadStrings(b, "point_regime", per_group);
  const auto ids = h5::ReadInt64s(b, "group_ids", per_group);
  const auto ok = h5::ReadUint8s(b, "ok", per_group);
  const auto vp = h5::ReadDoubles(b, "V_point", per_group), gp = h5::ReadDoubles(b, "G_point", per_group);
  const auto vm = h5::ReadDoubles(b, "V_mean", per_group), vs = h5::ReadDoubles(b, "V_sd", per_group);
  const auto gm = h5::ReadDoubles(b, "G_mean", per_group), gs = h5::ReadDoubles(b, "G_sd", per_group);
  const auto va = h5::ReadDoubles(b, "V_acceleration", per_group), ga = h5::ReadDoubles(b, "G_acceleration", per_group);
  const auto vz = h5::ReadDoubles(b, "V_z0", per_group), gz = h5::ReadDoubles(b, "G_z0", per_group);
  const auto bl = h5::ReadDoubles(b, "block_length", per_group);
  const auto stab = h5::ReadDoubles(b, "regime_stability", per_group);
  const auto valid = h5::ReadDoubles(b, "valid_replicates", per_group);
  const auto rp = h5::ReadDoubles(b, "regime_probability", {groups, kNumRegimes});
  const auto cp = h5::ReadDoubles(b, "cell_probability", {groups, kNumCells});
  std::vector<std::vector<double>> iv(kNumIntervalMethods);
  for (int m = 0; m < kNumIntervalMethods; ++m)
    iv[m] = h5::ReadDoubles(b, "intervals/" + std::string(ToString(static_cast<IntervalMethod>(m))), {groups, 4});
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
    x.valid_replicates = ReplicateCount(file, "/bootstrap/valid_replicates", i, valid[i]);
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
    const h5::Shape kept = {groups, static_cast<hsize_t>(r.replicates)};
    r.V_replicates = h5::ReadDoubles(b, "V_replicates", kept);
    r.G_replicates = h5::ReadDoubles(b, "G_replicates", kept);
  }
  ReadEstimands(b, r);
  return r;
}

std::string FormatBootstrapReport(const BootstrapResult& r) {
  std::ostringstream out;
  const int pct = static_cast<int>(std::lround(r.options.level * 100));
  const Estimand shown = r.options.estimand;
  const EstimandMethod method = DefaultEstimandMethod(r.options);
  out << "Bootstrap: " << ToString(r.options.resampler.scheme) << " scheme, "
      << ToString(r.options.resampler.blocks) << " blocks, " << r.replicates << " replicates, seed "
      << r.options.seed << ".\n\n";
  out << "What the intervals are for (docs/method.md §5.13): **observed** is the paper's statistic of the series "
         "as observed, and its interval says how far that statistic would move under another draw of the same "
         "process; **signal** is the same statistic of the fitted noise-free path (trend, month effects and any "
         "episodes kept from the models). Intervals are "
      << pct << "% " << ToString(method) << ": " << Describe(method)
      << "; they always contain their point estimate and never a value V < 0 or G < -1. Regime probabilities "
         "classify the named estimand's replicates.\n\n";
  auto cell = [&](const EstimandSummary& es) {
    const Interval& iv = es[method];
    std::string t = Fixed(es.point, 3) + " [";
    t += iv.ok ? Fixed(iv.lower, 3) + ", " + Fixed(iv.upper, 3) : std::string("n/a");
    t += "]";
    if (method == EstimandMethod::kLogCentredCalibrated && std::isfinite(es.calibrated_level))
      t += " (level " + Fixed(es.calibrated_level, 3) + ")";
    return t;
  };
  const Estimand order[2] = {shown, shown == Estimand::kObserved ? Estimand::kSignal : Estimand::kObserved};
  for (Estimand e : order) {
    out << "| group | V (" << ToString(e) << ") [" << pct << "%] | G (" << ToString(e) << ") [" << pct
        << "%] | P(stockpiling) | P(no_effect) | P(substitution) |\n";
    out << "|---|---|---|---|---|---|\n";
    for (const GroupBootstrap& g : r.groups) {
      out << "| " << g.name << " | ";
      const auto& er = g.estimands[static_cast<int>(e)];
      if (!g.ok || !er.ok) {
        out << "not available: " << (g.ok ? er.note : g.note) << " | | | | |\n";
        continue;
      }
      out << cell(er.V) << " | " << cell(er.G) << " | " << Fixed(er.regime_probability[0], 3) << " | "
          << Fixed(er.regime_probability[1], 3) << " | " << Fixed(er.regime_probability[2], 3) << " |\n";
    }
    out << "\n";
  }
  if (r.options.scheme_diagnostics) {
    out << "How the regime probability depends on the resampling scheme (observed estimand, "
        << r.options.diagnostic_replicates << " replicates per scheme, same seed):\n\n";
    out << "| group | point regime | P(point regime): residual | growth | sieve | levels | largest difference |\n";
    out << "|---|---|---|---|---|---|---|\n";
    std::string flagged;
    for (const GroupBootstrap& g : r.groups) {
      if (!g.ok) continue;
      const int reg = static_cast<int>(g.point_regime);
      out << "| " << g.name << " | " << ToString(g.point_regime);
      for (int k = 0; k < kNumSchemes; ++k) {
        const auto& d = g.scheme_diagnostics[k];
        out << " | " << (d.ok ? Fixed(d.regime_probability[reg], 3) : std::string("n/a"));
      }
      out << " | " << Fixed(g.scheme_spread, 3) << (g.scheme_disagreement ? " **disagree**" : "") << " |\n";
      if (g.scheme_disagreement) flagged += (flagged.empty() ? "" : ", ") + g.name;
    }
    out << "\n";
    if (flagged.empty()) {
      out << "No group's regime probabilities differ by more than " << Fixed(r.options.scheme_disagreement_threshold, 2)
          << " between schemes.\n\n";
    } else {
      out << "**Scheme-sensitive groups: " << flagged << ".** For these groups the probability of a regime changes "
             "by more than "
          << Fixed(r.options.scheme_disagreement_threshold, 2)
          << " with the way the series is resampled, so the probability says as much about the resampling "
             "assumption as about the data: the residual scheme holds the fitted trend and episodes fixed, the "
             "growth scheme resamples month-on-month changes, the sieve an autoregression's innovations, and the "
             "levels scheme (naive) scrambles the trend itself. Quote such a probability with its scheme.\n\n";
    }
  }
  if (r.options.base_sensitivity) {
    out << "Growth base (" << ToString(shown) << " estimand): G with the first month as base and with the mean of "
           "the first 12 months, from the same replicates:\n\n";
    out << "| group | G, base first [" << pct << "%] | regime | G, base first12 [" << pct
        << "%] | regime | base changes the regime |\n";
    out << "|---|---|---|---|---|---|\n";
    std::string changed;
    for (const GroupBootstrap& g : r.groups) {
      if (!g.ok) continue;
      out << "| " << g.name;
      for (const auto& v : g.base_variants) {
        const Interval& iv = v.G[EstimandMethod::kLogCentred];
        if (!v.ok) {
          out << " | n/a (" << v.note << ") | ";
          continue;
        }
        out << " | " << Fixed(v.G.point, 3) << " [" << (iv.ok ? Fixed(iv.lower, 3) + ", " + Fixed(iv.upper, 3) : "n/a")
            << "] | " << ToString(v.point_regime);
      }
      out << " | " << (g.base_changes_regime ? "**yes**" : "no") << " |\n";
      if (g.base_changes_regime) changed += (changed.empty() ? "" : ", ") + g.name;
    }
    out << "\n" << (changed.empty() ? std::string("The choice of base changes no group's regime.")
                                      : "**The choice of base changes the regime of: " + changed +
                                            ".** G with the first month as base carries that one month's noise; "
                                            "the first-12-months base averages it out.")
        << "\n";
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
  const EstimandMethod method = DefaultEstimandMethod(r.options);
  auto interval_json = [&](const Interval& iv) {
    return iv.ok ? "[" + Num(iv.lower) + ", " + Num(iv.upper) + "]" : std::string("null");
  };
  auto probabilities = [&](const std::array<double, kNumRegimes>& p) {
    return "{\"stockpiling\": " + Num(p[0]) + ", \"no_effect\": " + Num(p[1]) + ", \"substitution\": " + Num(p[2]) +
           "}";
  };
  // "estimands": {"observed": {...}, "signal": {...}} of V or G.
  auto estimands = [&](int index) {
    std::ostringstream t;
    t << "{";
    for (int e = 0; e < kNumEstimands; ++e) {
      const auto& er = g.estimands[e];
      const EstimandSummary& es = index == 0 ? er.V : er.G;
      const bool good = er.ok;
      const double used = method == EstimandMethod::kLogCentredCalibrated ? es.calibrated_level : r.options.level;
      if (e) t << ", ";
      t << '"' << ToString(static_cast<Estimand>(e)) << "\": {\"point\": " << (good ? Num(es.point) : "null")
        << ", \"estimator\": " << (good ? Num(es.estimator) : "null")
        << ", \"interval\": " << (good ? interval_json(es[method]) : "null") << ", \"method\": \"" << ToString(method)
        << "\", \"level\": " << Num(r.options.level) << ", \"level_used\": " << (good ? Num(used) : "null")
        << ", \"ok\": " << (good ? "true" : "false");
      if (good) {
        t << ", \"median\": " << Num(es.median) << ", \"sd\": " << Num(es.sd) << ", \"replicates\": " << es.replicates
          << ", \"intervals\": {";
        for (int m = 0; m < kNumEstimandMethods; ++m)
          t << (m ? ", " : "") << '"' << ToString(static_cast<EstimandMethod>(m)) << "\": " << interval_json(es.by_method[m]);
        t << "}";
      } else {
        t << ", \"note\": " << JsonText(er.note);
      }
      t << "}";
    }
    t << "}";
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
    std::string v = stat(g.V), gg = stat(g.G);
    v.insert(v.size() - 1, ", \"estimands\": " + estimands(0));
    gg.insert(gg.size() - 1, ", \"estimands\": " + estimands(1));
    out << ", \"V\": " << v << ", \"G\": " << gg;
    if (g.G_trend) out << ", \"G_trend\": " << stat(*g.G_trend);
    out << ", \"regime_probability\": {\"stockpiling\": "
        << Num(g.regime_probability[0]) << ", \"no_effect\": " << Num(g.regime_probability[1])
        << ", \"substitution\": " << Num(g.regime_probability[2]) << "}";
    out << ", \"regime_probability_estimand\": \"observed\", \"default_estimand\": \"" << ToString(r.options.estimand)
        << "\"";
    const auto& sig = g.estimands[static_cast<int>(Estimand::kSignal)];
    out << ", \"signal_regime_probability\": " << (sig.ok ? probabilities(sig.regime_probability) : "null");
    if (r.options.scheme_diagnostics) {
      out << ", \"scheme_regime_probability\": {";
      // Spelled in the order the contract lists them.
      const Scheme order[kNumSchemes] = {Scheme::kLevels, Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve};
      for (int k = 0; k < kNumSchemes; ++k) {
        const auto& d = g.scheme_diagnostics[static_cast<int>(order[k])];
        out << (k ? ", " : "") << '"' << ToString(order[k]) << "\": " << (d.ok ? probabilities(d.regime_probability) : "null");
      }
      out << "}, \"scheme_replicates\": " << r.options.diagnostic_replicates << ", \"scheme_spread\": "
          << Num(g.scheme_spread) << ", \"scheme_disagreement\": " << (g.scheme_disagreement ? "true" : "false");
    }
    if (r.options.base_sensitivity) {
      out << ", \"base_sensitivity\": {\"estimand\": \"" << ToString(r.options.estimand) << "\"";
      for (const auto& bv : g.base_variants) {
        out << ", \"" << ToString(bv.base) << "\": ";
        if (!bv.ok) {
          out << "null";
          continue;
        }
        out << "{\"G\": {\"point\": " << Num(bv.G.point) << ", \"interval\": "
            << interval_json(bv.G[EstimandMethod::kLogCentred]) << "}, \"regime\": \"" << ToString(bv.point_regime)
            << "\", \"regime_probability\": " << probabilities(bv.regime_probability) << "}";
      }
      out << ", \"regime_changes\": " << (g.base_changes_regime ? "true" : "false") << "}";
    }
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
