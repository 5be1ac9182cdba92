#include "chokepoint/robustness/models/panel_regression.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <boost/math/distributions/students_t.hpp>

#include "chokepoint/core/error.h"

namespace chokepoint::robustness {

bool PanelOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (driscoll_kraay_lag < -1) return fail("panel.driscoll_kraay_lag must be -1 (auto) or >= 0");
  if (!(significance > 0.0 && significance < 0.5)) return fail("panel.significance must be in (0, 0.5)");
  if (post_start.month < 1 || post_start.month > 12) return fail("panel.post_start must be a valid month");
  return true;
}

PanelOptions PanelOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"post_start", "seasonal", "driscoll_kraay_lag", "driscoll_kraay_adjust", "significance"});
  PanelOptions o;
  if (auto v = s.GetMonth("post_start")) o.post_start = *v;
  if (auto v = s.GetBool("seasonal")) o.seasonal = *v;
  if (auto v = s.GetInt("driscoll_kraay_lag")) o.driscoll_kraay_lag = static_cast<int>(*v);
  if (auto v = s.GetBool("driscoll_kraay_adjust")) o.driscoll_kraay_adjust = *v;
  if (auto v = s.GetDouble("significance")) o.significance = *v;
  return o;
}

toml::table PanelOptions::ToToml() const {
  toml::table t;
  t.insert("post_start", post_start.ToString());
  t.insert("seasonal", seasonal);
  t.insert("driscoll_kraay_lag", driscoll_kraay_lag);
  t.insert("driscoll_kraay_adjust", driscoll_kraay_adjust);
  t.insert("significance", significance);
  return t;
}

PanelOlsFit FitPanelOls(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::span<const int> cluster,
                        std::span<const int> time, int dk_lag, bool dk_adjust) {
  PanelOlsFit fit;
  const int n = static_cast<int>(X.rows()), k = static_cast<int>(X.cols());
  fit.n = n;
  fit.k = k;
  const Eigen::MatrixXd XtX = X.transpose() * X;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(XtX);
  const Eigen::MatrixXd bread = ldlt.solve(Eigen::MatrixXd::Identity(k, k));
  fit.coefficients = bread * (X.transpose() * y);
  const Eigen::VectorXd resid = y - X * fit.coefficients;
  fit.rss = resid.squaredNorm();
  const Eigen::MatrixXd scores = X.array().colwise() * resid.array();  // n x k

  // Clustered: sum scores within cluster.
  std::map<int, int> cluster_index;
  for (int c : cluster) cluster_index.emplace(c, 0);
  int g = 0;
  for (auto& [id, idx] : cluster_index) idx = g++;
  fit.num_clusters = g;
  Eigen::MatrixXd by_cluster = Eigen::MatrixXd::Zero(g, k);
  for (int i = 0; i < n; ++i) by_cluster.row(cluster_index[cluster[i]]) += scores.row(i);
  const Eigen::MatrixXd meat_cl = by_cluster.transpose() * by_cluster;
  const double factor_cl = (g > 1 ? double(g) / (g - 1) : 1.0) * double(n - 1) / double(n - k);
  fit.vcov_cluster = factor_cl * bread * meat_cl * bread;

  // Driscoll-Kraay: sum scores within period, Bartlett-weighted autocovariances.
  std::map<int, int> time_index;
  for (int t : time) time_index.emplace(t, 0);
  int nt = 0;
  for (auto& [id, idx] : time_index) idx = nt++;
  fit.num_times = nt;
  Eigen::MatrixXd by_time = Eigen::MatrixXd::Zero(nt, k);
  for (int i = 0; i < n; ++i) by_time.row(time_index[time[i]]) += scores.row(i);
  const int lag = dk_lag >= 0 ? dk_lag : static_cast<int>(std::floor(std::pow(double(nt), 0.25)));
  fit.dk_lag_used = lag;
  Eigen::MatrixXd meat_dk = by_time.transpose() * by_time;
  for (int j = 1; j <= lag && j < nt; ++j) {
    const double w = 1.0 - double(j) / (lag + 1);
    const Eigen::MatrixXd gamma = by_time.topRows(nt - j).transpose() * by_time.bottomRows(nt - j);
    meat_dk += w * (gamma + gamma.transpose());
  }
  if (dk_adjust) meat_dk *= double(n) / double(n - k);
  fit.vcov_driscoll_kraay = bread * meat_dk * bread;
  return fit;
}

