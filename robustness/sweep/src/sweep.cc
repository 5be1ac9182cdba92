// The factorised sweep engine: (V, G) once per (index spec, group, replicate),
// thresholds answered by counting. See sweep.h for the design.
#include "chokepoint/robustness/sweep/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <cstring>
#include <mutex>
#include <string_view>
#include <sstream>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/memory_limit.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/version.h"
#include "chokepoint/robustness/sweep/sweep_units.h"

namespace chokepoint::robustness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every month of group g present (an empty mask means all present).
bool RowComplete(const GroupSeries& series, int g) {
  if (series.present.empty()) return true;
  const auto begin = series.present.begin() + static_cast<ptrdiff_t>(g) * series.num_months;
  return std::all_of(begin, begin + series.num_months, [](unsigned char p) { return p != 0; });
}

template <typename T>
int InsertSorted(std::vector<T>& v, const T& value) {
  auto it = std::lower_bound(v.begin(), v.end(), value);
  if (it == v.end() || *it != value) it = v.insert(it, value);
  return static_cast<int>(it - v.begin());
}

template <typename T>
int FindOrAppend(std::vector<T>& v, const T& value, bool* added) {
  auto it = std::find(v.begin(), v.end(), value);
  if (it != v.end()) return static_cast<int>(it - v.begin());
  v.push_back(value);
  *added = true;
  return static_cast<int>(v.size()) - 1;
}

// What every unit needs about the index specifications, built once per unit
// (cheap): the resolved window per (start, end, frequency) and the normalised
// weights per (start, end, frequency, weighting).
struct Plan {
  struct WindowFrequency {
    ResolvedWindow window;
    int first_spec = 0;  // spec index of (this wf, weighting 0, base 0)
    bool ok = false;
    std::vector<std::vector<double>> weights;  // per weighting
  };
  std::vector<WindowFrequency> wf;
  std::vector<int> base_periods;  // per (frequency, base): [f * nb + b]
  int max_periods = 0;
};

Plan MakePlan(const SweepGrid& grid, YearMonth series_first, int series_months) {
  Plan plan;
  const int nb = static_cast<int>(grid.bases.size());
  const int nw = static_cast<int>(grid.weightings.size());
  for (int f = 0; f < static_cast<int>(grid.frequencies.size()); ++f) {
    for (int b = 0; b < nb; ++b) {
      IndexSpec s;
      s.frequency = grid.frequencies[f];
      s.base = grid.bases[b];
      plan.base_periods.push_back(BasePeriods(s));
    }
  }
  for (int a = 0; a < static_cast<int>(grid.window_starts.size()); ++a) {
    for (int e = 0; e < static_cast<int>(grid.window_ends.size()); ++e) {
      for (int f = 0; f < static_cast<int>(grid.frequencies.size()); ++f) {
        Plan::WindowFrequency w;
        w.first_spec = grid.SpecIndex(a, e, f, 0, 0);
        const IndexSpec& spec = grid.specs[w.first_spec];
        w.window = ResolveWindow(spec, series_first, series_months);
        // The window is coherent; individual bases may still be too short (spec_status says).
        w.ok = w.window.status == IndexStatus::kOk || w.window.status == IndexStatus::kTooShort;
        w.ok = w.ok && w.window.num_periods >= 2;
        if (w.ok) {
          for (int k = 0; k < nw; ++k) w.weights.push_back(MakeWeights(grid.specs[w.first_spec + k * nb], w.window.num_periods));
          plan.max_periods = std::max(plan.max_periods, w.window.num_periods);
        }
        plan.wf.push_back(std::move(w));
      }
    }
  }
  return plan;
}

}  // namespace

// ---- Grid ------------------------------------------------------------------

int64_t SweepGrid::num_threshold_points() const {
  return static_cast<int64_t>(growth.size()) * volatility_high.size() * volatility_low.size() * overrides.size();
}

int64_t SweepGrid::num_coherent_threshold_points() const {
  int64_t pairs = 0;
  for (int64_t c : coherent_pairs) pairs += c;
  return pairs * static_cast<int64_t>(growth.size()) * static_cast<int64_t>(overrides.size());
}

int SweepGrid::SpecIndex(int start, int end, int frequency, int weighting, int base) const {
  return (((start * static_cast<int>(window_ends.size()) + end) * static_cast<int>(frequencies.size()) + frequency) *
              static_cast<int>(weightings.size()) +
          weighting) *
             static_cast<int>(bases.size()) +
         base;
}

SweepGrid::SpecAxes SweepGrid::AxesOf(int spec) const {
  SpecAxes a;
  a.base = spec % static_cast<int>(bases.size());
  spec /= static_cast<int>(bases.size());
  a.weighting = spec % static_cast<int>(weightings.size());
  spec /= static_cast<int>(weightings.size());
  a.frequency = spec % static_cast<int>(frequencies.size());
  spec /= static_cast<int>(frequencies.size());
  a.end = spec % static_cast<int>(window_ends.size());
  a.start = spec / static_cast<int>(window_ends.size());
  return a;
}

int SweepGrid::GrowthBin(double G) const {
  return static_cast<int>(std::lower_bound(growth.begin(), growth.end(), G) - growth.begin());
}
int SweepGrid::VolatilityHighBin(double V) const {
  return static_cast<int>(std::lower_bound(volatility_high.begin(), volatility_high.end(), V) -
                          volatility_high.begin());
}
int SweepGrid::VolatilityLowBin(double V) const {
  return static_cast<int>(std::upper_bound(volatility_low.begin(), volatility_low.end(), V) - volatility_low.begin());
}

