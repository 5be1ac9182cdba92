// The parallel bootstrap engine: every group of a GroupSeries is resampled B
// times (TBB over (group, replicate)); replicate r of group index g draws from
// RandomStream(seed, g, r), so the (V, G) cloud is bit-identical for any
// number of threads. Summaries: mean, SD, percentile / basic / normal / BCa
// intervals, probabilities of the 3 regimes and 6 cells, and how stable the
// point regime is.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/bootstrap/estimands.h"
#include "chokepoint/bootstrap/intervals.h"
#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint::bootstrap {

struct BootstrapOptions {
  // B: 1000 keeps the Monte Carlo error of a 90% percentile bound small
  // (about 1% of the interval width) at a fraction of a second per group.
  int replicates = 1000;
  // Two-sided confidence level of every interval (the paper's thresholds are
  // judged at 90%).
  double level = 0.9;
  // Key of the counter-based streams (seed, group index, replicate).
  uint64_t seed = 20180417;
  // Worker threads; 0 = every core TBB sees. Results do not depend on it.
  int threads = 0;
  // Keep the groups x B replicate matrices (written to HDF5, used by sweeps);
  // small for the 17 groups (17 x 1000 doubles each).
  bool keep_replicates = true;
  // Scheme, block method, block length.
  ResamplerOptions resampler;
  // Interval shown in the report table. Basic: under the residual scheme it
  // pivots on the fitted path's statistic (the bootstrap world's parameter),
  // which gives 87-93% coverage of the noise-free G at nominal 90% in the
  // coverage study, where the percentile interval covers ~100% (it is centred
  // on the fitted path, not on the estimate) and can exclude the estimate.
  IntervalMethod report_interval = IntervalMethod::kBasic;
  // Progress bar on stderr, only when stderr is a terminal.
  bool progress = true;
  // Residual/sieve schemes: also bootstrap G_trend, the G of the fitted trend
  // + month-effects path (refitted on every replicate), an estimator of the
  // noise-free G with intervals that cover it at about the nominal rate. Off
  // by default: it costs a log, a projection and an exp per month.
  bool trend_growth = false;
  // `chokepoint run` with the models stage: keep each group's fitted
  // episodes in the residual/sieve fitted path: the surge pulses of a
  // stockpiling verdict, else the Bai-Perron (LWZ) segments when there are
  // breaks (GroupModels::EpisodeLogComponent). Without it an episode sits in
  // the residuals and is scattered over the series.
  bool fitted_surges = true;
  // The estimand the report shows first and whose regime probabilities it
  // quotes (docs/method.md §5.13): observed, the paper's statistic, which is
  // what its thresholds were set against. Both estimands are always computed
  // when the scheme has a fitted path.
  Estimand estimand = Estimand::kObserved;
  // Compute the signal estimand (residual and sieve schemes): the path
  // refitted on every replicate. Off, only the observed estimand is given.
  bool signal = true;
  // Regime probabilities under every scheme (levels, residual, growth,
  // sieve) from the same seed at `diagnostic_replicates` each (99: a probability
  // to about +-0.05, ample against the 0.25 flag), and a flag
  // where two schemes' probabilities of a regime differ by more than
  // `scheme_disagreement_threshold` (docs/method.md §5.14).
  bool scheme_diagnostics = true;
  int diagnostic_replicates = 99;
  double scheme_disagreement_threshold = 0.25;
  // G and the regime under both bases (first, first12) from the same
  // replicates, and whether the base changes the regime (docs/method.md §5.15).
  bool base_sensitivity = true;
  // Double-bootstrap calibration of the log-centred interval's nominal level
  // (calibration_outer outer x calibration_inner inner replicates per group).
  bool calibrate = false;
  int calibration_outer = 200;
  int calibration_inner = 200;

