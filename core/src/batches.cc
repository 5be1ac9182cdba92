#include "chokepoint/core/batches.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <unordered_map>

#include "chokepoint/core/error.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/batches_io.h"

namespace chokepoint {

namespace {
std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
}  // namespace

// ---- options ----------------------------------------------------------------

bool BatchesOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (event_month.month < 1 || event_month.month > 12 || event_month.year < 1900 || event_month.year > 2200)
    return fail("batches.event_month must be a month YYYY-MM, got " + event_month.ToString());
  if (event_window_months < 6 || event_window_months > 240)
    return fail("batches.event_window_months must be in 6..240, got " + std::to_string(event_window_months));
  return true;
}

BatchesOptions BatchesOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"event_month", "event_window_months", "seasonal_dummies", "per_code"});
  BatchesOptions o;
  if (auto v = s.GetMonth("event_month")) o.event_month = *v;
  if (auto v = s.GetInt("event_window_months")) o.event_window_months = static_cast<int>(*v);
  if (auto v = s.GetBool("seasonal_dummies")) o.seasonal_dummies = *v;
  if (auto v = s.GetBool("per_code")) o.per_code = *v;
  std::string error;
  if (!o.IsValid(&error)) s.Fail("", error);
  return o;
}

toml::table BatchesOptions::ToToml() const {
  toml::table t;
  t.insert("event_month", event_month.ToString());
  t.insert("event_window_months", event_window_months);
  t.insert("seasonal_dummies", seasonal_dummies);
  t.insert("per_code", per_code);
  return t;
}

// ---- overlap ----------------------------------------------------------------

BatchOverlap ComputeOverlap(int batch_a, const std::vector<HsCode>& a, int batch_b, const std::vector<HsCode>& b) {
  BatchOverlap o;
  o.batch_a = batch_a;
  o.batch_b = batch_b;
  std::set<uint32_t> a8, b8, a6, b6;
  for (HsCode c : a) a8.insert(c.value()), a6.insert(c.Hs6());
  for (HsCode c : b) b8.insert(c.value()), b6.insert(c.Hs6());
  auto fill = [](const std::set<uint32_t>& x, const std::set<uint32_t>& y, int* nx, int* ny, int* common, int* uni,
                 double* jaccard) {
    *nx = static_cast<int>(x.size());
    *ny = static_cast<int>(y.size());
    *common = 0;
    for (uint32_t v : x) *common += static_cast<int>(y.count(v));
    *uni = *nx + *ny - *common;
    *jaccard = *uni > 0 ? static_cast<double>(*common) / *uni : 0.0;
  };
  fill(a8, b8, &o.hs8_a, &o.hs8_b, &o.hs8_common, &o.hs8_union, &o.jaccard_hs8);
  fill(a6, b6, &o.hs6_a, &o.hs6_b, &o.hs6_common, &o.hs6_union, &o.jaccard_hs6);
  return o;
}

// ---- event study ------------------------------------------------------------

EventStudyRow EventStudy(std::span<const double> monthly, std::span<const unsigned char> present,
                         YearMonth series_first, YearMonth event, int window_months, bool seasonal_dummies,
                         const EventStudyCovariance& covariance) {
  EventStudyRow row;
  row.event = event;
  const int T = static_cast<int>(monthly.size());
  std::vector<int> use;
  for (int t = 0; t < T; ++t) {
    const int rel = MonthsBetween(event, series_first.Plus(t));
    if (rel < -window_months || rel >= window_months) continue;
    if (!present.empty() && !present[t]) continue;
    if (!(monthly[t] > 0.0)) continue;  // log undefined
    use.push_back(t);
    (rel < 0 ? row.n_pre : row.n_post)++;
  }
  const int k = 4 + (seasonal_dummies ? 11 : 0);
  const int n = static_cast<int>(use.size());
  if (row.n_pre < 3 || row.n_post < 3) {
    row.status = "too few months with positive values on one side of the event (" + std::to_string(row.n_pre) +
                 " before, " + std::to_string(row.n_post) + " after)";
    return row;
  }
  if (n <= k) {
    row.status = "too few months (" + std::to_string(n) + ") for " + std::to_string(k) + " coefficients";
    return row;
  }
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, k);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    const YearMonth m = series_first.Plus(use[i]);
    const double rel = MonthsBetween(event, m);
    const double post = rel >= 0 ? 1.0 : 0.0;
    X(i, 0) = 1.0;
    X(i, 1) = rel;
    X(i, 2) = post;
    X(i, 3) = post * rel;
    if (seasonal_dummies && m.month > 1) X(i, 4 + m.month - 2) = 1.0;  // January is the base
    y(i) = std::log(monthly[use[i]]);
  }
  const Eigen::MatrixXd XtX = X.transpose() * X;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(XtX);
  if (qr.rank() < k) {
    row.status = "collinear regressors (a month of the year missing on one side?)";
    return row;
  }
  const Eigen::VectorXd beta = qr.solve(X.transpose() * y);
  Eigen::MatrixXd cov;
  if (covariance) {
    cov = covariance(X, y, &row.se_type);
  } else {
    cov = (y - X * beta).squaredNorm() / (n - k) * qr.inverse();
    row.se_type = "ols";
  }
  row.growth_pre = 12.0 * beta(1);
  row.growth_post = 12.0 * (beta(1) + beta(3));
  row.growth_change = 12.0 * beta(3);
  row.se_pre = 12.0 * std::sqrt(cov(1, 1));
  row.se_post = 12.0 * std::sqrt(std::max(0.0, cov(1, 1) + cov(3, 3) + 2.0 * cov(1, 3)));
  row.se_change = 12.0 * std::sqrt(cov(3, 3));
  row.t_change = row.se_change > 0 ? row.growth_change / row.se_change : 0.0;
  return row;
}