SweepGrid BuildSweepGrid(const SweepOptions& options, YearMonth series_first, int series_months) {
  std::string err;
  if (!options.IsValid(&err)) ThrowUsageError(err);
  if (series_months < 1) ThrowUsageError("sweep: the series is empty");
  SweepGrid g;
  g.growth = options.growth;
  g.volatility_high = options.volatility_high;
  g.volatility_low = options.volatility_low;
  auto note = [&](std::vector<double>& axis, double v, const char* name, int* pos) {
    const bool present = std::binary_search(axis.begin(), axis.end(), v);
    *pos = InsertSorted(axis, v);
    if (!present) g.defaults_added.push_back(name);
  };
  const Thresholds& dt = options.default_thresholds;
  note(g.growth, dt.growth, "growth", &g.default_growth);
  note(g.volatility_high, dt.volatility_high, "volatility_high", &g.default_volatility_high);
  note(g.volatility_low, dt.volatility_low, "volatility_low", &g.default_volatility_low);
  switch (options.semiconductor_override) {
    case OverrideAxis::kOn: g.overrides = {1}; break;
    case OverrideAxis::kOff: g.overrides = {0}; break;
    case OverrideAxis::kBoth: g.overrides = {1, 0}; break;
  }
  bool added = false;
  g.default_override = FindOrAppend<uint8_t>(g.overrides, dt.semiconductor_override ? 1 : 0, &added);
  if (added) g.defaults_added.push_back("semiconductor_override");

  const IndexSpec& di = options.default_index;
  g.weightings = options.weightings;
  added = false;
  const int dw = FindOrAppend(g.weightings, WeightingChoice{di.weighting, di.half_life, di.last_k}, &added);
  if (added) g.defaults_added.push_back("weightings");
  g.window_starts = options.window_starts;
  g.window_ends = options.window_ends;
  const YearMonth ds = di.window_start.value_or(series_first);
  const YearMonth de = di.window_end.value_or(series_first.Plus(series_months - 1));
  if (!std::binary_search(g.window_starts.begin(), g.window_starts.end(), ds)) g.defaults_added.push_back("window_starts");
  if (!std::binary_search(g.window_ends.begin(), g.window_ends.end(), de)) g.defaults_added.push_back("window_ends");
  const int da = InsertSorted(g.window_starts, ds);
  const int dend = InsertSorted(g.window_ends, de);
  g.frequencies = options.frequencies;
  added = false;
  const int df = FindOrAppend(g.frequencies, di.frequency, &added);
  if (added) g.defaults_added.push_back("frequencies");
  g.bases = options.bases;
  added = false;
  const int db = FindOrAppend(g.bases, di.base, &added);
  if (added) g.defaults_added.push_back("bases");

  for (YearMonth start : g.window_starts) {
    for (YearMonth end : g.window_ends) {
      for (Frequency f : g.frequencies) {
        for (const WeightingChoice& w : g.weightings) {
          for (BaseRule b : g.bases) {
            IndexSpec s;
            s.window_start = start;
            s.window_end = end;
            s.frequency = f;
            s.base = b;
            s.weighting = w.weighting;
            s.half_life = w.half_life;
            s.last_k = w.last_k;
            const ResolvedWindow rw = ResolveWindow(s, series_first, series_months);
            g.specs.push_back(s);
            g.spec_status.push_back(rw.status);
          }
        }
      }
    }
  }
  g.default_spec = g.SpecIndex(da, dend, df, dw, db);
  g.coherent_pairs.resize(g.volatility_high.size());
  for (size_t j = 0; j < g.volatility_high.size(); ++j) {
    g.coherent_pairs[j] = std::upper_bound(g.volatility_low.begin(), g.volatility_low.end(), g.volatility_high[j]) -
                          g.volatility_low.begin();
  }
  return g;
}

// ---- Partial counts ----------------------------------------------------------

void SweepPartial::Init(const SweepGrid& grid, int first_group, int groups, bool full_counts) {
  num_specs = grid.num_specs();
  group_begin = first_group;
  num_groups = groups;
  growth_bins = grid.growth_bins();
  high_bins = grid.high_bins();
  low_bins = grid.low_bins();
  const size_t sg = static_cast<size_t>(num_specs) * num_groups;
  high_counts.assign(full_counts ? sg * growth_bins * high_bins : 0, 0);
  low_counts.assign(full_counts ? sg * growth_bins * low_bins : 0, 0);
  ok_replicates.assign(sg, 0);
  failed_replicates.assign(sg, 0);
  default_threshold_regimes.assign(sg * kNumRegimes, 0);
  grid_regimes.assign(sg * kNumRegimes, 0);
  default_high_counts.assign(static_cast<size_t>(num_groups) * growth_bins * high_bins, 0);
  default_low_counts.assign(static_cast<size_t>(num_groups) * growth_bins * low_bins, 0);
  evaluations.assign(static_cast<size_t>(num_groups), 0);
}

int64_t SweepPartial::total_evaluations() const {
  int64_t n = 0;
  for (int64_t e : evaluations) n += e;
  return n;
}

void SweepPartial::Merge(const SweepPartial& o) {
  if (o.empty()) return;
  if (empty()) {
    *this = o;
    return;
  }
  if (o.num_specs != num_specs || o.growth_bins != growth_bins || o.high_bins != high_bins ||
      o.low_bins != low_bins)
    ThrowInternalError("SweepPartial::Merge: partial results of different grids");
  if (o.group_begin < group_begin || o.group_begin + o.num_groups > group_begin + num_groups)
    ThrowInternalError("SweepPartial::Merge: the other partial's groups lie outside this one's");
  if (o.has_full_counts() != has_full_counts())
    ThrowInternalError("SweepPartial::Merge: one partial keeps the full bin tables, the other does not");
  const int shift = o.group_begin - group_begin;
  auto add = [](auto* dst, const auto* src, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] += src[i];
  };
  const size_t hcell = static_cast<size_t>(growth_bins) * high_bins;
  const size_t lcell = static_cast<size_t>(growth_bins) * low_bins;
  for (int s = 0; s < num_specs; ++s) {
    // The other's groups are contiguous inside this one's for every spec.
    const size_t src = static_cast<size_t>(s) * o.num_groups;
    const size_t dst = static_cast<size_t>(s) * num_groups + shift;
    const size_t n = static_cast<size_t>(o.num_groups);
    if (has_full_counts()) {
      add(&high_counts[dst * hcell], &o.high_counts[src * hcell], n * hcell);
      add(&low_counts[dst * lcell], &o.low_counts[src * lcell], n * lcell);
    }
    add(&ok_replicates[dst], &o.ok_replicates[src], n);
    add(&failed_replicates[dst], &o.failed_replicates[src], n);
    add(&default_threshold_regimes[dst * kNumRegimes], &o.default_threshold_regimes[src * kNumRegimes], n * kNumRegimes);
    add(&grid_regimes[dst * kNumRegimes], &o.grid_regimes[src * kNumRegimes], n * kNumRegimes);
  }
  add(&default_high_counts[shift * hcell], o.default_high_counts.data(), o.default_high_counts.size());
  add(&default_low_counts[shift * lcell], o.default_low_counts.data(), o.default_low_counts.size());
  add(&evaluations[shift], o.evaluations.data(), o.evaluations.size());
}

