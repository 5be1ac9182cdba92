// Robustness sweeps (docs/method.md §6): every threshold,
// weighting, window, frequency and base choice, and optionally bootstrap
// replicates on top of every index specification.
//
// Factorisation. V and G depend only on the index specification (window x
// frequency x weighting x base), never on the thresholds. So the engine
// computes (V, G) once per (index specification, group, replicate) with the
// core kernels on contiguous spans, and answers every threshold point
// (g* x v_hi x v_lo x override) by counting: each value is placed once into
// its bin of the sorted threshold axes (binary search), and cumulative sums of
// those integer bin counts give the regime and cell counts at every threshold
// point. Partial results are integer counts, so merging work units is an exact
// sum in any order: identical results on any number of threads, and the same
// SweepWorkUnit / SweepPartial::Merge split can later run across MPI ranks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/robustness/sweep/sweep_options.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint::robustness {

// Produces replicate monthly series; Generate must be a pure function of
// (group, replicate) so results are identical for any thread count.
class ReplicateGenerator {
 public:
  struct Scratch {
    virtual ~Scratch() = default;
  };
  virtual ~ReplicateGenerator() = default;
  virtual std::unique_ptr<Scratch> MakeScratch() const = 0;
  // replicate is 0-based (0 .. replicates - 1); out has the series length.
  virtual void Generate(int group, int replicate, std::span<double> out, Scratch* scratch) const = 0;
  // False when the group's series cannot be resampled (months missing, or
  // values the scheme rejects): its replicates are counted as failed.
  virtual bool Available(int group) const { (void)group; return true; }
  virtual std::string Unavailable(int group) const { (void)group; return {}; }
  // Block length the generator used for a group (reporting only; 0 if none).
  virtual double BlockLengthUsed(int group) const { (void)group; return 0.0; }
};

// The bootstrap helper's SeriesResampler per group, keyed (seed, group, replicate).
std::unique_ptr<ReplicateGenerator> MakeBootstrapGenerator(const GroupSeries& series,
                                                           const bootstrap::ResamplerOptions& options,
                                                           uint64_t seed);

// The expanded grid: axes (defaults included) and the flattened index specs.
struct SweepGrid {
  std::vector<double> growth, volatility_high, volatility_low;
  std::vector<uint8_t> overrides;  // 1 = on, 0 = off
  std::vector<WeightingChoice> weightings;
  std::vector<YearMonth> window_starts, window_ends;
  std::vector<Frequency> frequencies;
  std::vector<BaseRule> bases;
  // Spec order: start (outermost), end, frequency, weighting, base (innermost).
  std::vector<IndexSpec> specs;
  std::vector<IndexStatus> spec_status;  // window/frequency coherence; non-ok specs are skipped
  int default_spec = 0;
  int default_growth = 0, default_volatility_high = 0, default_volatility_low = 0, default_override = 0;
  std::vector<std::string> defaults_added;  // axes the defaults were inserted into
  // coherent_pairs[j] = #{v_lo <= v_hi[j]}: threshold points with v_lo > v_hi are skipped.
  std::vector<int64_t> coherent_pairs;

  int num_specs() const { return static_cast<int>(specs.size()); }
  int64_t num_threshold_points() const;           // all, incoherent included
  int64_t num_coherent_threshold_points() const;  // v_lo <= v_hi
  int SpecIndex(int start, int end, int frequency, int weighting, int base) const;
  // Axis positions of a spec index.
  struct SpecAxes { int start, end, frequency, weighting, base; };
  SpecAxes AxesOf(int spec) const;
  // Bins: place a value among sorted thresholds.
  int GrowthBin(double G) const;          // #{g* < G}: G > g*[k] iff k < bin
  int VolatilityHighBin(double V) const;  // #{v_hi < V}
  int VolatilityLowBin(double V) const;   // #{v_lo <= V}
  int growth_bins() const { return static_cast<int>(growth.size()) + 1; }
  int high_bins() const { return static_cast<int>(volatility_high.size()) + 1; }
  int low_bins() const { return static_cast<int>(volatility_low.size()) + 1; }
};

SweepGrid BuildSweepGrid(const SweepOptions& options, YearMonth series_first, int series_months);

