// The sweep engine: factorised counts == brute force, hand-derived tipping
// points, thread-count independence, exact merges, options.
#include "chokepoint/robustness/sweep/sweep.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/random.h"
#include "chokepoint/robustness/sweep/sweep_io.h"
#include "chokepoint/robustness/sweep/sweep_units.h"
#include "sweep_oracle.h"

namespace chokepoint::robustness {
namespace {

// Replicates = observed series x lognormal noise, keyed (seed, group, replicate):
// a pure function, independent of the bootstrap module.
class NoiseGenerator : public ReplicateGenerator {
 public:
  explicit NoiseGenerator(const GroupSeries& s, double sigma = 0.15) : series_(s), sigma_(sigma) {}
  std::unique_ptr<Scratch> MakeScratch() const override { return std::make_unique<Scratch>(); }
  void Generate(int group, int replicate, std::span<double> out, Scratch*) const override {
    RandomStream rs(77, static_cast<uint32_t>(group), static_cast<uint32_t>(replicate));
    const auto row = series_.row(group);
    for (size_t t = 0; t < out.size(); ++t) out[t] = row[t] * std::exp(sigma_ * rs.NextNormal());
  }

 private:
  const GroupSeries& series_;
  double sigma_;
};

TechnologyGroup Group(int id, const std::string& name, bool semi) {
  TechnologyGroup g;
  g.id = id;
  g.name = name;
  g.short_name = name;
  g.semiconductor = semi;
  return g;
}

// Five groups, 48 months from 2015-01: trends, seasonality and surges of
// different sizes, so the grid cuts through every regime.
GroupSeries SmallPanel() {
  GroupSeries s;
  s.first_month = YearMonth{2015, 1};
  s.num_months = 48;
  const double trend[] = {0.025, 0.004, -0.01, 0.015, 0.012};
  const double surge[] = {0.0, 0.6, 0.0, 1.2, 0.3};
  const bool semi[] = {true, false, false, true, false};
  for (int g = 0; g < 5; ++g) {
    const char* names[] = {"G1", "G2", "G3", "G4", "G5"};
    s.groups.push_back(Group(g + 1, names[g], semi[g]));
    for (int t = 0; t < s.num_months; ++t) {
      double v = 100.0 * std::exp(trend[g] * t) * (1.0 + 0.08 * std::sin(2 * 3.14159265 * t / 12.0 + g));
      if (t >= 30 && t < 38) v *= 1.0 + surge[g];
      s.values.push_back(v);
    }
  }
  return s;
}

SweepOptions SmallGrid(int replicates) {
  SweepOptions o;
  o.growth = ExpandThresholdRange("-0.1:1.2:0.1", "growth");
  o.volatility_high = ExpandThresholdRange("0.05:0.45:0.05", "volatility_high");
  o.volatility_low = ExpandThresholdRange("0.02:0.3:0.04", "volatility_low");
  o.weightings = {*WeightingChoice::FromString("equal"), *WeightingChoice::FromString("linear"),
                  *WeightingChoice::FromString("exponential:6"), *WeightingChoice::FromString("last_k:4")};
  o.window_starts = ExpandMonthRange("2015-01:2015-07:6", "s");
  o.window_ends = ExpandMonthRange("2017-12,2018-06,2018-12", "e");
  o.replicates = replicates;
  o.threads = 2;
  return o;
}

TEST(SweepGrid, RefereeGridShape) {
  const SweepOptions o;
  EXPECT_EQ(o.growth.size(), 33u);
  EXPECT_EQ(o.volatility_high.size(), 26u);
  EXPECT_EQ(o.volatility_low.size(), 16u);
  EXPECT_EQ(o.window_starts.size(), 7u);
  EXPECT_EQ(o.window_ends.size(), 5u);
  EXPECT_EQ(o.replicates, 1000);
  // 0.2 + 12 * 0.025 must be the double 0.5 itself (the default threshold).
  EXPECT_TRUE(std::binary_search(o.growth.begin(), o.growth.end(), 0.5));
  EXPECT_TRUE(std::binary_search(o.volatility_high.begin(), o.volatility_high.end(), 0.3));
  EXPECT_TRUE(std::binary_search(o.volatility_low.begin(), o.volatility_low.end(), 0.24));
  const SweepGrid g = BuildSweepGrid(o, YearMonth{2015, 1}, 120);
  EXPECT_TRUE(g.defaults_added.empty());
  EXPECT_EQ(g.num_specs(), 7 * 5 * 3 * 6 * 2);
  EXPECT_EQ(g.num_threshold_points(), 33 * 26 * 16 * 2);
  // v_lo > v_hi only for v_hi < 0.30: v_hi 0.20 -> v_lo 0.21..0.30 (10 skipped), ..., 0.29 -> 1.
  EXPECT_EQ(g.num_threshold_points() - g.num_coherent_threshold_points(), (10 + 9 + 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1) * 33 * 2);
  const IndexSpec& d = g.specs[g.default_spec];
  EXPECT_EQ(d.Describe(), "linear/first/monthly 2015-01..2024-12");
  EXPECT_EQ(g.growth[g.default_growth], 0.5);
  // 2015-07..2022-12 is 90 months: quarterly ok, annual not a whole number of years.
  const int s = g.SpecIndex(1, 0, 2, 0, 0);
  EXPECT_EQ(g.specs[s].frequency, Frequency::kAnnual);
  EXPECT_EQ(g.spec_status[s], IndexStatus::kIncompletePeriod);
}

TEST(SweepEngine, FactorisedCountsEqualBruteForce) {
  const GroupSeries panel = SmallPanel();
  const NoiseGenerator gen(panel);
  SweepOptions o = SmallGrid(25);
  o.keep_counts = true;  // CountAt of every specification
  const SweepResult r = RunSweep(panel, o, &gen);
  const SweepGrid& g = r.grid;
  ASSERT_GT(r.skipped_specs, 0);  // e.g. annual 2015-07..2018-06 is not whole years
  std::vector<int> all;
  for (int s = 0; s < g.num_specs(); ++s) all.push_back(s);
  const int ng = panel.num_groups();
  const int64_t ntp = g.num_threshold_points();
  // Replicates.
  const auto brute = chokepoint::testing::BruteForceRegimeCounts(panel, g, &gen, o.replicates, all, false);
  int64_t compared = 0, nontrivial = 0;
  for (int s = 0; s < g.num_specs(); ++s) {
    for (int gg = 0; gg < ng; ++gg) {
      int64_t tp = 0;
      for (size_t k = 0; k < g.growth.size(); ++k)
        for (size_t jh = 0; jh < g.volatility_high.size(); ++jh)
          for (size_t jl = 0; jl < g.volatility_low.size(); ++jl)
            for (size_t ov = 0; ov < g.overrides.size(); ++ov, ++tp) {
              const int64_t* b = &brute[((static_cast<size_t>(s) * ng + gg) * ntp + tp) * 3];
              int64_t reg[3] = {0, 0, 0}, cells[6];
              const bool coherent = g.volatility_low[jl] <= g.volatility_high[jh];
              if (g.spec_status[s] == IndexStatus::kOk && coherent)
                r.CountAt(s, gg, static_cast<int>(k), static_cast<int>(jh), static_cast<int>(jl), g.overrides[ov] != 0,
                          reg, cells);
              ASSERT_EQ(reg[0], b[0]) << "spec " << s << " group " << gg << " tp " << tp;
              ASSERT_EQ(reg[1], b[1]);
              ASSERT_EQ(reg[2], b[2]);
              ++compared;
              if (reg[0] > 0 && reg[2] > 0) ++nontrivial;
            }
    }
  }
  EXPECT_GT(compared, 100000);
  EXPECT_GT(nontrivial, 1000);  // the grid really cuts through the clouds
  // Point estimates: PointRegime against brute force with the observed series.
  const auto point = chokepoint::testing::BruteForceRegimeCounts(panel, g, &gen, 0, all, true);
  for (int s = 0; s < g.num_specs(); ++s)
    for (int gg = 0; gg < ng; ++gg) {
      int64_t tp = 0;
      for (size_t k = 0; k < g.growth.size(); ++k)
        for (size_t jh = 0; jh < g.volatility_high.size(); ++jh)
          for (size_t jl = 0; jl < g.volatility_low.size(); ++jl)
            for (size_t ov = 0; ov < g.overrides.size(); ++ov, ++tp) {
              Thresholds t;
              t.growth = g.growth[k];
              t.volatility_high = g.volatility_high[jh];
              t.volatility_low = g.volatility_low[jl];
              t.semiconductor_override = g.overrides[ov] != 0;
              const int64_t* b = &point[((static_cast<size_t>(s) * ng + gg) * ntp + tp) * 3];
              const int pr = r.PointRegime(s, gg, t);
              for (int q = 0; q < 3; ++q) ASSERT_EQ(b[q], pr == q ? 1 : 0) << s << " " << gg << " " << tp;
            }
    }
  // Point estimates equal ComputeSeriesIndices bit for bit.
  for (int s = 0; s < g.num_specs(); ++s)
    for (int gg = 0; gg < ng; ++gg) {
      const IndexValues iv = ComputeSeriesIndices(panel.row(gg), {}, panel.first_month, g.specs[s]);
      const size_t sg = static_cast<size_t>(s) * ng + gg;
      ASSERT_EQ(iv.status, r.point_status[sg]);
      if (iv.ok()) {
        ASSERT_EQ(iv.V, r.V_point[sg]);
        ASSERT_EQ(iv.G, r.G_point[sg]);
      }
    }
  // Regime shares from the O(1) bin formula equal brute-force tallies.
  const auto share = r.RegimeSharePoint();
  for (int gg = 0; gg < ng; ++gg) {
    double tally[3] = {0, 0, 0};
    for (int s = 0; s < g.num_specs(); ++s)
      for (int64_t tp = 0; tp < ntp; ++tp)
        for (int q = 0; q < 3; ++q) tally[q] += point[((static_cast<size_t>(s) * ng + gg) * ntp + tp) * 3 + q];
    const double tot = tally[0] + tally[1] + tally[2];
    for (int q = 0; q < 3; ++q) EXPECT_NEAR(share[gg * 3 + q], tally[q] / tot, 1e-12);
  }
  EXPECT_EQ(r.evaluations, static_cast<int64_t>(g.num_specs() - r.skipped_specs) * ng * o.replicates);
}

TEST(SweepEngine, CellCountsEqualBruteForceAtDefaultSpec) {
  const GroupSeries panel = SmallPanel();
  const NoiseGenerator gen(panel, 0.3);
  const SweepResult r = RunSweep(panel, SmallGrid(40), &gen);
  const SweepGrid& g = r.grid;
  const IndexSpec& spec = g.specs[g.default_spec];
  for (int gg = 0; gg < panel.num_groups(); ++gg) {
    auto scratch = gen.MakeScratch();
    std::vector<double> m(panel.num_months);
    for (size_t k = 0; k < g.growth.size(); k += 2)
      for (size_t jh = 0; jh < g.volatility_high.size(); ++jh)
        for (size_t jl = 0; jl < g.volatility_low.size(); ++jl) {
          if (g.volatility_low[jl] > g.volatility_high[jh]) continue;
          Thresholds t;
          t.growth = g.growth[k];
          t.volatility_high = g.volatility_high[jh];
          t.volatility_low = g.volatility_low[jl];
          int64_t cells[6] = {0, 0, 0, 0, 0, 0};
          for (int rep = 0; rep < 40; ++rep) {
            gen.Generate(gg, rep, m, scratch.get());
            const IndexValues iv = ComputeSeriesIndices(m, {}, panel.first_month, spec);
            ASSERT_TRUE(iv.ok());
            ++cells[Classify(iv.V, iv.G, false, t).cell()];
          }
          int64_t reg[3], got[6];
          r.CountAt(g.default_spec, gg, static_cast<int>(k), static_cast<int>(jh), static_cast<int>(jl), true, reg, got);
          for (int c = 0; c < 6; ++c) ASSERT_EQ(got[c], cells[c]) << gg << " " << k << " " << jh << " " << jl;
        }
  }
}

// Three groups over four months, with hand-computed indices:
//  Alpha (semi): 10 10 20 20 -> V = sqrt(100/3)/15 = 0.3849, G linear 0.7, equal 0.5
//  Beta  (semi): 10 12 15 18 -> V = 3.5/13.75 = 0.2545, G linear 0.51, equal 0.375
//  Gamma (not):  20 24 30 36 -> same V and G as Beta, but no override
GroupSeries ThreeGroups() {
  GroupSeries s;
  s.first_month = YearMonth{2020, 1};
  s.num_months = 4;
  s.groups = {Group(1, "Alpha", true), Group(2, "Beta", true), Group(3, "Gamma", false)};
  s.values = {10, 10, 20, 20, 10, 12, 15, 18, 20, 24, 30, 36};
  return s;
}

SweepOptions ThreeGroupOptions() {
  SweepOptions o;
  o.growth = ExpandThresholdRange("0.05:0.95:0.1", "growth");  // 0.5 is added as the default
  o.volatility_high = ExpandThresholdRange("0.20:0.40:0.02", "volatility_high");
  o.volatility_low = ExpandThresholdRange("0.20:0.30:0.02", "volatility_low");  // 0.24 on the grid
  o.weightings = {*WeightingChoice::FromString("linear"), *WeightingChoice::FromString("equal")};
  o.window_starts = {YearMonth{2020, 1}};
  o.window_ends = {YearMonth{2020, 4}};
  o.frequencies = {Frequency::kMonthly};
  o.bases = {BaseRule::kFirstPeriod};
  o.replicates = 0;
  o.threads = 1;
  return o;
}

const AxisScan& Scan(const SweepResult& r, const std::string& axis) {
  for (const auto& a : r.tipping)
    if (a.axis == axis) return a;
  throw std::runtime_error("no axis " + axis);
}

std::vector<int> Column(const AxisScan& a, int group, int num_groups) {
  std::vector<int> out;
  for (size_t i = 0; i < a.labels.size(); ++i) out.push_back(a.regime[i * num_groups + group]);
  return out;
}

TEST(SweepTipping, HandDerivedThreeGroupPanel) {
  const GroupSeries panel = ThreeGroups();
  const SweepResult r = RunSweep(panel, ThreeGroupOptions(), nullptr);
  const SweepGrid& g = r.grid;
  ASSERT_EQ(g.defaults_added, std::vector<std::string>{"growth"});
  ASSERT_EQ(g.num_specs(), 2);
  const int d = g.default_spec;
  EXPECT_NEAR(r.V_point[d * 3 + 0], std::sqrt(100.0 / 3.0) / 15.0, 1e-14);
  EXPECT_NEAR(r.G_point[d * 3 + 0], 0.7, 1e-14);
  EXPECT_NEAR(r.V_point[d * 3 + 1], 3.5 / 13.75, 1e-14);
  EXPECT_NEAR(r.G_point[d * 3 + 1], 0.51, 1e-14);
  const int S = 0, N = 1, U = 2, X = -1;  // stockpiling, no_effect, substitution, skipped
  // growth axis: 0.05 0.15 0.25 0.35 0.45 0.5 0.55 0.65 0.75 0.85 0.95
  const AxisScan& growth = Scan(r, "growth");
  ASSERT_EQ(growth.labels.size(), 11u);
  EXPECT_EQ(growth.default_position, 5);
  EXPECT_EQ(Column(growth, 0, 3), (std::vector<int>{S, S, S, S, S, S, S, S, U, U, U}));  // G = 0.7
  EXPECT_EQ(Column(growth, 1, 3), (std::vector<int>{S, S, S, S, S, S, U, U, U, U, U}));  // G = 0.51
  EXPECT_EQ(Column(growth, 2, 3), (std::vector<int>{N, N, N, N, N, N, U, U, U, U, U}));
  // v_hi axis 0.20 .. 0.40 step 0.02 with v_lo = 0.24: 0.20 and 0.22 are incoherent.
  const AxisScan& vhi = Scan(r, "volatility_high");
  ASSERT_EQ(vhi.labels.size(), 11u);
  EXPECT_EQ(Column(vhi, 0, 3), (std::vector<int>{X, X, S, S, S, S, S, S, S, S, S}));
  EXPECT_EQ(Column(vhi, 1, 3), (std::vector<int>{X, X, S, S, S, S, S, S, S, S, S}));
  EXPECT_EQ(Column(vhi, 2, 3), (std::vector<int>{X, X, S, N, N, N, N, N, N, N, N}));  // V = 0.2545
  // v_lo never moves a regime; Gamma's cell turns low volatility for v_lo >= 0.26.
  const AxisScan& vlo = Scan(r, "volatility_low");
  for (int gg = 0; gg < 3; ++gg)
    for (size_t i = 0; i < vlo.labels.size(); ++i) EXPECT_EQ(vlo.regime[i * 3 + gg], vlo.regime[vlo.default_position * 3 + gg]);
  EXPECT_EQ(vlo.cell[0 * 3 + 2], CellIndex(VolatilityLevel::kMedium, GrowthLevel::kHigh));
  EXPECT_EQ(vlo.cell[3 * 3 + 2], CellIndex(VolatilityLevel::kLow, GrowthLevel::kHigh));  // v_lo 0.26
  // Override: only Beta moves.
  const AxisScan& ov = Scan(r, "semiconductor_override");
  EXPECT_EQ(ov.labels, (std::vector<std::string>{"on", "off"}));
  EXPECT_EQ(Column(ov, 0, 3), (std::vector<int>{S, S}));
  EXPECT_EQ(Column(ov, 1, 3), (std::vector<int>{S, N}));
  EXPECT_EQ(Column(ov, 2, 3), (std::vector<int>{N, N}));
  // Weighting: equal weights put all three below g* = 0.5 (Alpha's G is exactly 0.5).
  const AxisScan& w = Scan(r, "weighting");
  EXPECT_EQ(Column(w, 0, 3), (std::vector<int>{S, U}));
  EXPECT_EQ(Column(w, 1, 3), (std::vector<int>{S, U}));
  EXPECT_EQ(Column(w, 2, 3), (std::vector<int>{N, U}));
  // The talk's ambiguities.
  ASSERT_EQ(r.ambiguities.size(), 3u);
  EXPECT_EQ(r.ambiguities[0].regime_default, r.ambiguities[0].regime_alternative);  // v_lo
  EXPECT_EQ(r.ambiguities[1].regime_alternative, (std::vector<int8_t>{S, N, N}));   // override off
  EXPECT_EQ(r.ambiguities[2].regime_alternative, (std::vector<int8_t>{U, U, U}));   // equal weights

  const std::string report = FormatSweepReport(r);
  EXPECT_NE(report.find("**Alpha** (stockpiling): leaves stockpiling when g* >= 0.75 (becomes substitution; "
                        "exact boundary g* = G = 0.7)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("**Beta** (stockpiling): leaves stockpiling when g* >= 0.55 (becomes substitution; exact"),
            std::string::npos);
  EXPECT_NE(report.find("when the semiconductor override is off (becomes no_effect)"), std::string::npos);
  EXPECT_NE(report.find("**Gamma** (no_effect): leaves no_effect when g* >= 0.55 (becomes substitution; "
                        "exact boundary g* = G = 0.51); when v_hi <= 0.24 (becomes stockpiling; exact boundary "
                        "v_hi = V = 0.2545)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("| semiconductor override on vs off | Beta (stockpiling -> no_effect) |"), std::string::npos);
  // Shares: each group's regime over the coherent threshold points (one spec has
  // equal weights, where all three are substitution at every g* >= 0.5 ...).
  const auto share = r.RegimeSharePoint();
  double sum = share[0] + share[1] + share[2];
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

// /sweep contents on 1 and 2 threads: every dataset equal.
void CompareDatasets(hid_t a, hid_t b, const std::string& path, int* compared) {
  bool is_group = false;
  {
    h5::Handle obj(H5Oopen(a, path.c_str(), H5P_DEFAULT));
    ASSERT_TRUE(obj.valid()) << path;
    is_group = H5Iget_type(obj.id()) == H5I_GROUP;
  }
  if (is_group) {
    h5::Handle g(H5Gopen2(a, path.c_str(), H5P_DEFAULT));
    H5G_info_t gi;
    H5Gget_info(g.id(), &gi);
    for (hsize_t i = 0; i < gi.nlinks; ++i) {
      char name[256];
      H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
      CompareDatasets(a, b, path + "/" + name, compared);
    }
    return;
  }
  ASSERT_TRUE(h5::Exists(b, path)) << path;
  EXPECT_EQ(h5::Dimensions(a, path), h5::Dimensions(b, path)) << path;
  h5::Handle d(H5Dopen2(a, path.c_str(), H5P_DEFAULT));
  h5::Handle t(H5Dget_type(d.id()));
  const H5T_class_t cls = H5Tget_class(t.id());
  if (cls == H5T_STRING) {
    EXPECT_EQ(h5::ReadStrings(a, path), h5::ReadStrings(b, path)) << path;
  } else if (cls == H5T_FLOAT) {
    const auto x = h5::ReadDoubles(a, path), y = h5::ReadDoubles(b, path);
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i)
      ASSERT_TRUE((std::isnan(x[i]) && std::isnan(y[i])) || x[i] == y[i]) << path << " [" << i << "]";
  } else {
    EXPECT_EQ(h5::ReadInt64s(a, path), h5::ReadInt64s(b, path)) << path;
  }
  ++*compared;
}

TEST(SweepEngine, IdenticalOnOneAndTwoThreads) {
  const GroupSeries panel = SmallPanel();
  SweepOptions o = SmallGrid(300);  // > one 256-replicate unit per group
  const auto generator = MakeBootstrapGenerator(panel, o.resampler, o.seed);  // residual scheme
  const ReplicateGenerator& gen = *generator;
  o.keep_counts = true;
  o.keep_clouds = true;
  const auto dir = std::filesystem::temp_directory_path();
  std::vector<std::filesystem::path> files;
  std::vector<SweepResult> results;
  for (int threads : {1, 2}) {
    o.threads = threads;
    results.push_back(RunSweep(panel, o, &gen));
    files.push_back(dir / ("sweep_threads_" + std::to_string(threads) + "_" + std::to_string(::getpid()) + ".h5"));
    h5::File f = h5::File::Create(files.back());
    WriteSweepSection(f.id(), results.back());
    f.Close();
  }
  EXPECT_EQ(results[0].counts.high_counts, results[1].counts.high_counts);
  EXPECT_EQ(results[0].counts.low_counts, results[1].counts.low_counts);
  h5::File a = h5::File::OpenReadOnly(files[0]);
  h5::File b = h5::File::OpenReadOnly(files[1]);
  int compared = 0;
  CompareDatasets(a.id(), b.id(), "/sweep", &compared);
  EXPECT_GT(compared, 30);
  for (const char* attr : {"evaluations", "skipped_specs", "replicates"})
    EXPECT_EQ(h5::ReadIntAttribute(h5::EnsureGroup(a.id(), "/sweep").id(), attr),
              h5::ReadIntAttribute(h5::EnsureGroup(b.id(), "/sweep").id(), attr));
  a.Close();
  b.Close();
  for (const auto& f : files) std::filesystem::remove(f);
}

TEST(SweepEngine, UnitsMergeExactly) {
  // Work split two ways (as MPI ranks would) merges to the same counts.
  const GroupSeries panel = SmallPanel();
  const NoiseGenerator gen(panel);
  SweepOptions o = SmallGrid(20);
  o.threads = 1;
  o.keep_counts = true;
  const SweepResult whole = RunSweep(panel, o, &gen);
  const SweepGrid grid = BuildSweepGrid(o, panel.first_month, panel.num_months);
  SweepPartial rank0;
  rank0.Init(grid, 0, 5, true);
  rank0.Merge(RunSweepUnit(panel, grid, &gen, {2, 5, 8, 21}, {}));
  SweepPartial rank1 = RunSweepUnit(panel, grid, &gen, {0, 5, 1, 8}, {});
  rank1.Merge(RunSweepUnit(panel, grid, &gen, {0, 2, 8, 21}, {}));
  rank1.Merge(rank0);
  EXPECT_EQ(rank1.high_counts, whole.counts.high_counts);
  EXPECT_EQ(rank1.low_counts, whole.counts.low_counts);
  EXPECT_EQ(rank1.ok_replicates, whole.counts.ok_replicates);
  EXPECT_EQ(rank1.evaluations, whole.counts.evaluations);
  EXPECT_EQ(rank1.grid_regimes, whole.counts.grid_regimes);
  EXPECT_EQ(rank1.default_threshold_regimes, whole.counts.default_threshold_regimes);
  EXPECT_EQ(rank1.default_high_counts, whole.counts.default_high_counts);
}

// The summaries kept without keep_counts equal what the full bin tables give:
// regime counts at the default thresholds for every specification (CountAt),
// the default specification's bins, and the bootstrap stability share from a
// brute-force sum over every coherent threshold point.
TEST(SweepEngine, SummariesEqualTheFullBinTables) {
  const GroupSeries panel = SmallPanel();
  const NoiseGenerator gen(panel, 0.25);
  SweepOptions o = SmallGrid(60);
  o.keep_counts = true;
  const SweepResult full = RunSweep(panel, o, &gen);
  o.keep_counts = false;
  const SweepResult lean = RunSweep(panel, o, &gen);
  ASSERT_TRUE(full.counts.has_full_counts());
  ASSERT_FALSE(lean.counts.has_full_counts());
  const SweepGrid& g = full.grid;
  const int ng = panel.num_groups();
  EXPECT_EQ(lean.counts.default_threshold_regimes, full.counts.default_threshold_regimes);
  EXPECT_EQ(lean.counts.grid_regimes, full.counts.grid_regimes);
  EXPECT_EQ(lean.counts.default_high_counts, full.counts.default_high_counts);
  EXPECT_EQ(lean.counts.default_low_counts, full.counts.default_low_counts);
  EXPECT_EQ(lean.share_bootstrap, full.share_bootstrap);
  EXPECT_EQ(lean.default_regime_probability, full.default_regime_probability);
  int64_t nonzero = 0;
  for (int s = 0; s < g.num_specs(); ++s) {
    if (g.spec_status[s] != IndexStatus::kOk) continue;
    for (int gg = 0; gg < ng; ++gg) {
      const size_t sg = static_cast<size_t>(s) * ng + gg;
      int64_t reg[3], cells[6];
      full.CountAt(s, gg, g.default_growth, g.default_volatility_high, g.default_volatility_low,
                   g.overrides[g.default_override] != 0, reg, cells);
      for (int q = 0; q < 3; ++q) ASSERT_EQ(lean.counts.default_threshold_regimes[sg * 3 + q], reg[q]) << s << " " << gg;
      // Regimes over every coherent threshold point, by brute force over CountAt.
      int64_t tally[3] = {0, 0, 0};
      for (size_t k = 0; k < g.growth.size(); ++k)
        for (size_t jh = 0; jh < g.volatility_high.size(); ++jh)
          for (size_t jl = 0; jl < g.volatility_low.size(); ++jl)
            for (size_t ov = 0; ov < g.overrides.size(); ++ov) {
              if (g.volatility_low[jl] > g.volatility_high[jh]) continue;
              full.CountAt(s, gg, static_cast<int>(k), static_cast<int>(jh), static_cast<int>(jl), g.overrides[ov] != 0,
                           reg, cells);
              for (int q = 0; q < 3; ++q) tally[q] += reg[q];
            }
      for (int q = 0; q < 3; ++q) {
        ASSERT_EQ(lean.counts.grid_regimes[sg * 3 + q], tally[q]) << s << " " << gg;
        nonzero += tally[q] > 0;
      }
    }
  }
  EXPECT_GT(nonzero, 100);
  // Without the full tables only the default specification answers CountAt.
  int64_t reg[3], cells[6];
  EXPECT_NO_THROW(lean.CountAt(g.default_spec, 0, 0, 0, 0, true, reg, cells));
  EXPECT_THROW(lean.CountAt(g.default_spec == 0 ? 1 : 0, 0, 0, 0, 0, true, reg, cells), Error);
}

// The phases a distributed or resumed sweep uses: groups computed in two
// "processes" and moved as bytes give RunSweep's result exactly; bytes of
// another shape are refused.
TEST(SweepEngine, GroupsMovedAsBytesGiveTheWholeSweep) {
  const GroupSeries panel = SmallPanel();
  SweepOptions o = SmallGrid(300);
  o.keep_clouds = true;
  const auto generator = MakeBootstrapGenerator(panel, o.resampler, o.seed);
  const SweepResult whole = RunSweep(panel, o, generator.get());
  SweepResult a = PrepareSweep(panel, o, generator.get());
  SweepResult b = PrepareSweep(panel, o, generator.get());
  SweepRunHooks even, odd;
  even.owns = [](int g) { return g % 2 == 0; };
  odd.owns = [](int g) { return g % 2 == 1; };
  std::vector<int> finished;
  odd.on_group_done = [&](int g) { finished.push_back(g); };
  ComputeSweepGroups(panel, generator.get(), even, &a);
  ComputeSweepGroups(panel, generator.get(), odd, &b);
  std::sort(finished.begin(), finished.end());
  EXPECT_EQ(finished, (std::vector<int>{1, 3}));
  for (int g : {1, 3}) RestoreSweepGroup(&a, g, SerializeSweepGroup(b, g));
  FinishSweep(panel, &a);
  EXPECT_EQ(a.counts.grid_regimes, whole.counts.grid_regimes);
  EXPECT_EQ(a.counts.default_high_counts, whole.counts.default_high_counts);
  EXPECT_EQ(a.counts.evaluations, whole.counts.evaluations);
  EXPECT_EQ(a.evaluations, whole.evaluations);
  EXPECT_EQ(a.V_cloud.size(), whole.V_cloud.size());
  for (size_t i = 0; i < whole.V_cloud.size(); ++i)
    ASSERT_TRUE(a.V_cloud[i] == whole.V_cloud[i] || (std::isnan(a.V_cloud[i]) && std::isnan(whole.V_cloud[i]))) << i;
  for (size_t i = 0; i < whole.V_point.size(); ++i)
    ASSERT_TRUE(a.G_point[i] == whole.G_point[i] || (std::isnan(a.G_point[i]) && std::isnan(whole.G_point[i]))) << i;
  EXPECT_EQ(a.share_bootstrap, whole.share_bootstrap);
  EXPECT_EQ(a.default_regime_probability, whole.default_regime_probability);
  // Only the owned groups are computed: before the restore, "process" a had
  // no evaluations for group 1 and b none for group 0.
  EXPECT_EQ(b.counts.evaluations[0], 0);
  EXPECT_GT(b.counts.evaluations[1], 0);
  // Bytes of another grid are refused, naming the group.
  std::string bytes = SerializeSweepGroup(b, 1);
  bytes.pop_back();
  try {
    RestoreSweepGroup(&a, 1, bytes);
    FAIL() << "a short record was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the saved group 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RestoreSweepGroup(&a, 7, SerializeSweepGroup(b, 1)), Error);
}

// Named detail groups: the per-threshold-point tables hold those groups only;
// an unknown name is refused before any work.
TEST(SweepOutput, DetailGroupsSelectThePerThresholdPointTables) {
  const GroupSeries panel = SmallPanel();
  const NoiseGenerator gen(panel);
  SweepOptions o = SmallGrid(20);
  o.detail_groups = {"G4", "G2"};
  const SweepResult r = RunSweep(panel, o, &gen);
  EXPECT_EQ(r.DetailGroupIndices(), (std::vector<int>{1, 3}));
  const auto path = std::filesystem::temp_directory_path() / ("sweep_detail_" + std::to_string(::getpid()) + ".h5");
  {
    h5::File f = h5::File::Create(path);
    WriteSweepSection(f.id(), r);
    f.Close();
  }
  h5::File f = h5::File::OpenReadOnly(path);
  const auto dims = h5::Dimensions(f.id(), "/sweep/default/regime_probability");
  ASSERT_EQ(dims.size(), 6u);
  EXPECT_EQ(dims[4], 2u);
  EXPECT_EQ(h5::ReadInt64s(f.id(), "/sweep/default/detail_group"), (std::vector<int64_t>{1, 3}));
  f.Close();
  std::filesystem::remove(path);
  o.detail_groups = {"G9"};
  try {
    (void)RunSweep(panel, o, &gen);
    FAIL() << "an unknown detail group was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no group named 'G9'"), std::string::npos) << e.what();
  }
}

TEST(SweepEngine, MissingMonthsAndFailuresAreCountedNotMixedIn) {
  GroupSeries panel = SmallPanel();
  panel.present.assign(panel.values.size(), 1);
  panel.present[1 * 48 + 40] = 0;  // G2 misses 2018-05
  for (int t = 0; t < 48; ++t) panel.values[2 * 48 + t] = t < 12 ? 0.0 : 5.0;  // G3: base 0
  const NoiseGenerator gen(panel);
  const SweepResult r = RunSweep(panel, SmallGrid(10), &gen);
  const int ng = 5;
  const int d = r.grid.default_spec;
  EXPECT_EQ(r.point_status[d * ng + 1], IndexStatus::kMissingInWindow);
  EXPECT_EQ(r.point_status[d * ng + 2], IndexStatus::kBaseNotPositive);
  EXPECT_TRUE(std::isnan(r.G_point[d * ng + 1]));
  EXPECT_GT(r.failed_point_estimates, 0);
  EXPECT_GT(r.failed_replicate_evaluations, 0);
  EXPECT_EQ(r.counts.ok_replicates[d * ng + 1], 0);  // no replicates of a series with holes
  EXPECT_EQ(r.PointRegime(d, 1, Thresholds{}), -1);
}

TEST(SweepOptions, RangesAndChoices) {
  const auto g = ExpandThresholdRange("0.20:1.00:0.025", "x");
  ASSERT_EQ(g.size(), 33u);
  EXPECT_EQ(g.front(), 0.2);
  EXPECT_EQ(g.back(), 1.0);
  EXPECT_EQ(ExpandThresholdRange("0.3,0.1:0.2:0.05", "x"), (std::vector<double>{0.1, 0.15, 0.2, 0.3}));
  EXPECT_THROW(ExpandThresholdRange("0.3:0.1:0.05", "sweep.growth"), Error);
  EXPECT_THROW(ExpandThresholdRange("abc", "sweep.growth"), Error);
  const auto m = ExpandMonthRange("2015-01:2018-01:6", "x");
  ASSERT_EQ(m.size(), 7u);
  EXPECT_EQ(m.back(), (YearMonth{2018, 1}));
  EXPECT_EQ(WeightingChoice::FromString("exponential:6")->half_life, 6.0);
  EXPECT_EQ(WeightingChoice::FromString("last_k:24")->last_k, 24);
  EXPECT_FALSE(WeightingChoice::FromString("exponential"));
  EXPECT_FALSE(WeightingChoice::FromString("linear:3"));
  EXPECT_FALSE(WeightingChoice::FromString("cubic"));
  EXPECT_EQ(WeightingChoice::FromString("exponential:6")->ToString(), "exponential:6");
}

TEST(SweepOptions, TomlRoundTripAndErrorsNameTheField) {
  const auto t = ParseTomlText(R"(
growth = "0.3:0.7:0.1"
volatility_high = [0.25, 0.3]
weightings = ["equal", "last_k:6"]
window_starts = "2015-01:2016-01:6"
window_ends = ["2024-12"]
frequencies = ["monthly", "annual"]
semiconductor_override = "off"
replicates = 50
scheme = "growth"
blocks = "circular"
block_length = 6
[default]
growth = 0.6
)",
                               "test.toml");
  const SweepOptions o = SweepOptions::FromToml(TomlSection(&t, "sweep", "test.toml"));
  EXPECT_EQ(o.growth.size(), 5u);
  EXPECT_EQ(o.volatility_high, (std::vector<double>{0.25, 0.3}));
  EXPECT_EQ(o.weightings.size(), 2u);
  EXPECT_EQ(o.window_starts.size(), 3u);
  EXPECT_EQ(o.semiconductor_override, OverrideAxis::kOff);
  EXPECT_EQ(o.default_thresholds.growth, 0.6);
  EXPECT_EQ(o.resampler.scheme, bootstrap::Scheme::kGrowth);
  EXPECT_EQ(o.resampler.blocks, bootstrap::BlockMethod::kCircular);
  EXPECT_EQ(o.resampler.block_length, 6.0);
  // Resolved configuration reads back to the same options.
  const toml::table back = o.ToToml();
  const SweepOptions o2 = SweepOptions::FromToml(TomlSection(&back, "sweep", "roundtrip"));
  EXPECT_EQ(o2.growth, o.growth);
  EXPECT_EQ(o2.weightings, o.weightings);
  EXPECT_EQ(o2.window_ends, o.window_ends);
  EXPECT_EQ(o2.frequencies, o.frequencies);
  EXPECT_EQ(o2.default_thresholds.growth, 0.6);
  EXPECT_EQ(o2.replicates, 50);

  auto error_of = [](const std::string& text) {
    const auto tt = ParseTomlText(text, "bad.toml");
    try {
      SweepOptions::FromToml(TomlSection(&tt, "sweep", "bad.toml"));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error_of("weightings = [\"cubic\"]").find("sweep.weightings"), std::string::npos);
  EXPECT_NE(error_of("replicats = 3").find("sweep.replicats"), std::string::npos);
  EXPECT_NE(error_of("replicates = -3").find("sweep.replicates"), std::string::npos);
  EXPECT_NE(error_of("growth = \"1:0:0.1\"").find("sweep.growth"), std::string::npos);
  EXPECT_NE(error_of("frequencies = [\"weekly\"]").find("sweep.frequencies"), std::string::npos);
  std::string err;
  SweepOptions bad;
  bad.volatility_low = {};
  EXPECT_FALSE(bad.IsValid(&err));
  EXPECT_NE(err.find("sweep.volatility_low"), std::string::npos);
}

TEST(SweepOutput, ReportReadsBackFromTheFile) {
  const GroupSeries panel = SmallPanel();
  SweepOptions o = SmallGrid(30);
  const SweepResult r = RunSweep(panel, o);  // the bootstrap module's residual scheme
  EXPECT_EQ(r.replicates, 30);
  EXPECT_EQ(r.failed_replicate_evaluations, 0);
  for (double b : r.block_length) EXPECT_GE(b, 1.0);
  const auto path = std::filesystem::temp_directory_path() / ("sweep_roundtrip_" + std::to_string(::getpid()) + ".h5");
  {
    h5::File f = h5::File::Create(path);
    WriteSweepSection(f.id(), r);
    f.Close();
  }
  h5::File f = h5::File::OpenReadOnly(path);
  ASSERT_TRUE(HasSweepSection(f.id()));
  const SweepResult back = ReadSweepSection(f.id());
  f.Close();
  std::filesystem::remove(path);
  EXPECT_EQ(FormatSweepReport(back), FormatSweepReport(r));
  const std::string report = FormatSweepReport(r);
  EXPECT_NE(report.find("### Specification curve"), std::string::npos);
  EXPECT_NE(report.find("P(default regime)"), std::string::npos);
  EXPECT_NE(r.FullReport().find("replicates given / used     30 / 30 (scheme residual"), std::string::npos)
      << r.FullReport();
}

TEST(SweepEngine, BootstrapCloudOfTheDefaultSpecMatchesTheResampler) {
  const GroupSeries panel = SmallPanel();
  SweepOptions o = SmallGrid(12);
  const auto gen = MakeBootstrapGenerator(panel, o.resampler, o.seed);
  const SweepResult r = RunSweep(panel, o, gen.get());
  const IndexSpec& spec = r.grid.specs[r.grid.default_spec];
  bootstrap::SeriesResampler resampler(panel.row(3), panel.first_month, o.resampler);
  bootstrap::Workspace ws(panel.num_months);
  std::vector<double> m(panel.num_months);
  for (int rep = 0; rep < 12; ++rep) {
    resampler.Generate(o.seed, 3, static_cast<uint32_t>(rep), m, ws);
    const IndexValues iv = ComputeSeriesIndices(m, {}, panel.first_month, spec);
    EXPECT_EQ(r.V_default_cloud[3 * 12 + rep], iv.V);
    EXPECT_EQ(r.G_default_cloud[3 * 12 + rep], iv.G);
  }
}

}  // namespace
}  // namespace chokepoint::robustness