namespace {
// GroupSeries::row_complete lives with AggregateGroups (catalog helper); this
// local check keeps the models independent of it.
bool RowComplete(const GroupSeries& s, int g) {
  if (s.present.empty()) return true;
  for (int t = 0; t < s.num_months; ++t)
    if (!s.present[static_cast<size_t>(g) * s.num_months + t]) return false;
  return true;
}
}  // namespace

PanelResult FitPanelRegression(const GroupSeries& series, const PanelOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  PanelResult r;
  r.options = options;
  const int T = series.num_months;
  r.post_index = MonthsBetween(series.first_month, options.post_start);
  std::vector<int> used;
  for (int g = 0; g < series.num_groups(); ++g) {
    const auto row = series.row(g);
    const bool ok = RowComplete(series, g) && std::all_of(row.begin(), row.end(), [](double v) { return v > 0; });
    (ok ? r.groups_used : r.groups_skipped).push_back(series.groups[g].name);
    if (ok) {
      used.push_back(g);
      (series.groups[g].semiconductor ? r.num_semiconductor : r.num_other)++;
    }
  }
  if (r.num_semiconductor == 0 || r.num_other == 0)
    throw Error(ErrorKind::kInput, "panel regression needs complete positive series for both semiconductor and other groups");
  const int G = static_cast<int>(used.size());
  const int month_cols = options.seasonal ? 11 : 0;
  const int k = G + month_cols + 4;
  const int n = G * T;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, k);
  Eigen::VectorXd y(n);
  std::vector<int> cluster(n), time(n);
  static const char* kMonth[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < G; ++i) r.fit.names.push_back("alpha[" + series.groups[used[i]].name + "]");
  for (int m = 1; m <= month_cols; ++m) r.fit.names.push_back(std::string("month_") + kMonth[m]);
  for (const char* nm : {"trend_semiconductor", "trend_other", "post_slope_change_semiconductor",
                         "post_slope_change_other"})
    r.fit.names.push_back(nm);
  for (int i = 0; i < G; ++i) {
    const int g = used[i];
    const bool semi = series.groups[g].semiconductor;
    const auto row = series.row(g);
    for (int t = 0; t < T; ++t) {
      const int obs = i * T + t;
      y[obs] = std::log(row[t]);
      X(obs, i) = 1.0;
      const int month = series.month(t).month;  // 1..12
      if (options.seasonal && month > 1) X(obs, G + month - 2) = 1.0;
      const double post = std::max(0, t - r.post_index);
      X(obs, G + month_cols + (semi ? 0 : 1)) = t;
      X(obs, G + month_cols + (semi ? 2 : 3)) = post;
      cluster[obs] = i;
      time[obs] = t;
    }
  }
  auto names = r.fit.names;
  r.fit = FitPanelOls(X, y, cluster, time, options.driscoll_kraay_lag, options.driscoll_kraay_adjust);
  r.fit.names = names;

  const int b_semi = G + month_cols, b_other = b_semi + 1, g_semi = b_semi + 2, g_other = b_semi + 3;
  const boost::math::students_t dist_cl(std::max(1, r.fit.num_clusters - 1));
  const boost::math::students_t dist_dk(std::max(1, r.fit.num_times - 1));
  auto contrast = [&](const std::string& name, const Eigen::VectorXd& L) {
    PanelContrast c;
    c.name = name;
    c.estimate = L.dot(r.fit.coefficients);
    c.se_cluster = std::sqrt(std::max(0.0, double(L.transpose() * r.fit.vcov_cluster * L)));
    c.se_dk = std::sqrt(std::max(0.0, double(L.transpose() * r.fit.vcov_driscoll_kraay * L)));
    c.t_cluster = c.se_cluster > 0 ? c.estimate / c.se_cluster : 0.0;
    c.t_dk = c.se_dk > 0 ? c.estimate / c.se_dk : 0.0;
    c.p_cluster = 2 * boost::math::cdf(boost::math::complement(dist_cl, std::abs(c.t_cluster)));
    c.p_dk = 2 * boost::math::cdf(boost::math::complement(dist_dk, std::abs(c.t_dk)));
    r.contrasts.push_back(c);
  };
  auto unit = [&](std::initializer_list<std::pair<int, double>> entries) {
    Eigen::VectorXd L = Eigen::VectorXd::Zero(r.fit.k);
    for (auto [i, v] : entries) L[i] = v;
    return L;
  };
  contrast("trend_difference_pre", unit({{b_semi, 1}, {b_other, -1}}));
  contrast("trend_difference_post", unit({{b_semi, 1}, {g_semi, 1}, {b_other, -1}, {g_other, -1}}));
  contrast("trend_semiconductor_pre", unit({{b_semi, 1}}));
  contrast("trend_other_pre", unit({{b_other, 1}}));
  contrast("trend_semiconductor_post", unit({{b_semi, 1}, {g_semi, 1}}));
  contrast("trend_other_post", unit({{b_other, 1}, {g_other, 1}}));
  const double a = options.significance;
  const auto& pre = r.contrasts[0];
  const auto& post = r.contrasts[1];
  const bool pre_sig = pre.p_cluster < a && pre.p_dk < a;
  const bool post_sig = post.p_cluster < a && post.p_dk < a;
  r.trend_differs = pre_sig || post_sig;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Semiconductor-related groups' trend minus the others': %+.4f log points/month before %s "
                "(%.1f%%/year; p = %.3g clustered, %.3g Driscoll-Kraay) and %+.4f from %s on "
                "(%.1f%%/year; p = %.3g clustered, %.3g Driscoll-Kraay): %s.",
                pre.estimate, options.post_start.ToString().c_str(), 100 * (std::exp(12 * pre.estimate) - 1),
                pre.p_cluster, pre.p_dk, post.estimate, options.post_start.ToString().c_str(),
                100 * (std::exp(12 * post.estimate) - 1), post.p_cluster, post.p_dk,
                r.trend_differs ? "the semiconductor trend differs significantly"
                                : "no significant difference under both covariances");
  r.conclusion = buf;
  return r;
}