// ---- One unit ------------------------------------------------------------------

SweepPartial RunSweepUnit(const GroupSeries& series, const SweepGrid& grid, const ReplicateGenerator* generator,
                          const SweepWorkUnit& unit, const SweepUnitSinks& sinks) {
  const int num_groups = series.num_groups();
  const int T = series.num_months;
  const Plan plan = MakePlan(grid, series.first_month, T);
  const int nw = static_cast<int>(grid.weightings.size());
  const int nb = static_cast<int>(grid.bases.size());
  const int nbase_f = nb;
  SweepPartial part;
  const bool any_replicates = unit.replicate_end > std::max(unit.replicate_begin, 1);
  const int unit_groups = unit.group_end - unit.group_begin;
  if (any_replicates) part.Init(grid, unit.group_begin, unit_groups, sinks.full_counts);
  const int gb = grid.growth_bins(), hb = grid.high_bins(), lb = grid.low_bins();
  const bool full_counts = part.has_full_counts();
  // Threshold-grid shares by counting (docs/method.md §6.3): a value in bins
  // (gi, hi) is high-growth at gi of the g* values and high-volatility at
  // prefix_pairs[hi] of the coherent (v_hi, v_lo) pairs.
  std::vector<int64_t> prefix_pairs(grid.coherent_pairs.size() + 1, 0);
  for (size_t j = 0; j < grid.coherent_pairs.size(); ++j) prefix_pairs[j + 1] = prefix_pairs[j] + grid.coherent_pairs[j];
  const int64_t all_pairs = prefix_pairs.back();
  const int64_t n_growth = static_cast<int64_t>(grid.growth.size());
  int64_t overrides_on = 0;
  for (uint8_t ov : grid.overrides) overrides_on += ov ? 1 : 0;
  const int64_t overrides_off = static_cast<int64_t>(grid.overrides.size()) - overrides_on;
  const bool default_override_on = grid.overrides[grid.default_override] != 0;

  std::vector<double> monthly(static_cast<size_t>(T));
  std::vector<double> periods(static_cast<size_t>(std::max(plan.max_periods, 1)));
  std::unique_ptr<ReplicateGenerator::Scratch> scratch;
  if (generator && any_replicates) scratch = generator->MakeScratch();
  // Missing months (point estimates only): prefix counts of absent months.
  std::vector<int> missing_prefix(static_cast<size_t>(T) + 1);

  for (int g = unit.group_begin; g < unit.group_end; ++g) {
    const bool complete = RowComplete(series, g) && (!generator || generator->Available(g));
    const bool semiconductor = series.groups[g].semiconductor;
    const int local = g - unit.group_begin;
    missing_prefix[0] = 0;
    for (int t = 0; t < T; ++t)
      missing_prefix[t + 1] =
          missing_prefix[t] + ((series.present.empty() || series.present[static_cast<size_t>(g) * T + t]) ? 0 : 1);
    for (int r = unit.replicate_begin; r < unit.replicate_end; ++r) {
      const bool point = r == 0;
      if (!point) {
        if (!complete || !generator) {
          // Bootstrapping a series with holes is not defined: counted, not mixed in.
          for (int s = 0; s < grid.num_specs(); ++s)
            if (grid.spec_status[s] == IndexStatus::kOk)
              ++part.failed_replicates[static_cast<size_t>(s) * unit_groups + (g - unit.group_begin)];
          continue;
        }
        generator->Generate(g, r - 1, monthly, scratch.get());
      } else {
        std::copy(series.row(g).begin(), series.row(g).end(), monthly.begin());
      }
      for (const Plan::WindowFrequency& wf : plan.wf) {
        if (!wf.ok) continue;
        const int P = wf.window.num_periods;
        const std::span<double> x(periods.data(), static_cast<size_t>(P));
        const int freq = grid.AxesOf(wf.first_spec).frequency;
        IndexStatus window_status = IndexStatus::kOk;
        if (point && missing_prefix[wf.window.first_column + wf.window.num_months] - missing_prefix[wf.window.first_column] > 0)
          window_status = IndexStatus::kMissingInWindow;
        AggregateToPeriods(monthly, wf.window, x);
        // Same operations, in the same order, as ComputeIndices: bit-identical values.
        const double mean = IndexSum(x) / static_cast<double>(P);
        const double V = window_status == IndexStatus::kOk && mean > 0.0 ? VolatilityIndex(x) : kNaN;
        const int hi = point ? 0 : grid.VolatilityHighBin(V);
        const int lo = point ? 0 : grid.VolatilityLowBin(V);
        for (int b = 0; b < nb; ++b) {
          const int bp = plan.base_periods[static_cast<size_t>(freq) * nbase_f + b];
          double base = 0.0;
          for (int i = 0; i < bp && i < P; ++i) base += x[i];
          base /= bp;  // as BaseMean in ComputeIndices (bp <= P for coherent specs)
          for (int w = 0; w < nw; ++w) {
            const int s = wf.first_spec + w * nb + b;
            IndexStatus status = grid.spec_status[s];
            if (status != IndexStatus::kOk) continue;  // incoherent spec: skipped and counted once
            if (window_status != IndexStatus::kOk) status = window_status;
            else if (!(mean > 0.0)) status = IndexStatus::kMeanNotPositive;
            else if (!(base > 0.0)) status = IndexStatus::kBaseNotPositive;
            const double G = status == IndexStatus::kOk ? GrowthIndex(x, wf.weights[w], bp) : kNaN;
            const size_t sg = static_cast<size_t>(s) * num_groups + g;                        // full layout
            const size_t psg = static_cast<size_t>(s) * unit_groups + (g - unit.group_begin);  // this unit's
            if (point) {
              if (sinks.V_point) {
                (*sinks.V_point)[sg] = status == IndexStatus::kOk ? V : kNaN;
                (*sinks.G_point)[sg] = G;
                (*sinks.point_status)[sg] = status;
              }
              continue;
            }
            ++part.evaluations[local];
            const double v_out = status == IndexStatus::kOk ? V : kNaN;
            if (sinks.V_cloud) {
              const size_t c = sg * static_cast<size_t>(sinks.replicates) + (r - 1);
              (*sinks.V_cloud)[c] = v_out;
              (*sinks.G_cloud)[c] = G;
            }
            if (s == grid.default_spec && sinks.V_default_cloud) {
              const size_t c = static_cast<size_t>(g) * sinks.replicates + (r - 1);
              (*sinks.V_default_cloud)[c] = v_out;
              (*sinks.G_default_cloud)[c] = G;
            }
            if (status != IndexStatus::kOk) {
              ++part.failed_replicates[psg];
              continue;
            }
            ++part.ok_replicates[psg];
            const int gi = grid.GrowthBin(G);
            if (full_counts) {
              ++part.high_counts[(psg * gb + gi) * hb + hi];
              ++part.low_counts[(psg * gb + gi) * lb + lo];
            }
            if (s == grid.default_spec) {
              ++part.default_high_counts[(static_cast<size_t>(local) * gb + gi) * hb + hi];
              ++part.default_low_counts[(static_cast<size_t>(local) * gb + gi) * lb + lo];
            }
            // Regime at the default threshold point (as CountAt from the bins).
            const bool high_growth = gi > grid.default_growth;
            const bool stock = high_growth && ((semiconductor && default_override_on) || hi > grid.default_volatility_high);
            ++part.default_threshold_regimes[psg * kNumRegimes + (stock ? 0 : high_growth ? 1 : 2)];
            // Regimes over every coherent threshold point.
            const int64_t high_growth_points = gi * all_pairs;
            const int64_t high_both = gi * prefix_pairs[hi];
            const int64_t stock_points = semiconductor ? overrides_on * high_growth_points + overrides_off * high_both
                                                       : (overrides_on + overrides_off) * high_both;
            int64_t* gr = &part.grid_regimes[psg * kNumRegimes];
            gr[0] += stock_points;
            gr[1] += (overrides_on + overrides_off) * high_growth_points - stock_points;
            gr[2] += (overrides_on + overrides_off) * (n_growth - gi) * all_pairs;
          }
        }
      }
    }
  }
  return part;
}

