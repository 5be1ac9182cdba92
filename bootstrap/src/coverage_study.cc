#include "chokepoint/bootstrap/coverage_study.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include <Eigen/Dense>
#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/random.h"

namespace chokepoint::bootstrap {

namespace {

constexpr YearMonth kFirstMonth{2015, 1};
// Month pattern (January first): a Chinese New Year dip in February and a
// year-end bump, as the models' test process (docs/method.md §8.6).
constexpr std::array<double, 12> kSeason = {0.5, -2.5, 1.0, 0.2, 0.0, 0.3, -0.2, 0.1, 0.3, -0.1, 0.2, 0.6};

uint64_t MixSeed(uint64_t seed, uint64_t a, uint64_t b) {
  return MixKey(seed ^ (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full));
}

IndexSpec SpecOf(const CoverageDesign& d) {
  IndexSpec spec;
  spec.base = d.base;
  return spec;
}

std::vector<double> ExpOf(const std::vector<double>& log_x) {
  std::vector<double> x(log_x.size());
  for (size_t t = 0; t < x.size(); ++t) x[t] = std::exp(log_x[t]);
  return x;
}

std::string Percent(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * rate);
  return buf;
}

}  // namespace

std::string_view ToString(CoverageInterval i) {
  switch (i) {
    case CoverageInterval::kLogCentred: return "log_centred";
    case CoverageInterval::kLogCentredCalibrated: return "log_centred_calibrated";
    case CoverageInterval::kEstimandPercentile: return "percentile (estimand)";
    case CoverageInterval::kBasic: return "basic (legacy)";
    case CoverageInterval::kPercentile: return "percentile (legacy)";
    case CoverageInterval::kNormal: return "normal (legacy)";
    case CoverageInterval::kBca: return "bca (legacy)";
  }
  return "?";
}

double CoverageCount::standard_error() const {
  if (total <= 0) return 0.0;
  const double p = rate();
  return std::sqrt(p * (1.0 - p) / static_cast<double>(total));
}

CoverageOptions::CoverageOptions() {
  bootstrap.replicates = 499;
  bootstrap.progress = false;
  bootstrap.keep_replicates = false;
  bootstrap.scheme_diagnostics = false;
  bootstrap.base_sensitivity = false;
  bootstrap.calibration_outer = 100;
  bootstrap.calibration_inner = 100;
}

std::vector<CoverageDesign> DefaultCoverageDesigns() {
  const CoverageDesign base{.name = "base: trend, rho 0.5, CV 0.1, T 120, base first"};
  std::vector<CoverageDesign> out = {base};
  auto add = [&](std::string name, auto&& change) {
    CoverageDesign d = base;
    d.name = std::move(name);
    change(d);
    out.push_back(d);
  };
  add("no trend", [](CoverageDesign& d) { d.trend = 0.0; });
  add("one surge", [](CoverageDesign& d) { d.surges = 1; });
  add("two surges", [](CoverageDesign& d) { d.surges = 2; });
  add("level shift -0.4", [](CoverageDesign& d) { d.level_shift = -0.4; });
  add("rho 0", [](CoverageDesign& d) { d.rho = 0.0; });
  add("rho 0.8", [](CoverageDesign& d) { d.rho = 0.8; });
  add("CV 0.3", [](CoverageDesign& d) { d.noise_cv = 0.3; });
  add("T 60", [](CoverageDesign& d) { d.months = 60; });
  add("T 102", [](CoverageDesign& d) { d.months = 102; });
  add("T 240", [](CoverageDesign& d) { d.months = 240; });
  add("base first12", [](CoverageDesign& d) { d.base = BaseRule::kFirstYearMean; });
  add("no trend, CV 0.3, T 60", [](CoverageDesign& d) {
    d.trend = 0.0;
    d.noise_cv = 0.3;
    d.months = 60;
  });
  add("two surges, rho 0.8, CV 0.3", [](CoverageDesign& d) {
    d.surges = 2;
    d.rho = 0.8;
    d.noise_cv = 0.3;
  });
  add("one surge, T 240, first12", [](CoverageDesign& d) {
    d.surges = 1;
    d.months = 240;
    d.base = BaseRule::kFirstYearMean;
  });
  add("level shift, rho 0.8, T 60", [](CoverageDesign& d) {
    d.level_shift = -0.4;
    d.rho = 0.8;
    d.months = 60;
  });
  add("no trend, rho 0, first12", [](CoverageDesign& d) {
    d.trend = 0.0;
    d.rho = 0.0;
    d.base = BaseRule::kFirstYearMean;
  });
  return out;
}