// ---- batches ----------------------------------------------------------------

namespace {

// Monthly weights of every panel code feeding a list of codes: direct and
// concordance contributions add up, capped at 1 so no cell counts twice.
std::unordered_map<HsCode, std::vector<double>> CodeWeights(const std::vector<HsCode>& codes, const Catalog& catalog,
                                                            YearMonth first, int T) {
  std::unordered_map<HsCode, std::vector<double>> w;
  for (HsCode code : codes) {
    for (const CodeContribution& c : ContributionsAcrossVintages(code, catalog)) {
      auto& v = w[c.code];
      if (v.empty()) v.assign(T, 0.0);
      const int end = c.before ? std::clamp(MonthsBetween(first, *c.before), 0, T) : T;
      const int begin = c.from ? std::clamp(MonthsBetween(first, *c.from), 0, T) : 0;
      for (int t = begin; t < end; ++t) v[t] = std::min(1.0, v[t] + c.weight);
    }
  }
  return w;
}

void SumSeries(const Panel& panel, const std::unordered_map<HsCode, std::vector<double>>& weights,
               std::vector<double>* values, std::vector<unsigned char>* present) {
  const int T = panel.num_months();
  values->assign(T, 0.0);
  present->assign(T, 0);
  for (const auto& [code, w] : weights) {
    const int row = panel.RowOf(code);
    if (row < 0) continue;
    for (int t = 0; t < T; ++t) {
      if (w[t] <= 0.0 || !panel.present(row, t)) continue;
      (*values)[t] += w[t] * panel.value(row, t);
      (*present)[t] = 1;
    }
  }
}

bool AnyInPanel(const Panel& panel, const std::unordered_map<HsCode, std::vector<double>>& weights) {
  for (const auto& [code, w] : weights)
    if (panel.RowOf(code) >= 0) return true;
  return false;
}

}  // namespace