// ---- Whole sweep -----------------------------------------------------------------

namespace {

// Regime (0..2) and cell of a point estimate; -1 when not ok or incoherent thresholds.
std::pair<int, int> ClassifyPoint(double V, double G, bool ok, bool semiconductor, const Thresholds& t) {
  if (!ok || !(t.volatility_low <= t.volatility_high)) return {-1, -1};
  const Classification c = Classify(V, G, semiconductor, t);
  return {static_cast<int>(c.regime), c.cell()};
}

std::string FormatDouble(double v, int precision = 6) {
  std::ostringstream o;
  o.precision(precision);
  o << v;
  return o.str();
}

}  // namespace

int SweepResult::PointRegime(int spec, int group, const Thresholds& t) const {
  const size_t sg = static_cast<size_t>(spec) * num_groups() + group;
  return ClassifyPoint(V_point[sg], G_point[sg], point_status[sg] == IndexStatus::kOk, groups[group].semiconductor, t)
      .first;
}

void SweepResult::CountAt(int spec, int group, int k, int j_hi, int j_lo, bool override_on, int64_t regimes[3],
                          int64_t cells[6]) const {
  const int gb = counts.growth_bins, hb = counts.high_bins, lb = counts.low_bins;
  const int32_t* high = nullptr;
  const int32_t* low = nullptr;
  if (counts.has_full_counts()) {
    const size_t sg = static_cast<size_t>(spec) * num_groups() + group;
    high = &counts.high_counts[sg * gb * hb];
    low = &counts.low_counts[sg * gb * lb];
  } else if (spec == grid.default_spec && !counts.empty()) {
    high = &counts.default_high_counts[static_cast<size_t>(group) * gb * hb];
    low = &counts.default_low_counts[static_cast<size_t>(group) * gb * lb];
  } else {
    ThrowUsageError("sweep: the bin counts of a non-default specification are kept only with keep_counts");
  }
  int64_t n = 0, high_g = 0, high_g_high_v = 0, high_g_not_low_v = 0, high_v = 0, not_low_v = 0;
  for (int a = 0; a < gb; ++a) {
    for (int b = 0; b < hb; ++b) {
      const int64_t c = high[a * hb + b];
      n += c;
      if (a > k) high_g += c;
      if (b > j_hi) {
        high_v += c;
        if (a > k) high_g_high_v += c;
      }
    }
    for (int b = 0; b < lb; ++b) {
      const int64_t c = low[a * lb + b];
      if (b > j_lo) {
        not_low_v += c;
        if (a > k) high_g_not_low_v += c;
      }
    }
  }
  const bool semi = groups[group].semiconductor;
  regimes[0] = (semi && override_on) ? high_g : high_g_high_v;
  regimes[1] = high_g - regimes[0];
  regimes[2] = n - high_g;
  const int64_t low_g = n - high_g;
  const int64_t low_g_high_v = high_v - high_g_high_v;
  const int64_t low_g_not_low_v = not_low_v - high_g_not_low_v;
  // Cells: rows volatility high / medium / low, columns growth high / low.
  cells[CellIndex(VolatilityLevel::kHigh, GrowthLevel::kHigh)] = high_g_high_v;
  cells[CellIndex(VolatilityLevel::kHigh, GrowthLevel::kLow)] = low_g_high_v;
  cells[CellIndex(VolatilityLevel::kMedium, GrowthLevel::kHigh)] = high_g_not_low_v - high_g_high_v;
  cells[CellIndex(VolatilityLevel::kMedium, GrowthLevel::kLow)] = low_g_not_low_v - low_g_high_v;
  cells[CellIndex(VolatilityLevel::kLow, GrowthLevel::kHigh)] = high_g - high_g_not_low_v;
  cells[CellIndex(VolatilityLevel::kLow, GrowthLevel::kLow)] = low_g - low_g_not_low_v;
}

