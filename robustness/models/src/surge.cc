#include "chokepoint/robustness/models/surge.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>
#include <ceres/ceres.h>
#include <tbb/parallel_for.h>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/robustness/models/policy_events.h"

namespace chokepoint::robustness {

// ---------------------------------------------------------------- enums ----
std::string_view ToString(RobustLoss l) {
  switch (l) {
    case RobustLoss::kNone: return "none";
    case RobustLoss::kHuber: return "huber";
    case RobustLoss::kCauchy: return "cauchy";
  }
  return "?";
}
std::optional<RobustLoss> RobustLossFromString(std::string_view s) {
  for (RobustLoss l : {RobustLoss::kNone, RobustLoss::kHuber, RobustLoss::kCauchy})
    if (s == ToString(l)) return l;
  return std::nullopt;
}
std::string_view ToString(OnsetMode m) { return m == OnsetMode::kFree ? "free" : "events"; }
std::optional<OnsetMode> OnsetModeFromString(std::string_view s) {
  if (s == "free") return OnsetMode::kFree;
  if (s == "events") return OnsetMode::kEvents;
  return std::nullopt;
}
std::string_view ToString(SurgeModelKind k) {
  switch (k) {
    case SurgeModelKind::kTrend: return "trend";
    case SurgeModelKind::kTrendBreak: return "trend+break";
    case SurgeModelKind::kTrendSurge: return "trend+surge";
    case SurgeModelKind::kTrendBreakSurge: return "trend+break+surge";
  }
  return "?";
}
std::optional<SurgeModelKind> SurgeModelKindFromString(std::string_view s) {
  for (int k = 0; k < kNumSurgeModels; ++k)
    if (s == ToString(static_cast<SurgeModelKind>(k))) return static_cast<SurgeModelKind>(k);
  return std::nullopt;
}

// -------------------------------------------------------------- options ----
bool SurgeOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(loss_scale > 0.0) || !std::isfinite(loss_scale)) return fail("surge.loss_scale must be > 0");
  if (min_onset < 1) return fail("surge.min_onset must be >= 1");
  if (min_months_after_onset < 2) return fail("surge.min_months_after_onset must be >= 2");
  if (!(min_half_life > 0.0)) return fail("surge.min_half_life must be > 0");
  if (!(max_half_life > min_half_life)) return fail("surge.max_half_life must be > surge.min_half_life");
  if (half_life_grid_points < 2 || half_life_grid_points > 200)
    return fail("surge.half_life_grid_points must be in [2, 200]");
  if (!(break_trim > 0.0 && break_trim < 0.5)) return fail("surge.break_trim must be in (0, 0.5)");
  if (!(significance > 0.0 && significance < 0.5)) return fail("surge.significance must be in (0, 0.5)");
  if (max_iterations < 1) return fail("surge.max_iterations must be >= 1");
  if (max_surges < 1 || max_surges > 6) return fail("surge.max_surges must be in [1, 6]");
  if (onset_mode == OnsetMode::kEvents && events.empty())
    return fail("surge.onset_mode = \"events\" needs at least one event month");
  return true;
}

SurgeOptions SurgeOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"loss", "loss_scale", "seasonal", "ar1", "onset_mode", "min_onset",
                       "min_months_after_onset", "min_half_life", "max_half_life",
                       "half_life_grid_points", "break_trim", "significance", "max_iterations", "max_surges"});
  SurgeOptions o;
  if (auto v = s.GetString("loss")) {
    auto l = RobustLossFromString(*v);
    if (!l) s.Fail("loss", "must be one of none, huber, cauchy");
    o.loss = *l;
  }
  if (auto v = s.GetDouble("loss_scale")) o.loss_scale = *v;
  if (auto v = s.GetBool("seasonal")) o.seasonal = *v;
  if (auto v = s.GetBool("ar1")) o.ar1 = *v;
  if (auto v = s.GetString("onset_mode")) {
    auto m = OnsetModeFromString(*v);
    if (!m) s.Fail("onset_mode", "must be free or events");
    o.onset_mode = *m;
  }
  if (auto v = s.GetInt("min_onset")) o.min_onset = static_cast<int>(*v);
  if (auto v = s.GetInt("min_months_after_onset")) o.min_months_after_onset = static_cast<int>(*v);
  if (auto v = s.GetDouble("min_half_life")) o.min_half_life = *v;
  if (auto v = s.GetDouble("max_half_life")) o.max_half_life = *v;
  if (auto v = s.GetInt("half_life_grid_points")) o.half_life_grid_points = static_cast<int>(*v);
  if (auto v = s.GetDouble("break_trim")) o.break_trim = *v;
  if (auto v = s.GetDouble("significance")) o.significance = *v;
  if (auto v = s.GetInt("max_iterations")) o.max_iterations = static_cast<int>(*v);
  if (auto v = s.GetInt("max_surges")) o.max_surges = static_cast<int>(*v);
  return o;
}