// A unit of work: groups [group_begin, group_end) x replicates [replicate_begin,
// replicate_end). Replicate index 0 is the observed series (point estimate);
// bootstrap replicate r is index r + 1.
struct SweepWorkUnit {
  int group_begin = 0, group_end = 0;
  int replicate_begin = 0, replicate_end = 0;
};

// What the replicates of a set of groups reduce to: integers only, so merging
// partials is an exact sum in any order (docs/method.md §6.10).
//
// Summaries are kept for every (spec, group) and cost a few integers each:
// ok/failed replicate counts, the replicate regimes at the default thresholds,
// and the replicate regimes summed over the whole threshold grid (the
// bootstrap stability share). The default specification's bin tables are kept
// for every group (they answer any threshold point there). The full bin tables
// of every specification (specs x groups x bins, 7.5 MB per group on the
// referee grid) are kept only when asked (SweepOptions::keep_counts), so a
// sweep of thousands of series grows with series x summaries, not series x grid.
struct SweepPartial {
  // Covers groups [group_begin, group_begin + num_groups).
  int num_specs = 0, group_begin = 0, num_groups = 0, growth_bins = 0, high_bins = 0, low_bins = 0;
  // Full bin tables, only when kept: [spec][group - group_begin][growth_bin][high_bin] and [...][low_bin].
  std::vector<int32_t> high_counts, low_counts;
  // Replicates with ok indices, and those whose index failed (base or mean <= 0).
  std::vector<int32_t> ok_replicates, failed_replicates;  // [spec][group]
  // [spec][group][regime]: replicates per regime at the default threshold point.
  std::vector<int32_t> default_threshold_regimes;
  // [spec][group][regime]: over ok replicates, the number of coherent threshold
  // points (g* x v_hi x v_lo x override) giving each regime.
  std::vector<int64_t> grid_regimes;
  // Bin tables of the default specification: [group][growth_bin][high_bin] and [...][low_bin].
  std::vector<int32_t> default_high_counts, default_low_counts;
  std::vector<int64_t> evaluations;  // [group]: replicate index evaluations done

  void Init(const SweepGrid& grid, int group_begin, int num_groups, bool full_counts);
  bool empty() const { return ok_replicates.empty(); }
  bool has_full_counts() const { return !high_counts.empty(); }
  int64_t total_evaluations() const;
  // Adds `other`, whose groups must lie inside this partial's (an empty
  // partial takes other's range). Exact: integer sums, so any merge order
  // gives the same result.
  void Merge(const SweepPartial& other);
};

struct SweepGroupInfo {
  std::string name;
  bool semiconductor = false;
};

// Regime of one group along one axis with every other choice at its default.
struct AxisScan {
  std::string axis;                 // "growth", "volatility_high", ..., "window_start"
  std::vector<std::string> labels;  // axis values as text
  std::vector<double> numeric;      // axis values as numbers (thresholds) or NaN
  int default_position = 0;
  // [value][group]: regime (0..2) of the point estimate, -1 not computable.
  std::vector<int8_t> regime;
  // [value][group]: cell (0..5), -1 not computable.
  std::vector<int8_t> cell;
};

// The talk's own ambiguities, per group: regime and cell at the default and
// under the alternative (point estimates).
struct Ambiguity {
  std::string name;  // "v_lo 0.23 vs 0.24"
  std::vector<int8_t> regime_default, regime_alternative, cell_default, cell_alternative;
};

struct SweepResult {
  SweepOptions options;  // as given
  SweepGrid grid;        // as used
  std::vector<SweepGroupInfo> groups;
  YearMonth series_first;
  int series_months = 0;
  int replicates = 0;               // bootstrap replicates used
  std::vector<double> block_length;  // per group, as used by the generator
  std::vector<std::string> replicate_failure;  // per group: why it has no replicates ("" = it has)
  int threads_used = 0;
  double seconds = 0.0;

  // Point estimates [spec][group] (NaN where status is not ok).
  std::vector<double> V_point, G_point;
  std::vector<IndexStatus> point_status;
  // Replicate counts and summaries (bootstrap only); full bin tables when options.keep_counts.
  SweepPartial counts;
  // Cloud of the default spec [group][replicate].
  std::vector<double> V_default_cloud, G_default_cloud;
  // Full clouds [spec][group][replicate] when options.keep_clouds.
  std::vector<double> V_cloud, G_cloud;