BatchesResult ComputeBatches(const Panel& panel, const Catalog& catalog, const IndexSpec& spec,
                             const Thresholds& thresholds, const BatchesOptions& options,
                             const EventStudyCovariance& covariance) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  if (!spec.IsValid(&error)) ThrowUsageError(error);
  if (!thresholds.IsValid(&error)) ThrowUsageError(error);
  BatchesResult r;
  r.data_label = panel.provenance.label;
  r.synthetic = panel.provenance.synthetic;
  r.catalog_source = catalog.source;
  r.index_spec = spec.Describe();
  r.thresholds = thresholds;
  r.options = options;
  r.first_month = panel.first_month();
  r.num_months = panel.num_months();
  const int T = panel.num_months();

  std::vector<std::vector<HsCode>> lists(4);
  for (int b = 1; b <= 3; ++b) lists[b] = catalog.BatchCodes(b);

  // Labels and groups per (batch, code); batch 1 defaults to members.
  auto entry_of = [&](int b, HsCode code) -> std::pair<std::string, int> {
    for (const BatchEntry& e : catalog.batch_entries())
      if (e.batch == b && e.code == code) return {e.label, e.group_id};
    if (const CatalogMember* m = catalog.MemberOf(code)) return {m->description, m->group_id};
    return {"", 0};
  };

  for (int b = 1; b <= 3; ++b) {
    BatchSummary s;
    s.batch = b;
    s.codes_listed = static_cast<int>(lists[b].size());
    std::set<int> groups;
    for (HsCode code : lists[b]) {
      const auto [label, gid] = entry_of(b, code);
      if (gid > 0) groups.insert(gid);
      const auto w = CodeWeights({code}, catalog, r.first_month, T);
      const bool found = AnyInPanel(panel, w);
      if (found) ++s.codes_found;
      else s.codes_missing.push_back(code.ToString());
      if (options.per_code) {
        BatchCodeResult c;
        c.batch = b;
        c.code = code;
        c.label = label;
        c.group_id = gid;
        c.found = found;
        if (found) {
          std::vector<double> v;
          std::vector<unsigned char> p;
          SumSeries(panel, w, &v, &p);
          c.indices = ComputeSeriesIndices(v, p, r.first_month, spec);
          c.classified = c.indices.ok();
          const bool semi = gid > 0 && catalog.GroupById(gid).semiconductor;
          if (c.classified) c.classification = Classify(c.indices.V, c.indices.G, semi, thresholds);
        } else {
          c.indices.status = IndexStatus::kWindowOutsideData;
        }
        r.codes.push_back(std::move(c));
      }
    }
    s.group_ids.assign(groups.begin(), groups.end());
    SumSeries(panel, CodeWeights(lists[b], catalog, r.first_month, T), &s.monthly, &s.present);
    if (s.codes_found > 0) {
      s.indices = ComputeSeriesIndices(s.monthly, s.present, r.first_month, spec);
      s.classified = s.indices.ok();
      if (s.classified) s.classification = Classify(s.indices.V, s.indices.G, /*semiconductor=*/false, thresholds);
    } else {
      s.indices.status = IndexStatus::kWindowOutsideData;
    }
    r.event_study.push_back(EventStudy(s.monthly, s.present, r.first_month, options.event_month,
                                       options.event_window_months, options.seasonal_dummies, covariance));
    r.event_study.back().batch = b;
    r.batches.push_back(std::move(s));
  }
  r.overlaps.push_back(ComputeOverlap(1, lists[1], 2, lists[2]));
  r.overlaps.push_back(ComputeOverlap(1, lists[1], 3, lists[3]));
  r.overlaps.push_back(ComputeOverlap(2, lists[2], 3, lists[3]));

  BatchPersistence& p = r.persistence;
  p.groups_batch1 = r.batches[0].group_ids;
  p.groups_batch3 = r.batches[2].group_ids;
  std::set_intersection(p.groups_batch1.begin(), p.groups_batch1.end(), p.groups_batch3.begin(),
                        p.groups_batch3.end(), std::back_inserter(p.groups_both));
  p.share = p.groups_batch1.empty() ? 0.0 : static_cast<double>(p.groups_both.size()) / p.groups_batch1.size();
  return r;
}

// ---- reports ----------------------------------------------------------------

namespace {
std::string RegimeText(bool classified, const IndexValues& v, const Classification& c) {
  if (!classified) return "undefined (" + std::string(ToString(v.status)) + ")";
  return std::string(ToString(c.regime));
}
}  // namespace

std::string BatchesResult::FullReport() const {
  std::ostringstream out;
  out << "batches: " << (synthetic ? "SYNTHETIC data: " : "") << data_label << "\n  catalog: " << catalog_source
      << "\n  index spec: " << index_spec << "; thresholds g*=" << thresholds.growth << " v_hi="
      << thresholds.volatility_high << " v_lo=" << thresholds.volatility_low << "\n  event: "
      << options.event_month.ToString() << " +/- " << options.event_window_months << " months, seasonal dummies "
      << (options.seasonal_dummies ? "on" : "off") << ", OLS standard errors\n";
  for (const BatchSummary& b : batches)
    out << "  batch " << b.batch << ": " << b.codes_found << "/" << b.codes_listed << " codes found, V="
        << Fmt("%.4f", b.indices.V) << " G=" << Fmt("%.4f", b.indices.G) << " regime "
        << RegimeText(b.classified, b.indices, b.classification) << "\n";
  for (const BatchOverlap& o : overlaps)
    out << "  overlap " << o.batch_a << "-" << o.batch_b << ": HS8 " << o.hs8_common << "/" << o.hs8_union
        << " (J=" << Fmt("%.3f", o.jaccard_hs8) << "), HS6 " << o.hs6_common << "/" << o.hs6_union
        << " (J=" << Fmt("%.3f", o.jaccard_hs6) << ")\n";
  out << "  persistence: " << persistence.groups_both.size() << " of " << persistence.groups_batch1.size()
      << " batch-1 groups in batch 3 (" << Fmt("%.1f", 100 * persistence.share) << "%)\n";
  return out.str();
}