toml::table SurgeOptions::ToToml() const {
  toml::table t;
  t.insert("loss", std::string(ToString(loss)));
  t.insert("loss_scale", loss_scale);
  t.insert("seasonal", seasonal);
  t.insert("ar1", ar1);
  t.insert("onset_mode", std::string(ToString(onset_mode)));
  t.insert("min_onset", min_onset);
  t.insert("min_months_after_onset", min_months_after_onset);
  t.insert("min_half_life", min_half_life);
  t.insert("max_half_life", max_half_life);
  t.insert("half_life_grid_points", half_life_grid_points);
  t.insert("break_trim", break_trim);
  t.insert("significance", significance);
  t.insert("max_iterations", max_iterations);
  t.insert("max_surges", max_surges);
  return t;
}

// ---------------------------------------------------------- model core ----
namespace {

constexpr int kBetaSize = 13;  // intercept, trend, 11 month effects (Feb..Dec)

// Month of year (0 = January) of observation t.
inline int MonthOf(YearMonth first, int t) { return (first.month - 1 + t) % 12; }

// Whitened residual e_t of the model at time t (Prais-Winsten for t = 0).
struct WhitenedResidual {
  int t;
  double y_t, y_prev;
  int month_t, month_prev;
  int tau, onset;

  template <typename T>
  T Mean(int time, int month, const T* beta, const T* brk, const T* surge) const {
    T m = beta[0] + beta[1] * double(time);
    if (month > 0) m += beta[1 + month];
    if (time > tau) m += brk[0] * double(time - tau);
    if (time >= onset) {
      using std::exp;
      m += surge[0] * exp(-double(time - onset) * std::numbers::ln2 * exp(-surge[1]));
    }
    return m;
  }

  template <typename T>
  bool operator()(const T* beta, const T* brk, const T* surge, const T* rho, T* r) const {
    const T u_t = y_t - Mean(t, month_t, beta, brk, surge);
    if (t == 0) {
      using std::sqrt;
      r[0] = sqrt(1.0 - rho[0] * rho[0]) * u_t;
    } else {
      const T u_prev = y_prev - Mean(t - 1, month_prev, beta, brk, surge);
      r[0] = u_t - rho[0] * u_prev;
    }
    return true;
  }
};

// Parameter storage of one fit.
struct Params {
  std::array<double, kBetaSize> beta{};
  double brk = 0.0;
  std::array<double, 2> surge{0.0, std::log(6.0)};  // A, log half-life
  double rho = 0.0;
};

struct Spec {
  SurgeModelKind kind;
  int tau = -1;    // kink month, if a break
  int onset = -1;  // onset month, if a surge
};

// Concentrated OLS solution for a design, returning coefficients (for starts).
Eigen::VectorXd OlsSolve(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  return X.colPivHouseholderQr().solve(y);
}

class SeriesModel {
 public:
  SeriesModel(std::span<const double> y, YearMonth first, const SurgeOptions& options)
      : y_(y.begin(), y.end()), first_(first), options_(options), T_(static_cast<int>(y.size())) {
    months_.resize(T_);
    for (int t = 0; t < T_; ++t) months_[t] = MonthOf(first, t);
  }

  int T() const { return T_; }

  // Base design: intercept, trend, month dummies (if seasonal).
  Eigen::MatrixXd BaseDesign() const {
    const int k = options_.seasonal ? kBetaSize : 2;
    Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(T_, k);
    for (int t = 0; t < T_; ++t) {
      Z(t, 0) = 1.0;
      Z(t, 1) = t;
      if (options_.seasonal && months_[t] > 0) Z(t, 1 + months_[t]) = 1.0;
    }
    return Z;
  }

  double Pulse(int t, int onset, double half_life) const {
    return t < onset ? 0.0 : std::exp2(-double(t - onset) / half_life);
  }