namespace {

// Adds, for a value in bins (gi, hi), the number of coherent threshold points
// giving each regime (summed over the override axis).
void AddThresholdShares(const SweepGrid& grid, const std::vector<int64_t>& prefix_pairs, int gi, int hi,
                        bool semiconductor, double weight, double out[3]) {
  const int64_t n_growth = static_cast<int64_t>(grid.growth.size());
  const int64_t pairs = prefix_pairs.back();
  for (uint8_t ov : grid.overrides) {
    const double high_growth = static_cast<double>(gi) * pairs;
    const double stock = (semiconductor && ov) ? high_growth : static_cast<double>(gi) * prefix_pairs[hi];
    out[0] += weight * stock;
    out[1] += weight * (high_growth - stock);
    out[2] += weight * static_cast<double>(n_growth - gi) * pairs;
  }
}

std::vector<int64_t> PrefixPairs(const SweepGrid& grid) {
  std::vector<int64_t> p(grid.coherent_pairs.size() + 1, 0);
  for (size_t j = 0; j < grid.coherent_pairs.size(); ++j) p[j + 1] = p[j] + grid.coherent_pairs[j];
  return p;
}

}  // namespace

std::vector<double> SweepResult::RegimeSharePoint() const {
  const int ng = num_groups();
  std::vector<double> share(static_cast<size_t>(ng) * 3, 0.0);
  const auto prefix = PrefixPairs(grid);
  for (int g = 0; g < ng; ++g) {
    double acc[3] = {0, 0, 0};
    for (int s = 0; s < num_specs(); ++s) {
      const size_t sg = static_cast<size_t>(s) * ng + g;
      if (point_status[sg] != IndexStatus::kOk) continue;
      AddThresholdShares(grid, prefix, grid.GrowthBin(G_point[sg]), grid.VolatilityHighBin(V_point[sg]),
                         groups[g].semiconductor, 1.0, acc);
    }
    const double total = acc[0] + acc[1] + acc[2];
    for (int k = 0; k < 3; ++k) share[static_cast<size_t>(g) * 3 + k] = total > 0 ? acc[k] / total : kNaN;
  }
  return share;
}

std::vector<double> SweepResult::RegimeShareBootstrap() const {
  if (replicates == 0 || counts.empty()) return {};
  const int ng = num_groups();
  std::vector<double> share(static_cast<size_t>(ng) * 3, 0.0);
  for (int g = 0; g < ng; ++g) {
    double acc[3] = {0, 0, 0};
    for (int s = 0; s < num_specs(); ++s) {
      const size_t sg = static_cast<size_t>(s) * ng + g;
      const int32_t n = counts.ok_replicates[sg];
      if (n == 0) continue;
      // Each specification weighs equally: its replicate tallies are divided by n.
      for (int k = 0; k < 3; ++k) acc[k] += static_cast<double>(counts.grid_regimes[sg * 3 + k]) / n;
    }
    const double total = acc[0] + acc[1] + acc[2];
    for (int k = 0; k < 3; ++k) share[static_cast<size_t>(g) * 3 + k] = total > 0 ? acc[k] / total : kNaN;
  }
  return share;
}

std::vector<int> SweepResult::DetailGroupIndices() const {
  std::vector<int> out;
  const int ng = num_groups();
  if (options.detail_groups.empty()) {
    if (ng <= SweepOptions::kAutoDetailGroups)
      for (int g = 0; g < ng; ++g) out.push_back(g);
    return out;
  }
  for (const std::string& name : options.detail_groups) {
    int found = -1;
    for (int g = 0; g < ng && found < 0; ++g)
      if (groups[g].name == name) found = g;
    if (found < 0) ThrowUsageError("sweep.detail_groups (--detail-group): no group named '" + name + "' in the data");
    if (std::find(out.begin(), out.end(), found) == out.end()) out.push_back(found);
  }
  std::sort(out.begin(), out.end());
  return out;
}

double SweepResult::classifications() const {
  return static_cast<double>(evaluations) * static_cast<double>(grid.num_coherent_threshold_points());
}