  // Skipped and counted, never mixed in.
  int64_t skipped_specs = 0;                 // incoherent index specifications
  int64_t skipped_threshold_points = 0;      // v_lo > v_hi
  int64_t failed_point_estimates = 0;        // (spec, group) with a non-ok status
  int64_t failed_replicate_evaluations = 0;  // replicate evaluations with a non-ok status
  int64_t evaluations = 0;                   // (spec x group x replicate) index evaluations done
  // Classifications answered = evaluations x coherent threshold points.
  double classifications() const;

  // Derived tables (filled by RunSweep, and by ReadSweepSection from a file).
  std::vector<AxisScan> tipping;  // one per axis
  std::vector<Ambiguity> ambiguities;
  std::vector<double> share_point;      // RegimeSharePoint()
  std::vector<double> share_bootstrap;  // RegimeShareBootstrap(), empty without replicates
  // [group][3]: regime probabilities of the default spec at the default thresholds.
  std::vector<double> default_regime_probability;

  int num_groups() const { return static_cast<int>(groups.size()); }
  int num_specs() const { return grid.num_specs(); }
  // Regime/cell of the point estimate of (spec, group) at a threshold point; -1 if not ok.
  int PointRegime(int spec, int group, const Thresholds& t) const;
  // Replicate counts per regime at threshold indices (k, j_hi, j_lo, override position)
  // for (spec, group) from the full bin counts (options.keep_counts; the
  // default spec always). Out: 3 regimes, 6 cells.
  void CountAt(int spec, int group, int k, int j_hi, int j_lo, bool override_on, int64_t regimes[3],
               int64_t cells[6]) const;
  // Share of all (coherent specification x threshold point) choices giving each
  // regime, per group: from point estimates, and averaged over replicates.
  std::vector<double> RegimeSharePoint() const;      // [group][3]
  std::vector<double> RegimeShareBootstrap() const;  // [group][3], empty without replicates
  // Groups written at every threshold point of the default specification
  // (options.detail_groups resolved); throws naming an unknown group.
  std::vector<int> DetailGroupIndices() const;

  std::string FullReport() const;
};

// Progress: called with (units done, units total) from worker threads.
using SweepProgress = std::function<void(int64_t done, int64_t total)>;

// Runs the sweep on a GroupSeries. `generator` may be null when
// options.replicates == 0; otherwise it is used for replicates.
SweepResult RunSweep(const GroupSeries& series, const SweepOptions& options,
                     const ReplicateGenerator* generator, const SweepProgress& progress = {});
// Convenience: builds the bootstrap generator from options.resampler.
SweepResult RunSweep(const GroupSeries& series, const SweepOptions& options,
                     const SweepProgress& progress = {});

// ---- The sweep in phases, for drivers that split it across processes or
// checkpoint it (docs/method.md §6.10). RunSweep = PrepareSweep, then
// ComputeSweepGroups, then FinishSweep. A group's numbers depend only on
// (series, options, generator, group), so groups computed anywhere and moved
// with SerializeSweepGroup / RestoreSweepGroup give the same bits.
struct SweepRunHooks {
  SweepProgress progress;
  // Groups this process computes (empty: all).
  std::function<bool(int group)> owns;
  // Groups already restored (RestoreSweepGroup) and skipped: [group] != 0.
  std::vector<uint8_t> done;
  // Called one at a time when every unit of a group has finished (its slots
  // are final): a checkpoint writes SerializeSweepGroup(result, group) here.
  std::function<void(int group)> on_group_done;
};

// Validates, builds the grid and sizes every per-group slot (nothing computed).
SweepResult PrepareSweep(const GroupSeries& series, const SweepOptions& options, const ReplicateGenerator* generator);
// Computes the groups the hooks select into `result` (from PrepareSweep).
void ComputeSweepGroups(const GroupSeries& series, const ReplicateGenerator* generator, const SweepRunHooks& hooks,
                        SweepResult* result);
// One group's slots (point estimates, replicate summaries, clouds kept) as
// bytes, and back; RestoreSweepGroup refuses bytes of another shape.
std::string SerializeSweepGroup(const SweepResult& result, int group);
void RestoreSweepGroup(SweepResult* result, int group, std::string_view bytes);
// Totals, tipping scans, ambiguities and shares from the complete slots.
void FinishSweep(const GroupSeries& series, SweepResult* result);

}  // namespace chokepoint::robustness