  // OLS starting values for a spec with a given half-life.
  Params StartValues(const Spec& spec, double half_life) const {
    Eigen::MatrixXd Z = BaseDesign();
    const int k0 = static_cast<int>(Z.cols());
    const int extra = (HasBreak(spec.kind) ? 1 : 0) + (HasSurge(spec.kind) ? 1 : 0);
    Eigen::MatrixXd X(T_, k0 + extra);
    X.leftCols(k0) = Z;
    int c = k0;
    if (HasBreak(spec.kind)) {
      for (int t = 0; t < T_; ++t) X(t, c) = std::max(0, t - spec.tau);
      ++c;
    }
    if (HasSurge(spec.kind)) {
      for (int t = 0; t < T_; ++t) X(t, c) = Pulse(t, spec.onset, half_life);
    }
    const Eigen::VectorXd yv = Eigen::Map<const Eigen::VectorXd>(y_.data(), T_);
    const Eigen::VectorXd coef = OlsSolve(X, yv);
    Params p;
    for (int j = 0; j < k0; ++j) p.beta[j] = coef[j];
    c = k0;
    if (HasBreak(spec.kind)) p.brk = coef[c++];
    if (HasSurge(spec.kind)) {
      p.surge[0] = std::max(coef[c], 1e-3);
      p.surge[1] = std::log(half_life);
    }
    // Starting rho: lag-1 autocorrelation of the OLS residuals.
    if (options_.ar1) {
      const Eigen::VectorXd r = yv - X * coef;
      double num = 0, den = 0;
      for (int t = 0; t < T_; ++t) {
        den += r[t] * r[t];
        if (t > 0) num += r[t] * r[t - 1];
      }
      p.rho = den > 0 ? std::clamp(num / den, -0.9, 0.9) : 0.0;
    }
    return p;
  }

  struct FitOutcome {
    Params params;
    double cost = std::numeric_limits<double>::infinity();
    bool converged = false;
  };

  FitOutcome Refine(const Spec& spec, Params start, double loss_threshold) const {
    ceres::Problem::Options popts;
    ceres::Problem problem(popts);
    FitOutcome out;
    out.params = start;
    Params& p = out.params;
    for (int t = 0; t < T_; ++t) {
      auto* functor = new WhitenedResidual{t, y_[t], t > 0 ? y_[t - 1] : 0.0, months_[t],
                                           t > 0 ? months_[t - 1] : 0, spec.tau < 0 ? T_ + 1 : spec.tau,
                                           spec.onset < 0 ? T_ + 1 : spec.onset};
      auto* cost = new ceres::AutoDiffCostFunction<WhitenedResidual, 1, kBetaSize, 1, 2, 1>(functor);
      ceres::LossFunction* loss = nullptr;
      if (options_.loss == RobustLoss::kHuber) loss = new ceres::HuberLoss(loss_threshold);
      if (options_.loss == RobustLoss::kCauchy) loss = new ceres::CauchyLoss(loss_threshold);
      problem.AddResidualBlock(cost, loss, p.beta.data(), &p.brk, p.surge.data(), &p.rho);
    }
    if (!options_.seasonal) {
      std::vector<int> constant;
      for (int j = 2; j < kBetaSize; ++j) constant.push_back(j);
      problem.SetManifold(p.beta.data(), new ceres::SubsetManifold(kBetaSize, constant));
    }
    if (!HasBreak(spec.kind)) problem.SetParameterBlockConstant(&p.brk);
    if (!HasSurge(spec.kind)) {
      problem.SetParameterBlockConstant(p.surge.data());
    } else {
      problem.SetParameterLowerBound(p.surge.data(), 1, std::log(options_.min_half_life));
      problem.SetParameterUpperBound(p.surge.data(), 1, std::log(options_.max_half_life));
    }
    if (!options_.ar1) {
      problem.SetParameterBlockConstant(&p.rho);
    } else {
      problem.SetParameterLowerBound(&p.rho, 0, -0.98);
      problem.SetParameterUpperBound(&p.rho, 0, 0.98);
    }
    ceres::Solver::Options sopts;
    sopts.linear_solver_type = ceres::DENSE_QR;
    sopts.max_num_iterations = options_.max_iterations;
    sopts.num_threads = 1;  // parallelism is across series
    sopts.logging_type = ceres::SILENT;
    sopts.minimizer_progress_to_stdout = false;
    ceres::Solver::Summary summary;
    ceres::Solve(sopts, &problem, &summary);
    out.cost = summary.final_cost;
    out.converged = summary.termination_type == ceres::CONVERGENCE;
    return out;
  }

  // Whitened residuals for a parameter set (plain doubles).
  void Residuals(const Spec& spec, const Params& p, std::vector<double>* e) const {
    e->resize(T_);
    const int tau = spec.tau < 0 ? T_ + 1 : spec.tau;
    const int onset = spec.onset < 0 ? T_ + 1 : spec.onset;
    for (int t = 0; t < T_; ++t) {
      WhitenedResidual f{t, y_[t], t > 0 ? y_[t - 1] : 0.0, months_[t], t > 0 ? months_[t - 1] : 0, tau,
                         onset};
      f(p.beta.data(), &p.brk, p.surge.data(), &p.rho, &(*e)[t]);
    }
  }