std::string PanelResult::FullReport() const {
  std::ostringstream os;
  char buf[512];
  os << "Panel regression: " << groups_used.size() << " groups (" << num_semiconductor << " semiconductor, "
     << num_other << " other), n = " << fit.n << ", k = " << fit.k << ", post from "
     << options.post_start.ToString() << " (month index " << post_index << ")\n";
  os << "  clustered by group: sandwich::vcovCL HC1, G = " << fit.num_clusters
     << "; Driscoll-Kraay: Bartlett lag " << fit.dk_lag_used << ", adjust " << (options.driscoll_kraay_adjust ? "n/(n-k)" : "none")
     << ", T = " << fit.num_times << "\n";
  for (int j = 0; j < fit.k; ++j) {
    if (fit.names[j].rfind("alpha[", 0) == 0 || fit.names[j].rfind("month_", 0) == 0) continue;
    std::snprintf(buf, sizeof buf, "  %-34s %10.6f  se_cl %9.6f  se_dk %9.6f\n", fit.names[j].c_str(),
                  fit.coefficients[j], std::sqrt(fit.vcov_cluster(j, j)), std::sqrt(fit.vcov_driscoll_kraay(j, j)));
    os << buf;
  }
  for (const auto& c : contrasts) {
    std::snprintf(buf, sizeof buf, "  %-34s %10.6f  t_cl %6.2f (p %.3g)  t_dk %6.2f (p %.3g)\n", c.name.c_str(),
                  c.estimate, c.t_cluster, c.p_cluster, c.t_dk, c.p_dk);
    os << buf;
  }
  os << "  " << conclusion << "\n";
  if (!groups_skipped.empty()) {
    os << "  skipped (incomplete or non-positive):";
    for (const auto& g : groups_skipped) os << " " << g;
    os << "\n";
  }
  return os.str();
}

}  // namespace chokepoint::robustness