std::string FormatBatchesReport(const BatchesResult& r) {
  std::ostringstream out;
  out << "## Validation batches\n\n";
  if (r.synthetic)
    out << "**Synthetic data** (" << r.data_label << "): simulated imports, not China Customs statistics.\n\n";
  out << "Batch 1: 2018 Science and Technology Daily list; batch 2: 2023 Advanced Manufacturing Greenbook; "
         "batch 3: 2025 customs tariff-exemption list (reconstructed, see data/catalog/README.md). Index spec: "
      << r.index_spec << ".\n\n";
  out << "| batches | HS8 common / union | Jaccard HS8 | HS6 common / union | Jaccard HS6 |\n|---|---:|---:|---:|---:|\n";
  for (const BatchOverlap& o : r.overlaps)
    out << "| " << o.batch_a << " & " << o.batch_b << " | " << o.hs8_common << " / " << o.hs8_union << " | "
        << Fmt("%.3f", o.jaccard_hs8) << " | " << o.hs6_common << " / " << o.hs6_union << " | "
        << Fmt("%.3f", o.jaccard_hs6) << " |\n";
  out << "\n| batch | codes found / listed | V | G | volatility | growth | regime |\n|---|---:|---:|---:|---|---|---|\n";
  for (const BatchSummary& b : r.batches) {
    out << "| " << b.batch << " | " << b.codes_found << " / " << b.codes_listed << " | ";
    if (b.classified)
      out << Fmt("%.3f", b.indices.V) << " | " << Fmt("%.3f", b.indices.G) << " | " << ToString(b.classification.volatility)
          << " | " << ToString(b.classification.growth) << " | " << ToString(b.classification.regime) << " |\n";
    else
      out << "- | - | - | - | undefined (" << ToString(b.indices.status) << ") |\n";
  }
  // Regime counts of the listed codes.
  if (!r.codes.empty()) {
    out << "\n| batch | stockpiling | no_effect | substitution | undefined | not in panel |\n"
        << "|---|---:|---:|---:|---:|---:|\n";
    for (int b = 1; b <= 3; ++b) {
      int counts[5] = {0, 0, 0, 0, 0};
      for (const BatchCodeResult& c : r.codes)
        if (c.batch == b) ++counts[!c.found ? 4 : c.classified ? static_cast<int>(c.classification.regime) : 3];
      out << "| " << b << " | " << counts[0] << " | " << counts[1] << " | " << counts[2] << " | " << counts[3] << " | "
          << counts[4] << " |\n";
    }
  }
  const BatchPersistence& p = r.persistence;
  out << "\nPersistence: " << p.groups_both.size() << " of the " << p.groups_batch1.size()
      << " batch-1 technology groups are still represented in batch 3 (" << Fmt("%.1f", 100 * p.share) << "%).\n";
  out << "\nImport growth before and after " << r.options.event_month.ToString() << " (log points per year x 100, "
      << r.options.event_window_months << " months each side"
      << (r.options.seasonal_dummies ? ", month dummies" : "") << "; standard errors: "
      << (r.event_study.empty() ? std::string("-") : r.event_study.front().se_type) << "):\n\n"
      << "| batch | months before / after | growth before | growth after | change | SE | t |\n"
      << "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const EventStudyRow& e : r.event_study) {
    out << "| " << e.batch << " | " << e.n_pre << " / " << e.n_post << " | ";
    if (e.ok())
      out << Fmt("%.1f", 100 * e.growth_pre) << " | " << Fmt("%.1f", 100 * e.growth_post) << " | "
          << Fmt("%+.1f", 100 * e.growth_change) << " | " << Fmt("%.1f", 100 * e.se_change) << " | "
          << Fmt("%.2f", e.t_change) << " |\n";
    else
      out << e.status << " | | | | |\n";
  }
  bool any2 = false;
  for (const BatchCodeResult& c : r.codes) any2 |= c.batch == 2;
  if (any2) {
    out << "\nBatch 2 codes:\n\n| HS8 | label | V | G | regime |\n|---|---|---:|---:|---|\n";
    for (const BatchCodeResult& c : r.codes) {
      if (c.batch != 2) continue;
      out << "| " << c.code.ToString() << " | " << c.label << " | ";
      if (c.classified)
        out << Fmt("%.3f", c.indices.V) << " | " << Fmt("%.3f", c.indices.G) << " | " << ToString(c.classification.regime)
            << " |\n";
      else
        out << "- | - | " << (c.found ? "undefined (" + std::string(ToString(c.indices.status)) + ")" : "not in panel")
            << " |\n";
    }
  }
  return out.str();
}

