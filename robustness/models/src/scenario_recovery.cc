#include "chokepoint/robustness/models/scenario_recovery.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include <tbb/parallel_for.h>

#include "chokepoint/core/catalog.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"

namespace chokepoint::robustness {

namespace {

// The single group of a one-group scenario, simulated with `seed`, summed
// from its member codes (as AggregateGroups does on the catalog).
std::vector<double> SimulatedGroupSeries(const Scenario& scenario, uint64_t seed) {
  const SimulationResult sim = Simulate(scenario, seed);
  const int T = sim.panel.num_months();
  std::vector<double> x(T, 0.0);
  for (const MemberShare& m : scenario.groups.at(0).members) {
    const int row = sim.panel.RowOf(m.code);
    if (row < 0) continue;
    for (int t = 0; t < T; ++t) x[t] += sim.panel.value(row, t);
  }
  return x;
}

struct DrawOutcome {
  bool surge_detected = false, onset_ok = false, half_life_ok = false;
  bool model_break = false, model_break_ok = false, bp_break = false, bp_break_ok = false;
};

DrawOutcome FitDraw(const std::vector<double>& x, YearMonth first, const SurgeOptions& surge,
                    const BreakOptions& breaks, const ScenarioRecoveryResult& truth, bool check_surge,
                    bool check_break) {
  DrawOutcome o;
  const SurgeResult r = FitSurgeModel(x, first, surge);
  const SurgeFit& f = r.chosen_fit();
  o.surge_detected = HasSurge(r.chosen);
  if (check_surge && o.surge_detected) {
    const int onset = MonthsBetween(first, truth.surge_onset);
    o.onset_ok = std::abs(f.onset_index - onset) <= truth.options.onset_tolerance;
    o.half_life_ok = std::abs(f.half_life - truth.surge_half_life) <= truth.options.half_life_tolerance * truth.surge_half_life;
  }
  o.model_break = HasBreak(r.chosen);
  // A slope break at month tau: the model's break index is the first month
  // of the new slope, as the scenario's break month.
  const int brk = MonthsBetween(first, truth.break_month);
  if (check_break && o.model_break) o.model_break_ok = std::abs(f.break_index - brk) <= truth.options.break_tolerance;
  std::vector<double> log_x(x.size());
  for (size_t t = 0; t < x.size(); ++t) log_x[t] = std::log(x[t]);
  const BreakResult b = EstimateBreaks(log_x, breaks, first);
  o.bp_break = !b.breakpoints.empty();
  if (check_break)
    for (int bp : b.breakpoints)  // bp: 1-based last observation of the old regime = 0-based first of the new
      o.bp_break_ok |= std::abs(bp - brk) <= truth.options.break_tolerance;
  return o;
}

}  // namespace

ScenarioRecoveryResult RunScenarioRecovery(const ScenarioRecoveryOptions& study, const SurgeOptions& surge,
                                           const BreakOptions& breaks) {
  const auto start = std::chrono::steady_clock::now();
  ScenarioRecoveryResult r;
  r.options = study;
  r.draws = study.draws;
  const Scenario s_surge = Scenario::Load(study.surge_scenario);
  const Scenario s_break = Scenario::Load(study.break_scenario);
  const Scenario s_none = Scenario::Load(study.none_scenario);
  for (const Scenario* s : {&s_surge, &s_break, &s_none})
    if (s->groups.size() != 1) ThrowUsageError("scenario " + s->name + " must hold exactly one group");
  const SeriesShape& ss = s_surge.groups[0].shape;
  const SeriesShape& sb = s_break.groups[0].shape;
  if (ss.surges.size() != 1) ThrowUsageError("scenario " + s_surge.name + " must plant exactly one surge");
  if (sb.breaks.size() != 1) ThrowUsageError("scenario " + s_break.name + " must plant exactly one slope break");
  r.surge_onset = ss.surges[0].onset;
  r.surge_half_life = ss.surges[0].half_life_months;
  r.break_month = sb.breaks[0].month;

  std::vector<DrawOutcome> out_surge(study.draws), out_break(study.draws), out_none(study.draws);
  tbb::parallel_for(0, 3 * study.draws, [&](int k) {
    const int which = k % 3, i = k / 3;
    const uint64_t seed = study.first_seed + static_cast<uint64_t>(i);
    if (which == 0)
      out_surge[i] = FitDraw(SimulatedGroupSeries(s_surge, seed), s_surge.first_month, surge, breaks, r, true, false);
    else if (which == 1)
      out_break[i] = FitDraw(SimulatedGroupSeries(s_break, seed), s_break.first_month, surge, breaks, r, false, true);
    else
      out_none[i] = FitDraw(SimulatedGroupSeries(s_none, seed), s_none.first_month, surge, breaks, r, false, false);
  });
  for (int i = 0; i < study.draws; ++i) {
    const DrawOutcome& a = out_surge[i];
    r.surge_detected += a.surge_detected;
    r.surge_onset_ok += a.onset_ok;
    r.surge_half_life_ok += a.half_life_ok;
    r.surge_recovered += a.onset_ok && a.half_life_ok;
    const DrawOutcome& b = out_break[i];
    r.break_model_detected += b.model_break;
    r.break_model_recovered += b.model_break_ok;
    r.break_bp_detected += b.bp_break;
    r.break_bp_recovered += b.bp_break_ok;
    const DrawOutcome& c = out_none[i];
    r.none_false_break += c.model_break;
    r.none_false_surge += c.surge_detected;
    r.none_false_any += c.model_break || c.surge_detected;
    r.none_bp_false_break += c.bp_break;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::string ScenarioRecoveryResult::FullReport() const {
  std::ostringstream os;
  auto pct = [this](int k) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", draws ? 100.0 * k / draws : 0.0);
    return std::string(buf);
  };
  os << "Scenario recovery study: " << draws << " draws per scenario (simulation seeds " << options.first_seed << ".."
     << options.first_seed + draws - 1 << "), " << seconds << " s\n"
     << "  " << options.surge_scenario << " (onset " << surge_onset.ToString() << ", half-life " << surge_half_life
     << " months): surge chosen " << pct(surge_detected) << "; onset within +/-" << options.onset_tolerance << " "
     << pct(surge_onset_ok) << "; half-life within " << 100 * options.half_life_tolerance << "% "
     << pct(surge_half_life_ok) << "; both " << pct(surge_recovered) << "\n"
     << "  " << options.break_scenario << " (slope break " << break_month.ToString()
     << "): surge model break chosen " << pct(break_model_detected) << ", within +/-" << options.break_tolerance
     << " " << pct(break_model_recovered) << "; Bai-Perron (BIC) break " << pct(break_bp_detected) << ", within +/-"
     << options.break_tolerance << " " << pct(break_bp_recovered) << "\n"
     << "  " << options.none_scenario << ": false break " << pct(none_false_break) << ", false surge "
     << pct(none_false_surge) << ", either " << pct(none_false_any) << "; Bai-Perron (BIC) false break "
     << pct(none_bp_false_break) << "\n";
  return os.str();
}

}  // namespace chokepoint::robustness