std::vector<CoverageDesign> SmallCoverageDesigns() {
  std::vector<CoverageDesign> all = DefaultCoverageDesigns();
  return {all[0], all[5]};  // the base design and its white-noise variant (rho 0)
}

std::vector<double> CoverageEpisodeComponent(const CoverageDesign& d) {
  std::vector<double> c(static_cast<size_t>(d.months), 0.0);
  const int onsets[2] = {d.surges == 1 ? static_cast<int>(0.4 * d.months) : static_cast<int>(0.3 * d.months),
                         static_cast<int>(0.65 * d.months)};
  const double amplitudes[2] = {d.surge_amplitude, 0.8 * d.surge_amplitude};
  for (int t = 0; t < d.months; ++t) {
    for (int k = 0; k < d.surges && k < 2; ++k)
      if (t >= onsets[k]) c[t] += amplitudes[k] * std::exp2(-(t - onsets[k]) / d.surge_half_life);
    if (d.level_shift != 0.0 && t >= d.months / 2) c[t] += d.level_shift;
  }
  return c;
}

std::vector<double> CoverageMeanLogPath(const CoverageDesign& d) {
  std::vector<double> m = CoverageEpisodeComponent(d);
  for (int t = 0; t < d.months; ++t)
    m[t] += 18.0 + d.trend * t + d.seasonal * kSeason[static_cast<size_t>(kFirstMonth.Plus(t).month - 1)];
  return m;
}

std::vector<double> SimulateCoverageSeries(const CoverageDesign& d, uint64_t seed, uint32_t design_index,
                                           uint32_t draw) {
  RandomStream rs(seed, design_index, draw);
  std::vector<double> log_x = CoverageMeanLogPath(d);
  const double innovation = d.noise_cv * std::sqrt(1.0 - d.rho * d.rho);
  double u = d.noise_cv * rs.NextNormal();  // the stationary law
  for (int t = 0; t < d.months; ++t) {
    if (t > 0) u = d.rho * u + innovation * rs.NextNormal();
    log_x[t] += u;
  }
  return log_x;
}

namespace {

// V and G of the model's noise-free path: the mean log path projected on
// intercept, trend and 11 month dummies, exponentiated.
IndexValues SignalTruth(const CoverageDesign& d, bool hold_episodes) {
  std::vector<double> m = CoverageMeanLogPath(d);
  const std::vector<double> episodes = CoverageEpisodeComponent(d);
  if (hold_episodes)
    for (size_t t = 0; t < m.size(); ++t) m[t] -= episodes[t];
  const int n = d.months;
  const bool months = n >= 24;  // as the residual scheme (resampler.cc)
  const int k = months ? 13 : 2;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, k);
  Eigen::VectorXd y(n);
  for (int t = 0; t < n; ++t) {
    X(t, 0) = 1.0;
    X(t, 1) = t + 1.0;
    const int month = kFirstMonth.Plus(t).month - 1;
    if (months && month > 0) X(t, 1 + month) = 1.0;
    y(t) = m[t];
  }
  const Eigen::VectorXd fit = X * X.colPivHouseholderQr().solve(y);
  std::vector<double> path(static_cast<size_t>(n));
  for (int t = 0; t < n; ++t) path[t] = std::exp(fit(t) + (hold_episodes ? episodes[t] : 0.0));
  return ComputeSeriesIndices(path, {}, kFirstMonth, SpecOf(d));
}

// Median of the statistic over fresh draws: the observed estimand's truth.
std::array<double, 2> ObservedTruth(const CoverageDesign& d, uint64_t seed, uint32_t design_index, int draws) {
  std::vector<double> v, g;
  for (int i = 0; i < draws; ++i) {
    const std::vector<double> x = ExpOf(SimulateCoverageSeries(d, seed, design_index | 0x80000000u, i));
    const IndexValues iv = ComputeSeriesIndices(x, {}, kFirstMonth, SpecOf(d));
    if (!iv.ok()) continue;
    v.push_back(iv.V);
    g.push_back(iv.G);
  }
  std::sort(v.begin(), v.end());
  std::sort(g.begin(), g.end());
  return {SortedQuantile(v, 0.5), SortedQuantile(g, 0.5)};
}

}  // namespace