  // Free parameters: pointers into Params with names.
  std::vector<std::pair<std::string, double*>> FreeParameters(const Spec& spec, Params& p) const {
    std::vector<std::pair<std::string, double*>> free;
    free.emplace_back("intercept", &p.beta[0]);
    free.emplace_back("trend", &p.beta[1]);
    if (options_.seasonal) {
      static const char* kMonth[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};
      for (int m = 1; m < 12; ++m) free.emplace_back(std::string("month_") + kMonth[m], &p.beta[1 + m]);
    }
    if (HasBreak(spec.kind)) free.emplace_back("slope_change", &p.brk);
    if (HasSurge(spec.kind)) {
      free.emplace_back("amplitude", &p.surge[0]);
      free.emplace_back("log_half_life", &p.surge[1]);
    }
    if (options_.ar1) free.emplace_back("rho", &p.rho);
    return free;
  }

  // s^2 (J'J)^-1 with a central-difference Jacobian of the whitened residuals.
  Eigen::MatrixXd Covariance(const Spec& spec, Params p, double* rss_out) const {
    auto free = FreeParameters(spec, p);
    const int k = static_cast<int>(free.size());
    std::vector<double> e0, ep, em;
    Residuals(spec, p, &e0);
    double rss = 0;
    for (double v : e0) rss += v * v;
    *rss_out = rss;
    Eigen::MatrixXd J(T_, k);
    for (int j = 0; j < k; ++j) {
      double* v = free[j].second;
      const double orig = *v;
      const double h = 1e-6 * std::max(1.0, std::abs(orig));
      *v = orig + h;
      Residuals(spec, p, &ep);
      *v = orig - h;
      Residuals(spec, p, &em);
      *v = orig;
      for (int t = 0; t < T_; ++t) J(t, j) = (ep[t] - em[t]) / (2 * h);
    }
    const double s2 = rss / std::max(1, T_ - k);
    const Eigen::MatrixXd JtJ = J.transpose() * J;
    Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(JtJ);
    return s2 * cod.pseudoInverse();
  }

  const std::vector<double>& y() const { return y_; }
  const std::vector<int>& months() const { return months_; }

