#include "chokepoint/robustness/models/surge_recovery.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <tbb/parallel_for.h>

namespace chokepoint::robustness {

std::string_view ToString(RecoveryScenario s) {
  switch (s) {
    case RecoveryScenario::kSurge: return "surge";
    case RecoveryScenario::kBreak: return "break";
    case RecoveryScenario::kNone: return "none";
  }
  return "?";
}

double SurgeDgpLogMean(const SurgeDgp& dgp, int t) {
  // Month pattern (January first): a Chinese New Year dip in February and a
  // year-end bump, scaled by seasonal_amplitude.
  static constexpr std::array<double, 12> kPattern = {0.5, -2.5, 1.0, 0.2, 0.0, 0.3,
                                                      -0.2, 0.1, 0.3, -0.1, 0.2, 0.6};
  double m = dgp.log_level + dgp.trend * t + dgp.seasonal_amplitude * kPattern[t % 12];
  if (dgp.slope_break && t > dgp.break_index) m += dgp.slope_change * (t - dgp.break_index);
  if (dgp.surge && t >= dgp.onset) m += dgp.amplitude * std::exp2(-double(t - dgp.onset) / dgp.half_life);
  return m;
}

std::vector<double> SimulateSurgeSeries(const SurgeDgp& dgp, RandomStream& stream) {
  std::vector<double> x(dgp.num_months);
  const double sd0 = dgp.innovation_sd / std::sqrt(1.0 - dgp.rho * dgp.rho);
  double u = sd0 * stream.NextNormal();
  for (int t = 0; t < dgp.num_months; ++t) {
    if (t > 0) u = dgp.rho * u + dgp.innovation_sd * stream.NextNormal();
    x[t] = std::exp(SurgeDgpLogMean(dgp, t) + u);
  }
  return x;
}

RecoveryStudyResult RunRecoveryStudy(const RecoveryStudyOptions& study, const SurgeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RecoveryStudyResult r;
  r.options = study;
  r.draws = study.draws;
  const int n = study.draws;
  // Per (scenario, draw): bit 0 detected, bit 1 recovered, bit 2 false break, bit 3 false surge.
  std::vector<unsigned char> flags(3 * static_cast<size_t>(n), 0);
  tbb::parallel_for(0, 3 * n, [&](int i) {
    const int scenario = i / n, draw = i % n;
    RandomStream stream(study.seed, static_cast<uint32_t>(scenario), static_cast<uint32_t>(draw));
    SurgeDgp dgp = study.base;
    auto uniform = [&](double a, double b) { return a + (b - a) * stream.NextUniform(); };
    if (scenario == 0) {
      dgp.surge = true;
      dgp.onset = study.onset_min + static_cast<int>(stream.NextBelow(study.onset_max - study.onset_min + 1));
      dgp.amplitude = uniform(study.amplitude_min, study.amplitude_max);
      dgp.half_life = uniform(study.half_life_min, study.half_life_max);
    } else if (scenario == 1) {
      dgp.slope_break = true;
      dgp.break_index = study.break_min + static_cast<int>(stream.NextBelow(study.break_max - study.break_min + 1));
      const double mag = uniform(study.slope_change_min, study.slope_change_max);
      dgp.slope_change = stream.NextUniform() < 0.5 ? -mag : mag;
    }
    const auto x = SimulateSurgeSeries(dgp, stream);
    const SurgeResult fit = FitSurgeModel(x, YearMonth{2015, 1}, options);
    const SurgeFit& f = fit.chosen_fit();
    unsigned char fl = 0;
    if (scenario == 0 && HasSurge(f.kind)) {
      fl |= 1;
      const bool onset_ok = std::abs(f.onset_index - dgp.onset) <= study.onset_tolerance;
      const bool half_life_ok = std::abs(f.half_life - dgp.half_life) <= study.half_life_tolerance * dgp.half_life;
      if (onset_ok && half_life_ok) fl |= 2;
      if (onset_ok) fl |= 4;
      if (half_life_ok) fl |= 8;
    }
    if (scenario == 1 && HasBreak(f.kind)) {
      fl |= 1;
      if (std::abs(f.break_index - dgp.break_index) <= study.break_tolerance) fl |= 2;
    }
    if (scenario == 2) {
      if (HasBreak(f.kind)) fl |= 4;
      if (HasSurge(f.kind)) fl |= 8;
    }
    flags[i] = fl;
  });
  for (int d = 0; d < n; ++d) {
    r.surge_detected += flags[d] & 1;
    r.surge_recovered += (flags[d] >> 1) & 1;
    r.surge_onset_ok += (flags[d] >> 2) & 1;
    r.surge_half_life_ok += (flags[d] >> 3) & 1;
    r.break_detected += flags[n + d] & 1;
    r.break_recovered += (flags[n + d] >> 1) & 1;
    const unsigned char f = flags[2 * n + d];
    r.none_false_break += (f >> 2) & 1;
    r.none_false_surge += (f >> 3) & 1;
    r.none_false_any += (f & 12) ? 1 : 0;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::string RecoveryStudyResult::FullReport() const {
  std::ostringstream os;
  char buf[512];
  const auto& o = options;
  std::snprintf(buf, sizeof buf,
                "Recovery study: %d draws per scenario, seed %llu, T = %d, trend %.4f, AR(1) rho %.2f, "
                "innovation sd %.3f, seasonal amplitude %.3f\n",
                draws, static_cast<unsigned long long>(o.seed), o.base.num_months, o.base.trend, o.base.rho,
                o.base.innovation_sd, o.base.seasonal_amplitude);
  os << buf;
  std::snprintf(buf, sizeof buf,
                "  surge draws (onset %d..%d, A %.2f..%.2f, half-life %.1f..%.1f): surge chosen %.1f%%, "
                "onset within +/-%d and half-life within +/-%.0f%%: %.1f%% (onset alone %.1f%%, half-life alone %.1f%%)\n",
                o.onset_min, o.onset_max, o.amplitude_min, o.amplitude_max, o.half_life_min, o.half_life_max,
                100.0 * surge_detected / draws, o.onset_tolerance, 100 * o.half_life_tolerance,
                100.0 * surge_recovered / draws, 100.0 * surge_onset_ok / draws, 100.0 * surge_half_life_ok / draws);
  os << buf;
  std::snprintf(buf, sizeof buf,
                "  break draws (month %d..%d, |slope change| %.3f..%.3f): break chosen %.1f%%, "
                "within +/-%d months: %.1f%%\n",
                o.break_min, o.break_max, o.slope_change_min, o.slope_change_max, 100.0 * break_detected / draws,
                o.break_tolerance, 100.0 * break_recovered / draws);
  os << buf;
  std::snprintf(buf, sizeof buf,
                "  no-event draws: false break %.1f%%, false surge %.1f%%, either %.1f%%\n",
                100.0 * none_false_break / draws, 100.0 * none_false_surge / draws,
                100.0 * none_false_any / draws);
  os << buf;
  std::snprintf(buf, sizeof buf, "  wall time %.2f s\n", seconds);
  os << buf;
  return os.str();
}

}  // namespace chokepoint::robustness