SweepResult PrepareSweep(const GroupSeries& series, const SweepOptions& options, const ReplicateGenerator* generator) {
  SweepResult res;
  res.options = options;
  res.grid = BuildSweepGrid(options, series.first_month, series.num_months);
  const SweepGrid& grid = res.grid;
  if (series.num_groups() == 0) ThrowUsageError("sweep: no groups in the series");
  if (static_cast<int>(series.values.size()) != series.num_groups() * series.num_months)
    ThrowInternalError("sweep: GroupSeries values do not match groups x months");
  if (options.replicates > 0 && !generator)
    ThrowInternalError("sweep: replicates requested without a replicate generator");
  res.series_first = series.first_month;
  res.series_months = series.num_months;
  res.replicates = options.replicates;
  for (const auto& tg : series.groups) res.groups.push_back({tg.name, tg.semiconductor});
  const int ng = series.num_groups();
  const int ns = grid.num_specs();
  const int B = options.replicates;
  const size_t sgn = static_cast<size_t>(ns) * ng;
  (void)res.DetailGroupIndices();  // unknown names fail before any work
  {
    // What the sweep will hold, estimated before any work (memory_limit.h):
    // per (spec, group) the point estimates, status, summaries and the tables
    // written from them (about 90 bytes); per group the default
    // specification's bins and replicate clouds; the kept tables on request.
    const double sg = static_cast<double>(ns) * ng;
    double bytes = sg * 45.0;  // V, G, status, regime and probability tables
    if (B > 0) {
      bytes += sg * 44.0 + ng * 4.0 * grid.growth_bins() * (grid.high_bins() + grid.low_bins()) +
               ng * 16.0 * B;
      if (options.keep_clouds) bytes += sg * 16.0 * B;
      if (options.keep_counts) bytes += sg * 4.0 * grid.growth_bins() * (grid.high_bins() + grid.low_bins());
    }
    CheckMemoryEstimate("the sweep (" + std::to_string(ng) + " series x " + std::to_string(ns) +
                            " index specifications x " + std::to_string(B) + " replicates" +
                            (options.keep_clouds ? ", clouds kept" : "") + (options.keep_counts ? ", counts kept" : "") +
                            ")",
                        bytes);
  }
  res.V_point.assign(sgn, kNaN);
  res.G_point.assign(sgn, kNaN);
  res.point_status.assign(sgn, IndexStatus::kOk);
  for (int s = 0; s < ns; ++s)
    for (int g = 0; g < ng; ++g) res.point_status[static_cast<size_t>(s) * ng + g] = grid.spec_status[s];
  for (int g = 0; g < ng; ++g) {
    res.block_length.push_back(generator ? generator->BlockLengthUsed(g) : 0.0);
    std::string why;
    if (B > 0 && !RowComplete(series, g)) why = "months missing";
    else if (B > 0 && !generator->Available(g)) why = generator->Unavailable(g);
    res.replicate_failure.push_back(why);
  }
  // Clouds: all specs when asked, else only the default spec's (small).
  if (B > 0 && options.keep_clouds) {
    res.V_cloud.assign(sgn * B, kNaN);
    res.G_cloud.assign(sgn * B, kNaN);
  }
  if (B > 0) {
    res.counts.Init(grid, 0, ng, options.keep_counts);
    res.V_default_cloud.assign(static_cast<size_t>(ng) * B, kNaN);
    res.G_default_cloud.assign(static_cast<size_t>(ng) * B, kNaN);
  }
  return res;
}

void ComputeSweepGroups(const GroupSeries& series, const ReplicateGenerator* generator, const SweepRunHooks& hooks,
                        SweepResult* result) {
  SweepResult& res = *result;
  const SweepGrid& grid = res.grid;
  const int ng = res.num_groups();
  const int B = res.replicates;
  if (!hooks.done.empty() && static_cast<int>(hooks.done.size()) != ng)
    ThrowInternalError("sweep: hooks.done does not have one entry per group");
  // Units: one group x a block of replicates. Blocks are large enough that the
  // per-unit buffers (zeroed + merged) are cheap next to the index work.
  const int block = 256;
  std::vector<SweepWorkUnit> units;
  std::vector<int> units_left(static_cast<size_t>(ng), 0);
  for (int g = 0; g < ng; ++g) {
    if (hooks.owns && !hooks.owns(g)) continue;
    if (!hooks.done.empty() && hooks.done[g]) continue;
    for (int r = 0; r <= B; r += block) {
      units.push_back({g, g + 1, r, std::min(B + 1, r + block)});
      ++units_left[g];
    }
  }
  SweepUnitSinks sinks;
  sinks.V_point = &res.V_point;
  sinks.G_point = &res.G_point;
  sinks.point_status = &res.point_status;
  if (!res.V_cloud.empty()) {
    sinks.V_cloud = &res.V_cloud;
    sinks.G_cloud = &res.G_cloud;
  }
  if (B > 0) {
    sinks.V_default_cloud = &res.V_default_cloud;
    sinks.G_default_cloud = &res.G_default_cloud;
  }
  sinks.replicates = B;
  sinks.full_counts = res.options.keep_counts;
  std::mutex merge_mutex;
  int64_t units_done = 0;
  const int64_t total_units = static_cast<int64_t>(units.size());

  tbb::task_arena arena(res.options.threads > 0 ? res.options.threads : tbb::task_arena::automatic);
  res.threads_used = arena.max_concurrency();
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, units.size(), 1), [&](const tbb::blocked_range<size_t>& range) {
      for (size_t u = range.begin(); u != range.end(); ++u) {
        ThrowIfInterrupted();  // Ctrl-C stops between sweep units (interrupt.h)
        SweepPartial part = RunSweepUnit(series, grid, generator, units[u], sinks);
        // Integer sums: the merge order does not change the result. A group's
        // slots are final when its last unit is in; the hook sees them then.
        std::lock_guard<std::mutex> lock(merge_mutex);
        res.counts.Merge(part);
        const int g = units[u].group_begin;
        if (--units_left[g] == 0 && hooks.on_group_done) hooks.on_group_done(g);
        ++units_done;
        if (hooks.progress) hooks.progress(units_done, total_units);
      }
    });
  });
}

namespace {

// Byte layout of one group's slots: every array in a fixed order, the group's
// entries only. Same machine and build on both ends (MPI ranks, a checkpoint
// resumed where it was written).
class GroupBytes {
 public:
  explicit GroupBytes(std::string* out) : out_(out) {}
  GroupBytes(std::string_view in, const std::string& what) : in_(in), what_(what) {}
  // Entries [offset + k * stride, + count) for k in 0..rows.
  template <typename T>
  void Strided(std::vector<T>& v, size_t offset, size_t stride, size_t rows, size_t count) {
    if (v.empty()) return;
    for (size_t k = 0; k < rows; ++k) {
      T* p = v.data() + offset + k * stride;
      const size_t n = count * sizeof(T);
      if (out_) {
        out_->append(reinterpret_cast<const char*>(p), n);
      } else {
        if (pos_ + n > in_.size()) Short();
        std::memcpy(p, in_.data() + pos_, n);
        pos_ += n;
      }
    }
  }
  void Finish() const {
    if (!out_ && pos_ != in_.size()) Short();
  }