  // Names the field ("bootstrap.replicates") on failure.
  bool IsValid(std::string* error) const;
  // [bootstrap] keys: replicates, level, seed, threads, keep_replicates,
  // scheme, blocks, block_length ("auto" or a number), report_interval, progress.
  static BootstrapOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

// The interval shown for an estimand: log_centred, or its calibrated form
// when options.calibrate.
EstimandMethod DefaultEstimandMethod(const BootstrapOptions& options);

struct StatisticSummary {
  double point = 0.0;  // on the observed series
  double mean = 0.0;   // of the finite replicates
  double sd = 0.0;
  IntervalSet intervals;
  int jackknife_values = 0;  // used for the BCa acceleration
  // The statistic of the resampling model's fitted mean path (residual and
  // sieve schemes): what the replicates scatter around, so the basic and
  // normal intervals pivot on it (intervals.h). NaN for levels and growth,
  // whose bootstrap world is the observed series itself.
  double bootstrap_world = std::numeric_limits<double>::quiet_NaN();
};

struct GroupBootstrap {
  std::string name;
  int group_id = 0;
  bool semiconductor = false;
  bool ok = false;
  std::string note;  // why not ok
  StatisticSummary V, G;
  // G of the fitted trend path (options.trend_growth; no BCa: no jackknife).
  std::optional<StatisticSummary> G_trend;
  // Columns stockpiling, no_effect, substitution.
  std::array<double, kNumRegimes> regime_probability{};
  std::array<double, kNumCells> cell_probability{};
  Regime point_regime = Regime::kNoEffect;
  int point_cell = 0;
  double regime_stability = 0.0;  // P(replicate regime == point regime)
  int valid_replicates = 0;       // replicates with finite V and G
  int num_months = 0;             // months in the window that was resampled
  double block_length_used = 0.0;
  std::optional<BlockLengthSelection> automatic;
  int ar_order = 0;
  int jackknife_block = 0;  // months deleted per jackknife value
  std::string resampler;    // SeriesResampler::Describe()
  // The named estimands (docs/method.md §5.13), indexed by Estimand: point,
  // intervals and the regime probabilities of each. The legacy V, G summaries
  // above are the observed statistic's, with the interval types of intervals.h.
  struct EstimandResult {
    bool ok = false;
    std::string note;  // why not ok (e.g. no fitted path under this scheme)
    EstimandSummary V, G;
    Regime point_regime = Regime::kNoEffect;
    std::array<double, kNumRegimes> regime_probability{};
  };
  std::array<EstimandResult, kNumEstimands> estimands;
  // Regime probabilities of the observed estimand under every scheme,
  // indexed by Scheme (options.scheme_diagnostics); `spread` is the largest
  // difference between two schemes' probabilities of one regime.
  struct SchemeDiagnostic {
    bool ok = false;
    std::string note;
    int replicates = 0;
    std::array<double, kNumRegimes> regime_probability{};
  };
  std::array<SchemeDiagnostic, kNumSchemes> scheme_diagnostics;
  bool scheme_disagreement = false;
  double scheme_spread = std::numeric_limits<double>::quiet_NaN();
  // G of the report's estimand under each base (first, first12) and the
  // regime it gives (options.base_sensitivity).
  struct BaseVariant {
    BaseRule base = BaseRule::kFirstPeriod;
    bool ok = false;
    std::string note;
    EstimandSummary G;
    Regime point_regime = Regime::kNoEffect;
    std::array<double, kNumRegimes> regime_probability{};
  };
  std::array<BaseVariant, 2> base_variants;
  bool base_changes_regime = false;
  // What the fitted path keeps besides trend + month effects, as the caller
  // who passed the log component names it (`chokepoint run`: the models'
  // episode, e.g. "surge pulses (2)"); empty = nothing was passed.
  std::string fitted_component;
};

struct BootstrapResult {
  BootstrapOptions options;  // as given
  IndexSpec spec;
  Thresholds thresholds;
  int threads_used = 0;
  int replicates = 0;
  double seconds = 0.0;
  std::vector<GroupBootstrap> groups;
  bool replicates_kept = false;
  std::vector<double> V_replicates;  // groups x B, row-major (NaN where not computed)
  std::vector<double> G_replicates;
  std::vector<double> G_trend_replicates;  // when options.trend_growth and kept
  std::vector<double> V_signal_replicates;  // groups x B, the signal estimand's (when kept)
  std::vector<double> G_signal_replicates;
  // Wall seconds per phase, in the order they run (their sum is `seconds`
  // up to the copies of the kept replicates): fitting each group's
  // resampler, the replicates, the calibration, the summaries, the scheme
  // diagnostics.
  double setup_seconds = 0.0;
  double replicate_seconds = 0.0;
  double calibration_seconds = 0.0;
  double summary_seconds = 0.0;
  double diagnostics_seconds = 0.0;

  int num_groups() const { return static_cast<int>(groups.size()); }
  // Options given vs used (threads, block length per group), timing, notes.
  std::string FullReport() const;
};

// Throws chokepoint::Error (usage) for invalid options/spec/thresholds.
// Groups that cannot be bootstrapped (missing months, values <= 0 for log
// schemes, too short) get ok = false and a note; the others are unaffected.
//
// `log_components` (optional, one per group, each empty or of the series'
// length): a known part of each group's log mean path kept in the fitted
// path of the residual and sieve schemes (SeriesResampler). `chokepoint run`
// passes the models stage's episodes (GroupModels::EpisodeLogComponent) when
// [bootstrap] fitted_surges is on, so they are not resampled as noise.
BootstrapResult RunBootstrap(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds,
                             const BootstrapOptions& options,
                             std::span<const std::vector<double>> log_components = {});

// The replicate arrays a bootstrap of `num_groups` groups allocates, checked
// against the memory limit (memory_limit.h): throws a usage error naming the
// estimate and the limit. RunBootstrap checks it first; a caller with earlier
// stages (`chokepoint run`: the models) checks it before them, so a refused
// run refuses at once.
void CheckBootstrapMemory(int num_groups, const BootstrapOptions& options);

// One series (e.g. from a CSV file) through the same engine: a GroupSeries
// with a single group named `name`.
BootstrapResult RunSeriesBootstrap(std::span<const double> monthly, YearMonth first_month, const IndexSpec& spec,
                                   const Thresholds& thresholds, const BootstrapOptions& options,
                                   const std::string& name = "series");

}  // namespace chokepoint::bootstrap