// ---- HDF5 -------------------------------------------------------------------

void WriteBatchesSection(hid_t file, const BatchesResult& r) {
  h5::Handle g = h5::EnsureGroup(file, "/batches");
  h5::WriteAttribute(g.id(), "data_label", r.data_label);
  h5::WriteAttribute(g.id(), "synthetic", static_cast<int64_t>(r.synthetic));
  h5::WriteAttribute(g.id(), "catalog", r.catalog_source);
  h5::WriteAttribute(g.id(), "index_spec", r.index_spec);
  std::vector<int32_t> batch, listed, found;
  std::vector<double> V, G;
  std::vector<std::string> status, vol, growth, regime;
  for (const BatchSummary& b : r.batches) {
    batch.push_back(b.batch);
    listed.push_back(b.codes_listed);
    found.push_back(b.codes_found);
    V.push_back(b.classified ? b.indices.V : std::nan(""));
    G.push_back(b.classified ? b.indices.G : std::nan(""));
    status.emplace_back(ToString(b.indices.status));
    vol.emplace_back(b.classified ? ToString(b.classification.volatility) : "undefined");
    growth.emplace_back(b.classified ? ToString(b.classification.growth) : "undefined");
    regime.emplace_back(b.classified ? ToString(b.classification.regime) : "undefined");
  }
  h5::WriteInt32s(file, "/batches/batch", batch);
  h5::WriteInt32s(file, "/batches/codes_listed", listed);
  h5::WriteInt32s(file, "/batches/codes_found", found);
  h5::WriteDoubles(file, "/batches/V", V);
  h5::WriteDoubles(file, "/batches/G", G);
  h5::WriteStrings(file, "/batches/index_status", status);
  h5::WriteStrings(file, "/batches/volatility_level", vol);
  h5::WriteStrings(file, "/batches/growth_level", growth);
  h5::WriteStrings(file, "/batches/regime", regime);

  std::vector<std::string> months;
  for (int t = 0; t < r.num_months; ++t) months.push_back(r.first_month.Plus(t).ToString());
  h5::EnsureGroup(file, "/batches/series");
  h5::WriteStrings(file, "/batches/series/months", months);
  std::vector<double> values;
  std::vector<uint8_t> present;
  for (const BatchSummary& b : r.batches) {
    values.insert(values.end(), b.monthly.begin(), b.monthly.end());
    present.insert(present.end(), b.present.begin(), b.present.end());
  }
  const std::vector<hsize_t> dims = {r.batches.size(), static_cast<hsize_t>(r.num_months)};
  h5::WriteDoubles(file, "/batches/series/values", values, dims);
  h5::WriteUint8s(file, "/batches/series/present", present, dims);

  h5::EnsureGroup(file, "/batches/overlap");
  std::vector<std::string> pair;
  std::vector<int32_t> c8, u8, c6, u6;
  std::vector<double> j8, j6;
  for (const BatchOverlap& o : r.overlaps) {
    pair.push_back(std::to_string(o.batch_a) + "-" + std::to_string(o.batch_b));
    c8.push_back(o.hs8_common), u8.push_back(o.hs8_union), j8.push_back(o.jaccard_hs8);
    c6.push_back(o.hs6_common), u6.push_back(o.hs6_union), j6.push_back(o.jaccard_hs6);
  }
  h5::WriteStrings(file, "/batches/overlap/pair", pair);
  h5::WriteInt32s(file, "/batches/overlap/hs8_common", c8);
  h5::WriteInt32s(file, "/batches/overlap/hs8_union", u8);
  h5::WriteDoubles(file, "/batches/overlap/jaccard_hs8", j8);
  h5::WriteInt32s(file, "/batches/overlap/hs6_common", c6);
  h5::WriteInt32s(file, "/batches/overlap/hs6_union", u6);
  h5::WriteDoubles(file, "/batches/overlap/jaccard_hs6", j6);

  h5::EnsureGroup(file, "/batches/codes");
  std::vector<int32_t> cb, cg;
  std::vector<uint8_t> cf;
  std::vector<std::string> cc, cl, cs, cr;
  std::vector<double> cV, cG;
  for (const BatchCodeResult& c : r.codes) {
    cb.push_back(c.batch), cg.push_back(c.group_id), cf.push_back(c.found);
    cc.push_back(c.code.ToString()), cl.push_back(c.label), cs.emplace_back(ToString(c.indices.status));
    cr.emplace_back(c.classified ? ToString(c.classification.regime) : "undefined");
    cV.push_back(c.classified ? c.indices.V : std::nan(""));
    cG.push_back(c.classified ? c.indices.G : std::nan(""));
  }
  h5::WriteInt32s(file, "/batches/codes/batch", cb);
  h5::WriteStrings(file, "/batches/codes/code", cc);
  h5::WriteStrings(file, "/batches/codes/label", cl);
  h5::WriteInt32s(file, "/batches/codes/group_id", cg);
  h5::WriteUint8s(file, "/batches/codes/found", cf);
  h5::WriteDoubles(file, "/batches/codes/V", cV);
  h5::WriteDoubles(file, "/batches/codes/G", cG);
  h5::WriteStrings(file, "/batches/codes/index_status", cs);
  h5::WriteStrings(file, "/batches/codes/regime", cr);

  h5::Handle pg = h5::EnsureGroup(file, "/batches/persistence");
  auto ints = [](const std::vector<int>& v) { return std::vector<int32_t>(v.begin(), v.end()); };
  h5::WriteInt32s(file, "/batches/persistence/groups_batch1", ints(r.persistence.groups_batch1));
  h5::WriteInt32s(file, "/batches/persistence/groups_batch3", ints(r.persistence.groups_batch3));
  h5::WriteInt32s(file, "/batches/persistence/groups_both", ints(r.persistence.groups_both));
  h5::WriteAttribute(pg.id(), "share", r.persistence.share);

  h5::Handle eg = h5::EnsureGroup(file, "/batches/event_study");
  h5::WriteAttribute(eg.id(), "event_month", r.options.event_month.ToString());
  h5::WriteAttribute(eg.id(), "window_months", static_cast<int64_t>(r.options.event_window_months));
  h5::WriteAttribute(eg.id(), "seasonal_dummies", static_cast<int64_t>(r.options.seasonal_dummies));
  h5::WriteAttribute(eg.id(), "units", "log points per year");
  std::vector<int32_t> eb, npre, npost;
  std::vector<double> gpre, gpost, gchg, spre, spost, schg, tchg;
  std::vector<std::string> etype, estatus;
  for (const EventStudyRow& e : r.event_study) {
    eb.push_back(e.batch), npre.push_back(e.n_pre), npost.push_back(e.n_post);
    const double nan = std::nan("");
    gpre.push_back(e.ok() ? e.growth_pre : nan), gpost.push_back(e.ok() ? e.growth_post : nan);
    gchg.push_back(e.ok() ? e.growth_change : nan), spre.push_back(e.ok() ? e.se_pre : nan);
    spost.push_back(e.ok() ? e.se_post : nan), schg.push_back(e.ok() ? e.se_change : nan);
    tchg.push_back(e.ok() ? e.t_change : nan);
    etype.push_back(e.se_type), estatus.push_back(e.status);
  }
  h5::WriteInt32s(file, "/batches/event_study/batch", eb);
  h5::WriteInt32s(file, "/batches/event_study/n_pre", npre);
  h5::WriteInt32s(file, "/batches/event_study/n_post", npost);
  h5::WriteDoubles(file, "/batches/event_study/growth_pre", gpre);
  h5::WriteDoubles(file, "/batches/event_study/growth_post", gpost);
  h5::WriteDoubles(file, "/batches/event_study/growth_change", gchg);
  h5::WriteDoubles(file, "/batches/event_study/se_pre", spre);
  h5::WriteDoubles(file, "/batches/event_study/se_post", spost);
  h5::WriteDoubles(file, "/batches/event_study/se_change", schg);
  h5::WriteDoubles(file, "/batches/event_study/t_change", tchg);
  h5::WriteStrings(file, "/batches/event_study/se_type", etype);
  h5::WriteStrings(file, "/batches/event_study/status", estatus);
}