 private:
  [[noreturn]] void Short() const {
    ThrowUsageError("sweep: " + what_ + " holds " + std::to_string(in_.size()) +
                    " bytes, not the group's size on this sweep's grid (another grid, replicates or build)");
  }
  std::string* out_ = nullptr;
  std::string_view in_;
  std::string what_;
  size_t pos_ = 0;
};

void VisitGroupSlots(SweepResult& res, int g, GroupBytes& io) {
  const size_t ng = static_cast<size_t>(res.num_groups()), ns = static_cast<size_t>(res.num_specs());
  const size_t B = static_cast<size_t>(res.replicates);
  const size_t gg = static_cast<size_t>(g);
  io.Strided(res.V_point, gg, ng, ns, 1);
  io.Strided(res.G_point, gg, ng, ns, 1);
  io.Strided(res.point_status, gg, ng, ns, 1);
  io.Strided(res.V_default_cloud, gg * B, 0, 1, B);
  io.Strided(res.G_default_cloud, gg * B, 0, 1, B);
  io.Strided(res.V_cloud, gg * B, ng * B, ns, B);
  io.Strided(res.G_cloud, gg * B, ng * B, ns, B);
  SweepPartial& c = res.counts;
  if (c.empty()) return;
  const size_t hcell = static_cast<size_t>(c.growth_bins) * c.high_bins;
  const size_t lcell = static_cast<size_t>(c.growth_bins) * c.low_bins;
  io.Strided(c.high_counts, gg * hcell, ng * hcell, ns, hcell);
  io.Strided(c.low_counts, gg * lcell, ng * lcell, ns, lcell);
  io.Strided(c.ok_replicates, gg, ng, ns, 1);
  io.Strided(c.failed_replicates, gg, ng, ns, 1);
  io.Strided(c.default_threshold_regimes, gg * kNumRegimes, ng * kNumRegimes, ns, kNumRegimes);
  io.Strided(c.grid_regimes, gg * kNumRegimes, ng * kNumRegimes, ns, kNumRegimes);
  io.Strided(c.default_high_counts, gg * hcell, 0, 1, hcell);
  io.Strided(c.default_low_counts, gg * lcell, 0, 1, lcell);
  io.Strided(c.evaluations, gg, 0, 1, 1);
}

}  // namespace

std::string SerializeSweepGroup(const SweepResult& result, int group) {
  if (group < 0 || group >= result.num_groups()) ThrowInternalError("SerializeSweepGroup: group out of range");
  std::string bytes;
  GroupBytes io(&bytes);
  VisitGroupSlots(const_cast<SweepResult&>(result), group, io);  // a writing GroupBytes only reads
  return bytes;
}

void RestoreSweepGroup(SweepResult* result, int group, std::string_view bytes) {
  if (group < 0 || group >= result->num_groups())
    ThrowUsageError("sweep: a saved group index " + std::to_string(group) + " lies outside the sweep's " +
                    std::to_string(result->num_groups()) + " groups");
  GroupBytes io(bytes, "the saved group " + std::to_string(group));
  VisitGroupSlots(*result, group, io);
  io.Finish();
}