 private:
  std::vector<double> y_;
  YearMonth first_;
  const SurgeOptions& options_;
  int T_;
  std::vector<int> months_;
};

// Grid stage result for one model.
struct GridChoice {
  int tau = -1, onset = -1;
  double half_life = 0.0;
  double rss = std::numeric_limits<double>::infinity();
};

// Grid search over (tau), (onset, h), (tau, onset, h) with all linear
// coefficients concentrated out (Frisch-Waugh-Lovell on the base design).
std::array<GridChoice, kNumSurgeModels> GridSearch(const SeriesModel& model, const Eigen::MatrixXd& Z,
                                                   const std::vector<int>& taus,
                                                   const std::vector<int>& onsets,
                                                   const std::vector<double>& half_lives,
                                                   double rho, std::vector<double>* pilot_residuals) {
  const int T = model.T();
  // Quasi-differencing (Prais-Winsten) with a pilot rho makes the grid a
  // feasible-GLS search: dates are located more precisely under AR(1) errors.
  const double head = std::sqrt(1.0 - rho * rho);
  auto whiten = [&](Eigen::VectorXd& v) {
    for (int t = T - 1; t >= 1; --t) v[t] -= rho * v[t - 1];
    v[0] *= head;
  };
  Eigen::MatrixXd Zw = Z;
  for (int c = 0; c < Zw.cols(); ++c) {
    Eigen::VectorXd col = Zw.col(c);
    whiten(col);
    Zw.col(c) = col;
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(Zw);
  const Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(T, Z.cols());
  auto residualize = [&](Eigen::VectorXd& v) {
    whiten(v);
    v -= Q * (Q.transpose() * v);
  };
  Eigen::VectorXd ry = Eigen::Map<const Eigen::VectorXd>(model.y().data(), T);
  residualize(ry);
  const double yy = ry.squaredNorm();

  std::array<GridChoice, kNumSurgeModels> best;
  best[0].rss = yy;

  // Candidates are streamed, never stored as T x candidates matrices (that
  // was O(T^2) memory, 24 GB at T = 10,000): each break ramp and each pulse
  // is residualised once and only its scalars are kept (bb, by; pp, py).
  const int nb = static_cast<int>(taus.size());
  Eigen::VectorXd bb(nb), by(nb), v(T);
  for (int i = 0; i < nb; ++i) {
    for (int t = 0; t < T; ++t) v[t] = std::max(0, t - taus[i]);
    residualize(v);
    bb[i] = v.squaredNorm();
    by[i] = v.dot(ry);
  }
  for (int i = 0; i < nb; ++i) {
    if (bb[i] <= 0) continue;
    const double rss = yy - by[i] * by[i] / bb[i];
    if (rss < best[1].rss) best[1] = {taus[i], -1, 0.0, rss};
  }
  // Pairs (break i, pulse j) in the pulse-major order the streaming needs;
  // ties keep the first in (i, j) order, as the break-major loop did.
  int best_pair_i = -1;
  const int np = static_cast<int>(onsets.size() * half_lives.size());
  Eigen::VectorXd suffix(T + 1), bp(nb);
  for (int j = 0; j < np; ++j) {
    const int onset = onsets[j / half_lives.size()];
    const double half_life = half_lives[j % half_lives.size()];
    for (int t = 0; t < T; ++t) v[t] = model.Pulse(t, onset, half_life);
    residualize(v);
    const double pp = v.squaredNorm(), py = v.dot(ry);
    if (!(pp > 0 && py > 0)) continue;  // surges are positive (A > 0)
    const double rss2 = yy - py * py / pp;
    if (rss2 < best[2].rss) best[2] = {-1, onset, half_life, rss2};
    if (nb == 0) continue;
    // b_i'v for every break: v is residualised (Q'v = 0), so the
    // residualised ramp's product equals the whitened ramp's, which is 0 up
    // to tau and (1 - rho)(t - tau) + rho after it: with S(k) = sum_{t>=k}
    // v_t and D(tau) = sum_{k>tau} S(k), b_i'v = (1 - rho) D(tau) + rho S(tau + 1).
    suffix[T] = 0.0;
    for (int t = T - 1; t >= 0; --t) suffix[t] = suffix[t + 1] + v[t];
    double ramp = 0.0;  // D(tau) for tau = T - 1 down to the smallest candidate
    int next = nb - 1;  // taus ascend
    for (int tau = T - 1; tau >= 0 && next >= 0; --tau) {
      if (tau == taus[next]) {
        bp[next] = (1.0 - rho) * ramp + rho * suffix[tau + 1];
        --next;
      }
      ramp += suffix[tau];  // D(tau - 1) = D(tau) + S(tau)
    }
    for (int i = 0; i < nb; ++i) {
      const double a = bb[i], b = bp[i];
      const double det = a * pp - b * b;
      if (det <= 1e-12 * a * pp) continue;
      const double amp = (a * py - b * by[i]) / det;
      if (amp <= 0) continue;
      const double expl = (pp * by[i] * by[i] - 2 * b * by[i] * py + a * py * py) / det;
      const double rss = yy - expl;
      if (rss < best[3].rss || (rss == best[3].rss && i < best_pair_i)) {
        best[3] = {taus[i], onset, half_life, rss};
        best_pair_i = i;
      }
    }
  }
  // Pilot residuals from the richest model that exists.
  int richest = 0;
  for (int k = kNumSurgeModels - 1; k >= 0; --k)
    if (std::isfinite(best[k].rss)) { richest = k; break; }
  {
    const GridChoice& g = best[richest];
    Eigen::MatrixXd X(T, Z.cols() + 2);
    X.leftCols(Z.cols()) = Z;
    int c = static_cast<int>(Z.cols());
    if (g.tau >= 0) {
      for (int t = 0; t < T; ++t) X(t, c) = std::max(0, t - g.tau);
      ++c;
    }
    if (g.onset >= 0) {
      for (int t = 0; t < T; ++t) X(t, c) = model.Pulse(t, g.onset, g.half_life);
      ++c;
    }
    const Eigen::MatrixXd Xu = X.leftCols(c);
    const Eigen::VectorXd yv = Eigen::Map<const Eigen::VectorXd>(model.y().data(), T);
    const Eigen::VectorXd r = yv - Xu * OlsSolve(Xu, yv);
    pilot_residuals->assign(r.data(), r.data() + T);
  }
  return best;
}

double Lag1Correlation(const std::vector<double>& r) {
  double num = 0, den = 0;
  for (size_t t = 0; t < r.size(); ++t) {
    den += r[t] * r[t];
    if (t > 0) num += r[t] * r[t - 1];
  }
  return den > 0 ? std::clamp(num / den, -0.95, 0.95) : 0.0;
}

double RobustScale(std::vector<double> r) {
  // Whitened by the lag-1 autocorrelation, then 1.4826 x MAD.
  const int T = static_cast<int>(r.size());
  double den = 0;
  for (double v : r) den += v * v;
  const double rho = Lag1Correlation(r);
  std::vector<double> e;
  for (int t = 1; t < T; ++t) e.push_back(r[t] - rho * r[t - 1]);
  std::sort(e.begin(), e.end());
  const double med = e[e.size() / 2];
  for (double& v : e) v = std::abs(v - med);
  std::sort(e.begin(), e.end());
  const double mad = 1.4826 * e[e.size() / 2];
  return mad > 0 ? mad : std::sqrt(den / T);
}

}  // namespace

// ------------------------------------------------------------- fitting ----
SurgeResult FitSurgeModel(std::span<const double> x, YearMonth first_month, const SurgeOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  const int T = static_cast<int>(x.size());
  if (T < 36) throw Error(ErrorKind::kInput, "surge model needs at least 36 months, got " + std::to_string(T));
  std::vector<double> y(T);
  for (int t = 0; t < T; ++t) {
    if (!(x[t] > 0.0) || !std::isfinite(x[t]))
      throw Error(ErrorKind::kInput, "surge model needs positive values; month " + first_month.Plus(t).ToString() +
                          " has " + std::to_string(x[t]));
    y[t] = std::log(x[t]);
  }

  SurgeResult result;
  result.options = options;
  result.first_month = first_month;
  result.num_months = T;
  result.log_values = y;

  SeriesModel model(y, first_month, options);
  const Eigen::MatrixXd Z = model.BaseDesign();

  // Candidate sets.
  const int h = static_cast<int>(std::floor(options.break_trim * T));
  result.break_trim_obs = h;
  std::vector<int> taus;
  for (int tau = std::max(h - 1, 1); tau <= T - 1 - h; ++tau) taus.push_back(tau);
  const int min_onset = options.min_onset;
  const int max_onset = T - options.min_months_after_onset;
  result.min_onset_used = min_onset;
  result.max_onset_used = max_onset;
  std::vector<int> onsets;
  if (options.onset_mode == OnsetMode::kFree) {
    for (int o = min_onset; o <= max_onset; ++o) onsets.push_back(o);
  } else {
    for (const YearMonth& m : options.events) {
      const int o = MonthsBetween(first_month, m);
      if (o >= min_onset && o <= max_onset &&
          std::find(onsets.begin(), onsets.end(), o) == onsets.end())
        onsets.push_back(o);
    }
    std::sort(onsets.begin(), onsets.end());
    result.event_indices_used = onsets;
  }
  std::vector<double> half_lives(options.half_life_grid_points);
  for (int i = 0; i < options.half_life_grid_points; ++i)
    half_lives[i] = options.min_half_life *
                    std::pow(options.max_half_life / options.min_half_life,
                             double(i) / (options.half_life_grid_points - 1));

  std::vector<double> pilot;
  auto grid = GridSearch(model, Z, taus, onsets, half_lives, 0.0, &pilot);
  if (options.ar1) {
    // Second, feasible-GLS pass with rho from the first pass's residuals.
    grid = GridSearch(model, Z, taus, onsets, half_lives, Lag1Correlation(pilot), &pilot);
  }
  result.pilot_scale = RobustScale(pilot);
  const double loss_threshold = options.loss_scale * result.pilot_scale;

  const bool onset_searched = options.onset_mode == OnsetMode::kFree || onsets.size() > 1;
  const int k_base = 2 + (options.seasonal ? 11 : 0) + (options.ar1 ? 1 : 0);

  for (int k = 0; k < kNumSurgeModels; ++k) {
    const SurgeModelKind kind = static_cast<SurgeModelKind>(k);
    SurgeFit& fit = result.fits[k];
    fit.kind = kind;
    const GridChoice& g = grid[k];
    if (!std::isfinite(g.rss)) {  // no admissible candidate (e.g. no events in range)
      fit.bic = std::numeric_limits<double>::infinity();
      continue;
    }
    Spec spec{kind, g.tau, g.onset};
    auto outcome = model.Refine(spec, model.StartValues(spec, g.half_life > 0 ? g.half_life : 6.0),
                                loss_threshold);
    // Local refinement of the integer dates: hill-climb over +/-1 month.
    const bool move_tau = HasBreak(kind);
    const bool move_onset = HasSurge(kind) && options.onset_mode == OnsetMode::kFree;
    for (int step = 0; step < 4 && (move_tau || move_onset); ++step) {
      Spec best_spec = spec;
      auto best_outcome = outcome;
      std::vector<Spec> neighbours;
      if (move_tau)
        for (int d : {-1, 1}) {
          Spec s = spec;
          s.tau += d;
          if (s.tau >= taus.front() && s.tau <= taus.back()) neighbours.push_back(s);
        }
      if (move_onset)
        for (int d : {-1, 1}) {
          Spec s = spec;
          s.onset += d;
          if (s.onset >= min_onset && s.onset <= max_onset) neighbours.push_back(s);
        }
      for (const Spec& s : neighbours) {
        auto o = model.Refine(s, outcome.params, loss_threshold);
        if (o.cost < best_outcome.cost - 1e-12) {
          best_outcome = o;
          best_spec = s;
        }
      }
      if (best_spec.tau == spec.tau && best_spec.onset == spec.onset) break;
      spec = best_spec;
      outcome = best_outcome;
    }

    Params p = outcome.params;
    double rss = 0;
    const Eigen::MatrixXd cov = model.Covariance(spec, p, &rss);
    auto free = model.FreeParameters(spec, p);
    fit.converged = outcome.converged;
    for (size_t j = 0; j < free.size(); ++j) {
      fit.names.push_back(free[j].first);
      fit.estimates.push_back(*free[j].second);
      fit.standard_errors.push_back(std::sqrt(std::max(0.0, cov(j, j))));
    }
    auto index_of = [&](std::string_view name) {
      for (size_t j = 0; j < free.size(); ++j)
        if (free[j].first == name) return static_cast<int>(j);
      return -1;
    };
    fit.intercept = p.beta[0];
    fit.trend = p.beta[1];
    fit.trend_se = fit.standard_errors[index_of("trend")];
    fit.month_effects[0] = 0.0;
    for (int m = 1; m < 12; ++m) fit.month_effects[m] = options.seasonal ? p.beta[1 + m] : 0.0;
    if (HasBreak(kind)) {
      const int jb = index_of("slope_change"), jt = index_of("trend");
      fit.break_index = spec.tau;
      fit.slope_change = p.brk;
      fit.slope_change_se = fit.standard_errors[jb];
      fit.post_break_slope = p.beta[1] + p.brk;
      fit.post_break_slope_se = std::sqrt(std::max(0.0, cov(jt, jt) + cov(jb, jb) + 2 * cov(jt, jb)));
    } else {
      fit.post_break_slope = fit.trend;
      fit.post_break_slope_se = fit.trend_se;
    }
    if (HasSurge(kind)) {
      fit.onset_index = spec.onset;
      fit.amplitude = p.surge[0];
      fit.amplitude_se = fit.standard_errors[index_of("amplitude")];
      fit.half_life = std::exp(p.surge[1]);
      fit.half_life_se = fit.half_life * fit.standard_errors[index_of("log_half_life")];
    }
    if (options.ar1) {
      fit.rho = p.rho;
      fit.rho_se = fit.standard_errors[index_of("rho")];
    }
    fit.rss = rss;
    const int k_free = static_cast<int>(free.size());
    fit.df_residual = T - k_free;
    fit.num_params = k_base + (HasBreak(kind) ? 2 : 0) +
                     (HasSurge(kind) ? (onset_searched ? 3 : 2) : 0);
    const double log_det = options.ar1 ? std::log(1.0 - p.rho * p.rho) : 0.0;
    fit.log_likelihood = -0.5 * T * (std::log(2 * std::numbers::pi * rss / T) + 1.0) + 0.5 * log_det;
    // With a robust loss the criterion uses the robust objective sum rho(e_t^2)
    // (= 2 x Ceres cost) in place of the residual sum of squares, so one
    // outlier month cannot buy a surge (an M-estimation analogue of BIC).
    const double fit_measure = options.loss == RobustLoss::kNone ? rss : 2.0 * outcome.cost;
    fit.bic = T * std::log(fit_measure / T) - log_det + fit.num_params * std::log(double(T));
  }

  // Model choice by BIC.
  int chosen = 0;
  for (int k = 1; k < kNumSurgeModels; ++k)
    if (result.fits[k].bic < result.fits[chosen].bic) chosen = k;
  result.chosen = static_cast<SurgeModelKind>(chosen);

  // Verdict from the chosen model's t tests.
  const SurgeFit& f = result.fits[chosen];
  const int df = std::max(1, f.df_residual);
  const boost::math::students_t dist(df);
  const double crit = boost::math::quantile(boost::math::complement(dist, options.significance / 2));
  char buf[256];
  if (HasSurge(f.kind) && f.amplitude_se > 0 && f.amplitude / f.amplitude_se > crit) {
    result.verdict = Regime::kStockpiling;
    std::snprintf(buf, sizeof buf, "transient surge A = %.3f (t = %.2f > %.2f) from %s, half-life %.1f months",
                  f.amplitude, f.amplitude / f.amplitude_se, crit,
                  first_month.Plus(f.onset_index).ToString().c_str(), f.half_life);
  } else if (f.trend_se > 0 && f.trend / f.trend_se < -crit) {
    result.verdict = Regime::kSubstitution;
    std::snprintf(buf, sizeof buf, "negative trend b = %.4f/month (t = %.2f < -%.2f)", f.trend,
                  f.trend / f.trend_se, crit);
  } else if (HasBreak(f.kind) && f.post_break_slope_se > 0 &&
             f.post_break_slope / f.post_break_slope_se < -crit) {
    result.verdict = Regime::kSubstitution;
    std::snprintf(buf, sizeof buf, "negative post-break slope %.4f/month after %s (t = %.2f < -%.2f)",
                  f.post_break_slope, first_month.Plus(f.break_index).ToString().c_str(),
                  f.post_break_slope / f.post_break_slope_se, crit);
  } else {
    result.verdict = Regime::kNoEffect;
    std::snprintf(buf, sizeof buf, "no significant surge and no significantly negative slope (|t| crit %.2f)",
                  crit);
  }
  result.verdict_reason = buf;

  // Components of the chosen model.
  result.fitted_trend.resize(T);
  result.fitted_seasonal.resize(T);
  result.fitted_surge.resize(T);
  result.residual.resize(T);
  for (int t = 0; t < T; ++t) {
    double tr = f.intercept + f.trend * t;
    if (HasBreak(f.kind) && t > f.break_index) tr += f.slope_change * (t - f.break_index);
    const double se = f.month_effects[MonthOf(first_month, t)];
    const double su =
        HasSurge(f.kind) && t >= f.onset_index ? f.amplitude * std::exp2(-double(t - f.onset_index) / f.half_life)
                                               : 0.0;
    result.fitted_trend[t] = tr;
    result.fitted_seasonal[t] = se;
    result.fitted_surge[t] = su;
    result.residual[t] = y[t] - tr - se - su;
  }

  // Further pulses, one at a time: refit the series without the pulses found
  // so far; keep the refit's pulse when its chosen model has a significant
  // surge (the same t test as the verdict).
  if (result.verdict == Regime::kStockpiling && options.max_surges > 1) {
    SurgeOptions rest_options = options;
    rest_options.max_surges = options.max_surges - 1;
    std::vector<double> rest(T);
    for (int t = 0; t < T; ++t) rest[t] = x[t] / std::exp(result.fitted_surge[t]);
    const SurgeResult next = FitSurgeModel(rest, first_month, rest_options);
    if (next.verdict == Regime::kStockpiling) {
      const SurgeFit& n = next.chosen_fit();
      SurgePulse pulse;
      pulse.onset_index = n.onset_index;
      pulse.amplitude = n.amplitude;
      pulse.amplitude_se = n.amplitude_se;
      pulse.half_life = n.half_life;
      pulse.half_life_se = n.half_life_se;
      result.further_surges.push_back(pulse);
      result.further_surges.insert(result.further_surges.end(), next.further_surges.begin(),
                                   next.further_surges.end());
      // next.fitted_surge holds exactly the pulses just appended.
      for (int t = 0; t < T; ++t) {
        result.fitted_surge[t] += next.fitted_surge[t];
        result.residual[t] -= next.fitted_surge[t];
      }
    }
  }
  return result;
}

std::string SurgeResult::FullReport() const {
  std::ostringstream os;
  char buf[512];
  os << "Trend + surge model: " << num_months << " months from " << first_month.ToString() << "\n";
  os << "  loss " << ToString(options.loss) << " (scale " << options.loss_scale << " x pilot "
     << pilot_scale << "), seasonal " << (options.seasonal ? "yes" : "no") << ", AR(1) "
     << (options.ar1 ? "yes" : "no") << ", onsets " << ToString(options.onset_mode) << " in ["
     << first_month.Plus(min_onset_used).ToString() << ", " << first_month.Plus(max_onset_used).ToString()
     << "], break trim " << options.break_trim << " (h = " << break_trim_obs << ")\n";
  os << "  model               BIC        rss       rho    trend     break      slope_chg  onset    A      half-life\n";
  for (const SurgeFit& f : fits) {
    std::snprintf(buf, sizeof buf, "  %-18s %9.3f %9.5f %6.3f %8.5f  %-8s %9.5f  %-8s %6.3f %7.2f%s\n",
                  std::string(ToString(f.kind)).c_str(), f.bic, f.rss, f.rho, f.trend,
                  f.break_index >= 0 ? first_month.Plus(f.break_index).ToString().c_str() : "-",
                  f.slope_change, f.onset_index >= 0 ? first_month.Plus(f.onset_index).ToString().c_str() : "-",
                  f.amplitude, f.half_life, f.kind == chosen ? "  <- chosen" : "");
    os << buf;
  }
  for (const SurgePulse& p : further_surges) {
    std::snprintf(buf, sizeof buf, "  further surge (fitted without the pulses before it): onset %s, A = %.3f (SE %.3f), half-life %.1f (SE %.1f)\n",
                  first_month.Plus(p.onset_index).ToString().c_str(), p.amplitude, p.amplitude_se, p.half_life,
                  p.half_life_se);
    os << buf;
  }
  os << "  verdict: " << ToString(verdict) << " (" << verdict_reason << ")\n";
  return os.str();
}

}  // namespace chokepoint::robustness