namespace {
// Regime/levels back from their strings; "undefined" leaves classified false.
bool ReadClassification(const std::string& vol, const std::string& growth, const std::string& regime,
                        Classification* c) {
  auto v = VolatilityLevelFromString(vol);
  auto g = GrowthLevelFromString(growth);
  auto r = RegimeFromString(regime);
  if (!r) return false;
  if (v) c->volatility = *v;
  if (g) c->growth = *g;
  c->regime = *r;
  return true;
}

IndexStatus StatusFromString(const std::string& s) {
  for (IndexStatus st : {IndexStatus::kOk, IndexStatus::kTooShort, IndexStatus::kWindowOutsideData,
                         IndexStatus::kIncompletePeriod, IndexStatus::kMissingInWindow, IndexStatus::kBaseNotPositive,
                         IndexStatus::kMeanNotPositive})
    if (ToString(st) == s) return st;
  return IndexStatus::kWindowOutsideData;
}
}  // namespace

BatchesResult ReadBatchesSection(hid_t file) {
  if (!h5::Exists(file, "/batches")) ThrowInputError("run file", 0, 0, "no /batches section");
  BatchesResult r;
  h5::Handle g(H5Gopen2(file, "/batches", H5P_DEFAULT));
  r.data_label = h5::ReadStringAttribute(g.id(), "data_label");
  r.synthetic = h5::ReadIntAttribute(g.id(), "synthetic") != 0;
  r.catalog_source = h5::ReadStringAttribute(g.id(), "catalog");
  r.index_spec = h5::ReadStringAttribute(g.id(), "index_spec");
  // Each table's length comes from its first column; the other columns, and
  // the series (batches x months), are checked against it before indexing.
  const auto batch = h5::ReadInt64s(file, "/batches/batch", {h5::kAnyExtent});
  const h5::Shape per_batch = {batch.size()};
  const auto listed = h5::ReadInt64s(file, "/batches/codes_listed", per_batch);
  const auto found = h5::ReadInt64s(file, "/batches/codes_found", per_batch);
  const auto V = h5::ReadDoubles(file, "/batches/V", per_batch);
  const auto G = h5::ReadDoubles(file, "/batches/G", per_batch);
  const auto status = h5::ReadStrings(file, "/batches/index_status", per_batch);
  const auto vol = h5::ReadStrings(file, "/batches/volatility_level", per_batch);
  const auto growth = h5::ReadStrings(file, "/batches/growth_level", per_batch);
  const auto regime = h5::ReadStrings(file, "/batches/regime", per_batch);
  const auto months = h5::ReadStrings(file, "/batches/series/months", {h5::kAnyExtent});
  const h5::Shape series_shape = {batch.size(), months.size()};
  const auto values = h5::ReadDoubles(file, "/batches/series/values", series_shape);
  const auto present = h5::ReadUint8s(file, "/batches/series/present", series_shape);
  r.num_months = static_cast<int>(months.size());
  if (!months.empty()) {
    const auto first = YearMonth::Parse(months[0]);
    if (!first) ThrowInputError("run file", 0, 0, "/batches/series/months holds \"" + months[0] + "\", not a month");
    r.first_month = *first;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    BatchSummary b;
    b.batch = static_cast<int>(batch[i]);
    b.codes_listed = static_cast<int>(listed[i]);
    b.codes_found = static_cast<int>(found[i]);
    b.indices.V = V[i];
    b.indices.G = G[i];
    b.indices.status = StatusFromString(status[i]);
    b.classified = ReadClassification(vol[i], growth[i], regime[i], &b.classification);
    const size_t T = months.size();
    b.monthly.assign(values.begin() + i * T, values.begin() + (i + 1) * T);
    b.present.assign(present.begin() + i * T, present.begin() + (i + 1) * T);
    r.batches.push_back(std::move(b));
  }
  const auto pair = h5::ReadStrings(file, "/batches/overlap/pair", {h5::kAnyExtent});
  const h5::Shape per_pair = {pair.size()};
  const auto c8 = h5::ReadInt64s(file, "/batches/overlap/hs8_common", per_pair);
  const auto u8 = h5::ReadInt64s(file, "/batches/overlap/hs8_union", per_pair);
  const auto j8 = h5::ReadDoubles(file, "/batches/overlap/jaccard_hs8", per_pair);
  const auto c6 = h5::ReadInt64s(file, "/batches/overlap/hs6_common", per_pair);
  const auto u6 = h5::ReadInt64s(file, "/batches/overlap/hs6_union", per_pair);
  const auto j6 = h5::ReadDoubles(file, "/batches/overlap/jaccard_hs6", per_pair);
  for (size_t i = 0; i < pair.size(); ++i) {
    BatchOverlap o;
    if (pair[i].empty()) ThrowInputError("run file", 0, 0, "/batches/overlap/pair holds an empty name");
    o.batch_a = pair[i][0] - '0';
    o.batch_b = pair[i].back() - '0';
    o.hs8_common = static_cast<int>(c8[i]), o.hs8_union = static_cast<int>(u8[i]), o.jaccard_hs8 = j8[i];
    o.hs6_common = static_cast<int>(c6[i]), o.hs6_union = static_cast<int>(u6[i]), o.jaccard_hs6 = j6[i];
    r.overlaps.push_back(o);
  }
  const auto cb = h5::ReadInt64s(file, "/batches/codes/batch", {h5::kAnyExtent});
  const h5::Shape per_code = {cb.size()};
  const auto cc = h5::ReadStrings(file, "/batches/codes/code", per_code);
  const auto cl = h5::ReadStrings(file, "/batches/codes/label", per_code);
  const auto cg = h5::ReadInt64s(file, "/batches/codes/group_id", per_code);
  const auto cf = h5::ReadUint8s(file, "/batches/codes/found", per_code);
  const auto cV = h5::ReadDoubles(file, "/batches/codes/V", per_code);
  const auto cG = h5::ReadDoubles(file, "/batches/codes/G", per_code);
  const auto cs = h5::ReadStrings(file, "/batches/codes/index_status", per_code);
  const auto cr = h5::ReadStrings(file, "/batches/codes/regime", per_code);
  for (size_t i = 0; i < cb.size(); ++i) {
    BatchCodeResult c;
    c.batch = static_cast<int>(cb[i]);
    c.code = HsCode::Parse(cc[i]).value_or(HsCode{});
    c.label = cl[i];
    c.group_id = static_cast<int>(cg[i]);
    c.found = cf[i] != 0;
    c.indices.V = cV[i];
    c.indices.G = cG[i];
    c.indices.status = StatusFromString(cs[i]);
    c.classified = ReadClassification("", "", cr[i], &c.classification);
    r.codes.push_back(std::move(c));
  }
  auto to_int = [](const std::vector<int64_t>& v) { return std::vector<int>(v.begin(), v.end()); };
  r.persistence.groups_batch1 = to_int(h5::ReadInt64s(file, "/batches/persistence/groups_batch1"));
  r.persistence.groups_batch3 = to_int(h5::ReadInt64s(file, "/batches/persistence/groups_batch3"));
  r.persistence.groups_both = to_int(h5::ReadInt64s(file, "/batches/persistence/groups_both"));
  {
    h5::Handle pg(H5Gopen2(file, "/batches/persistence", H5P_DEFAULT));
    r.persistence.share = h5::ReadDoubleAttribute(pg.id(), "share");
  }
  h5::Handle eg(H5Gopen2(file, "/batches/event_study", H5P_DEFAULT));
  if (auto m = YearMonth::Parse(h5::ReadStringAttribute(eg.id(), "event_month"))) r.options.event_month = *m;
  r.options.event_window_months = static_cast<int>(h5::ReadIntAttribute(eg.id(), "window_months"));
  r.options.seasonal_dummies = h5::ReadIntAttribute(eg.id(), "seasonal_dummies") != 0;
  const auto eb = h5::ReadInt64s(file, "/batches/event_study/batch", {h5::kAnyExtent});
  const h5::Shape per_row = {eb.size()};
  const auto npre = h5::ReadInt64s(file, "/batches/event_study/n_pre", per_row);
  const auto npost = h5::ReadInt64s(file, "/batches/event_study/n_post", per_row);
  const auto gpre = h5::ReadDoubles(file, "/batches/event_study/growth_pre", per_row);
  const auto gpost = h5::ReadDoubles(file, "/batches/event_study/growth_post", per_row);
  const auto gchg = h5::ReadDoubles(file, "/batches/event_study/growth_change", per_row);
  const auto spre = h5::ReadDoubles(file, "/batches/event_study/se_pre", per_row);
  const auto spost = h5::ReadDoubles(file, "/batches/event_study/se_post", per_row);
  const auto schg = h5::ReadDoubles(file, "/batches/event_study/se_change", per_row);
  const auto tchg = h5::ReadDoubles(file, "/batches/event_study/t_change", per_row);
  const auto etype = h5::ReadStrings(file, "/batches/event_study/se_type", per_row);
  const auto estatus = h5::ReadStrings(file, "/batches/event_study/status", per_row);
  for (size_t i = 0; i < eb.size(); ++i) {
    EventStudyRow e;
    e.batch = static_cast<int>(eb[i]);
    e.event = r.options.event_month;
    e.n_pre = static_cast<int>(npre[i]), e.n_post = static_cast<int>(npost[i]);
    e.growth_pre = gpre[i], e.growth_post = gpost[i], e.growth_change = gchg[i];
    e.se_pre = spre[i], e.se_post = spost[i], e.se_change = schg[i], e.t_change = tchg[i];
    e.se_type = etype[i];
    e.status = estatus[i];
    r.event_study.push_back(std::move(e));
  }
  return r;
}

}  // namespace chokepoint