SweepResult RunSweep(const GroupSeries& series, const SweepOptions& options, const ReplicateGenerator* generator,
                     const SweepProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepResult res = PrepareSweep(series, options, generator);
  SweepRunHooks hooks;
  hooks.progress = progress;
  ComputeSweepGroups(series, generator, hooks, &res);
  FinishSweep(series, &res);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

void FinishSweep(const GroupSeries& series, SweepResult* result) {
  SweepResult& res = *result;
  const SweepGrid& grid = res.grid;
  const SweepOptions& options = res.options;
  const int ng = res.num_groups();
  const int ns = grid.num_specs();
  const int B = res.replicates;
  const size_t sgn = static_cast<size_t>(ns) * ng;
  res.skipped_specs = 0;
  res.failed_point_estimates = 0;
  res.failed_replicate_evaluations = 0;
  res.evaluations = 0;
  res.tipping.clear();
  res.ambiguities.clear();
  for (int s = 0; s < ns; ++s)
    if (grid.spec_status[s] != IndexStatus::kOk) ++res.skipped_specs;
  const int64_t pairs_all = static_cast<int64_t>(grid.volatility_high.size()) * grid.volatility_low.size();
  int64_t pairs_ok = 0;
  for (int64_t c : grid.coherent_pairs) pairs_ok += c;
  res.skipped_threshold_points =
      (pairs_all - pairs_ok) * static_cast<int64_t>(grid.growth.size()) * static_cast<int64_t>(grid.overrides.size());
  for (size_t i = 0; i < sgn; ++i)
    if (grid.spec_status[i / ng] == IndexStatus::kOk && res.point_status[i] != IndexStatus::kOk)
      ++res.failed_point_estimates;
  if (!res.counts.empty()) {
    res.evaluations = res.counts.total_evaluations();
    for (int32_t f : res.counts.failed_replicates) res.failed_replicate_evaluations += f;
  }

  // ---- Tipping scans: one axis at a time, everything else at its default.
  const int dspec = grid.default_spec;
  const SweepGrid::SpecAxes da = grid.AxesOf(dspec);
  const Thresholds dt = options.default_thresholds;
  auto scan_thresholds = [&](const std::string& axis, const std::vector<double>& values, int def,
                             auto&& set) {
    AxisScan sc;
    sc.axis = axis;
    sc.default_position = def;
    for (double v : values) {
      sc.labels.push_back(FormatDouble(v));
      sc.numeric.push_back(v);
      Thresholds t = dt;
      set(t, v);
      for (int g = 0; g < ng; ++g) {
        const size_t sg = static_cast<size_t>(dspec) * ng + g;
        auto [regime, cell] = ClassifyPoint(res.V_point[sg], res.G_point[sg], res.point_status[sg] == IndexStatus::kOk,
                                            res.groups[g].semiconductor, t);
        sc.regime.push_back(static_cast<int8_t>(regime));
        sc.cell.push_back(static_cast<int8_t>(cell));
      }
    }
    res.tipping.push_back(std::move(sc));
  };
  scan_thresholds("growth", grid.growth, grid.default_growth, [](Thresholds& t, double v) { t.growth = v; });
  scan_thresholds("volatility_high", grid.volatility_high, grid.default_volatility_high,
                  [](Thresholds& t, double v) { t.volatility_high = v; });
  scan_thresholds("volatility_low", grid.volatility_low, grid.default_volatility_low,
                  [](Thresholds& t, double v) { t.volatility_low = v; });
  {
    std::vector<double> ov;
    for (uint8_t o : grid.overrides) ov.push_back(o);
    scan_thresholds("semiconductor_override", ov, grid.default_override,
                    [](Thresholds& t, double v) { t.semiconductor_override = v != 0.0; });
    for (auto& l : res.tipping.back().labels) l = l == "1" ? "on" : "off";
    for (auto& n : res.tipping.back().numeric) n = kNaN;
  }
  auto scan_spec = [&](const std::string& axis, int count, int def, auto&& label, auto&& spec_of) {
    AxisScan sc;
    sc.axis = axis;
    sc.default_position = def;
    for (int i = 0; i < count; ++i) {
      sc.labels.push_back(label(i));
      sc.numeric.push_back(kNaN);
      const int s = spec_of(i);
      for (int g = 0; g < ng; ++g) {
        const size_t sg = static_cast<size_t>(s) * ng + g;
        auto [regime, cell] = ClassifyPoint(res.V_point[sg], res.G_point[sg], res.point_status[sg] == IndexStatus::kOk,
                                            res.groups[g].semiconductor, dt);
        sc.regime.push_back(static_cast<int8_t>(regime));
        sc.cell.push_back(static_cast<int8_t>(cell));
      }
    }
    res.tipping.push_back(std::move(sc));
  };
  scan_spec("weighting", static_cast<int>(grid.weightings.size()), da.weighting,
            [&](int i) { return grid.weightings[i].ToString(); },
            [&](int i) { return grid.SpecIndex(da.start, da.end, da.frequency, i, da.base); });
  scan_spec("window_start", static_cast<int>(grid.window_starts.size()), da.start,
            [&](int i) { return grid.window_starts[i].ToString(); },
            [&](int i) { return grid.SpecIndex(i, da.end, da.frequency, da.weighting, da.base); });
  scan_spec("window_end", static_cast<int>(grid.window_ends.size()), da.end,
            [&](int i) { return grid.window_ends[i].ToString(); },
            [&](int i) { return grid.SpecIndex(da.start, i, da.frequency, da.weighting, da.base); });
  scan_spec("frequency", static_cast<int>(grid.frequencies.size()), da.frequency,
            [&](int i) { return std::string(ToString(grid.frequencies[i])); },
            [&](int i) { return grid.SpecIndex(da.start, da.end, i, da.weighting, da.base); });
  scan_spec("base", static_cast<int>(grid.bases.size()), da.base,
            [&](int i) { return std::string(ToString(grid.bases[i])); },
            [&](int i) { return grid.SpecIndex(da.start, da.end, da.frequency, da.weighting, i); });

  // ---- The talk's own ambiguities (point estimates, computed directly so they
  // need not lie on the grid).
  const IndexSpec& dis = grid.specs[dspec];
  auto ambiguity = [&](const std::string& name, IndexSpec spec_a, Thresholds ta, IndexSpec spec_b, Thresholds tb) {
    Ambiguity a;
    a.name = name;
    for (int g = 0; g < ng; ++g) {
      const std::span<const unsigned char> present =
          series.present.empty() ? std::span<const unsigned char>()
                                 : std::span<const unsigned char>(series.present).subspan(
                                       static_cast<size_t>(g) * series.num_months, series.num_months);
      const IndexValues va = ComputeSeriesIndices(series.row(g), present, series.first_month, spec_a);
      const IndexValues vb = ComputeSeriesIndices(series.row(g), present, series.first_month, spec_b);
      auto ca = ClassifyPoint(va.V, va.G, va.ok(), res.groups[g].semiconductor, ta);
      auto cb = ClassifyPoint(vb.V, vb.G, vb.ok(), res.groups[g].semiconductor, tb);
      a.regime_default.push_back(static_cast<int8_t>(ca.first));
      a.cell_default.push_back(static_cast<int8_t>(ca.second));
      a.regime_alternative.push_back(static_cast<int8_t>(cb.first));
      a.cell_alternative.push_back(static_cast<int8_t>(cb.second));
    }
    res.ambiguities.push_back(std::move(a));
  };
  {
    Thresholds t024 = dt, t023 = dt;
    t024.volatility_low = 0.24;
    t023.volatility_low = 0.23;
    ambiguity("v_lo 0.24 vs 0.23", dis, t024, dis, t023);
    Thresholds on = dt, off = dt;
    on.semiconductor_override = true;
    off.semiconductor_override = false;
    ambiguity("semiconductor override on vs off", dis, on, dis, off);
    IndexSpec lin = dis, eq = dis;
    lin.weighting = Weighting::kLinear;
    eq.weighting = Weighting::kEqual;
    ambiguity("linear vs equal weights", lin, dt, eq, dt);
  }
  res.share_point = res.RegimeSharePoint();
  res.share_bootstrap = res.RegimeShareBootstrap();
  res.default_regime_probability.clear();
  if (B > 0) {
    res.default_regime_probability.assign(static_cast<size_t>(ng) * 3, kNaN);
    for (int g = 0; g < ng; ++g) {
      const size_t sg = static_cast<size_t>(dspec) * ng + g;
      const int32_t* reg = &res.counts.default_threshold_regimes[sg * kNumRegimes];
      const double n = static_cast<double>(reg[0]) + reg[1] + reg[2];
      if (n == 0) continue;
      for (int k = 0; k < 3; ++k) res.default_regime_probability[static_cast<size_t>(g) * 3 + k] = reg[k] / n;
    }
  }
}

}  // namespace chokepoint::robustness