CoverageResult RunCoverageStudy(const std::vector<CoverageDesign>& designs, const CoverageOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  CoverageResult result;
  result.options = options;
  result.designs.resize(designs.size());
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  result.threads_used = threads;
  tbb::task_arena arena(threads);
  const int D = options.draws;
  // Per (design, draw): covered flags [estimand][index][interval], 1 = covered,
  // 0 = not, -1 = not computed; and the calibrated levels.
  const size_t per_draw = kNumEstimands * 2 * kNumCoverageIntervals;
  std::vector<int8_t> flags(designs.size() * D * per_draw, -1);
  std::vector<double> levels(designs.size() * D * 4, std::numeric_limits<double>::quiet_NaN());
  std::vector<uint8_t> failed(designs.size() * D, 0);
  arena.execute([&] {
    tbb::parallel_for(0, static_cast<int>(designs.size()), [&](int k) {
      DesignCoverage& dc = result.designs[k];
      dc.design = designs[k];
      const IndexValues signal = SignalTruth(designs[k], options.hold_episodes);
      const auto observed = ObservedTruth(designs[k], options.seed, static_cast<uint32_t>(k), options.truth_draws);
      dc.truth[0][0] = observed[0];
      dc.truth[0][1] = observed[1];
      dc.truth[1][0] = signal.V;
      dc.truth[1][1] = signal.G;
    });
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, static_cast<int64_t>(designs.size()) * D, 4),
                      [&](const tbb::blocked_range<int64_t>& range) {
      ThrowIfInterrupted();  // Ctrl-C stops between draws (interrupt.h)
      for (int64_t task = range.begin(); task < range.end(); ++task) {
        const int k = static_cast<int>(task / D), draw = static_cast<int>(task % D);
        const CoverageDesign& d = designs[k];
        const DesignCoverage& dc = result.designs[k];
        BootstrapOptions bo = options.bootstrap;
        bo.threads = 1;
        bo.progress = false;
        bo.keep_replicates = false;
        bo.scheme_diagnostics = false;
        bo.base_sensitivity = false;
        bo.calibrate = draw < options.calibrated_draws;
        bo.seed = MixSeed(options.seed, static_cast<uint64_t>(k), static_cast<uint64_t>(draw));
        const std::vector<double> x = ExpOf(SimulateCoverageSeries(d, options.seed, static_cast<uint32_t>(k),
                                                                   static_cast<uint32_t>(draw)));
        BootstrapResult r;
        try {
          if (options.hold_episodes) {
            GroupSeries gs;
            gs.first_month = kFirstMonth;
            gs.num_months = d.months;
            TechnologyGroup group;
            group.name = "series";
            gs.groups.push_back(group);
            gs.values = x;
            const std::vector<std::vector<double>> episodes = {CoverageEpisodeComponent(d)};
            r = RunBootstrap(gs, SpecOf(d), Thresholds{}, bo, episodes);
          } else {
            r = RunSeriesBootstrap(x, kFirstMonth, SpecOf(d), Thresholds{}, bo);
          }
        } catch (const Error&) {
          failed[task] = 1;
          continue;
        }
        const GroupBootstrap& g = r.groups[0];
        if (!g.ok) {
          failed[task] = 1;
          continue;
        }
        int8_t* f = &flags[static_cast<size_t>(task) * per_draw];
        for (int e = 0; e < kNumEstimands; ++e) {
          const auto& er = g.estimands[e];
          for (int index = 0; index < 2; ++index) {
            const double truth = dc.truth[e][index];
            auto mark = [&](CoverageInterval type, const Interval& iv) {
              if (!iv.ok) return;
              f[(e * 2 + index) * kNumCoverageIntervals + static_cast<int>(type)] =
                  iv.lower <= truth && truth <= iv.upper ? 1 : 0;
            };
            if (er.ok) {
              const EstimandSummary& es = index == 0 ? er.V : er.G;
              mark(CoverageInterval::kLogCentred, es[EstimandMethod::kLogCentred]);
              mark(CoverageInterval::kEstimandPercentile, es[EstimandMethod::kPercentile]);
              if (bo.calibrate) {
                mark(CoverageInterval::kLogCentredCalibrated, es[EstimandMethod::kLogCentredCalibrated]);
                levels[static_cast<size_t>(task) * 4 + e * 2 + index] = es.calibrated_level;
              }
            }
            const StatisticSummary& legacy = index == 0 ? g.V : g.G;
            mark(CoverageInterval::kBasic, legacy.intervals[IntervalMethod::kBasic]);
            mark(CoverageInterval::kPercentile, legacy.intervals[IntervalMethod::kPercentile]);
            mark(CoverageInterval::kNormal, legacy.intervals[IntervalMethod::kNormal]);
            mark(CoverageInterval::kBca, legacy.intervals[IntervalMethod::kBca]);
          }
        }
      }
    });
  });
  // Ordered reduction: the same counts on any number of threads.
  for (size_t k = 0; k < designs.size(); ++k) {
    DesignCoverage& dc = result.designs[k];
    double level_sum[4] = {0, 0, 0, 0};
    int level_count[4] = {0, 0, 0, 0};
    for (int draw = 0; draw < D; ++draw) {
      const size_t task = k * D + draw;
      dc.failed_draws += failed[task];
      for (int e = 0; e < kNumEstimands; ++e)
        for (int index = 0; index < 2; ++index) {
          for (int i = 0; i < kNumCoverageIntervals; ++i) {
            const int8_t v = flags[task * per_draw + (e * 2 + index) * kNumCoverageIntervals + i];
            if (v < 0) continue;
            dc.count[e][index][i].covered += v;
            ++dc.count[e][index][i].total;
          }
          const double l = levels[task * 4 + e * 2 + index];
          if (std::isfinite(l)) {
            level_sum[e * 2 + index] += l;
            ++level_count[e * 2 + index];
          }
        }
    }
    for (int j = 0; j < 4; ++j)
      dc.mean_calibrated_level[j / 2][j % 2] = level_count[j] ? level_sum[j] / level_count[j] : 0.0;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

std::string CoverageResult::FormatTable() const {
  std::ostringstream out;
  const BootstrapOptions& b = options.bootstrap;
  const int pct = static_cast<int>(std::lround(b.level * 100));
  out << (options.hold_episodes ? "With each draw's episodes held in the fitted path. " : "")
      << "Coverage at nominal " << pct << "% (" << ToString(b.resampler.scheme) << " scheme, "
      << ToString(b.resampler.blocks) << " blocks, B = " << b.replicates << ", " << options.draws
      << " draws per design, truth of the observed estimand from " << options.truth_draws
      << " draws; calibrated intervals on the first " << options.calibrated_draws << " draws with "
      << b.calibration_outer << " x " << b.calibration_inner << " replicates; seed " << options.seed << "; "
      << seconds << " s on " << threads_used << " threads). Monte Carlo standard error about "
      << Percent(std::sqrt(0.09 / std::max(1, options.draws))) << " points.\n\n";
  out << "Default interval (log_centred):\n\n";
  out << "| design | observed V | observed G | signal V | signal G |\n|---|---|---|---|---|\n";
  for (const DesignCoverage& d : designs) {
    out << "| " << d.design.name;
    for (int e = 0; e < kNumEstimands; ++e)
      for (int index = 0; index < 2; ++index) {
        const CoverageCount& c = d.count[e][index][static_cast<int>(CoverageInterval::kLogCentred)];
        const bool inside = c.rate() >= 0.87 && c.rate() <= 0.93;
        out << " | " << (inside ? "" : "**") << Percent(c.rate()) << (inside ? "" : "**");
      }
    out << " |\n";
  }
  out << "\nEvery interval type, as measured (observed V / observed G / signal V / signal G):\n\n";
  out << "| design |";
  for (int i = 0; i < kNumCoverageIntervals; ++i) out << " " << ToString(static_cast<CoverageInterval>(i)) << " |";
  out << "\n|---|";
  for (int i = 0; i < kNumCoverageIntervals; ++i) out << "---|";
  out << "\n";
  for (const DesignCoverage& d : designs) {
    out << "| " << d.design.name;
    for (int i = 0; i < kNumCoverageIntervals; ++i) {
      out << " | ";
      for (int e = 0; e < kNumEstimands; ++e)
        for (int index = 0; index < 2; ++index) {
          const CoverageCount& c = d.count[e][index][i];
          out << (e + index ? " / " : "") << (c.total ? Percent(c.rate()) : std::string("-"));
        }
    }
    out << " |\n";
  }
  out << "\nMean calibrated nominal level (observed V / observed G / signal V / signal G):\n\n";
  out << "| design | levels |\n|---|---|\n";
  for (const DesignCoverage& d : designs) {
    out << "| " << d.design.name << " | ";
    for (int j = 0; j < 4; ++j) out << (j ? " / " : "") << Percent(d.mean_calibrated_level[j / 2][j % 2]);
    out << " |\n";
  }
  return out.str();
}

}  // namespace chokepoint::bootstrap
