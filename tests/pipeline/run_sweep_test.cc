// `run` and `sweep` given one configuration analyse the same panel with the
// same reference point (seed, thresholds, index specification).
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/pipeline/run.h"
#include "chokepoint/pipeline/sweep.h"

namespace chokepoint::pipeline {
namespace {

TEST(PipelineRunSweep, SameConfigurationSamePanelSameReferencePoint) {
  // A non-default seed (the synthetic panel differs by seed), thresholds and
  // base, so a sweep that ignored [run], [thresholds] or [index] would differ.
  const auto path = std::filesystem::temp_directory_path() /
                    ("chokepoint_runsweep_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << "[run]\nseed = 7\nbootstrap = false\nmodels = false\naggregate = false\nbatches = false\n"
                         "[index]\nbase = \"first12\"\n"
                         "[thresholds]\ngrowth = 0.6\nvolatility_high = 0.33\n"
                         "[sweep]\nreplicates = 0\ngrowth = [0.5, 0.6]\nvolatility_high = [0.3]\n"
                         "volatility_low = [0.24]\nweightings = [\"linear\"]\nwindow_starts = [\"2015-01\"]\n"
                         "window_ends = [\"2024-12\"]\nfrequencies = [\"monthly\"]\nbases = [\"first\"]\n";
  ConfigOverrides o;
  o.config_file = path.string();
  const RunOutcome run = ExecuteRun(ResolveConfig(o, ConfigPurpose::kRun));
  const SweepOutcome sweep = ExecuteSweep(ResolveConfig(o, ConfigPurpose::kSweep), SweepInput{});
  std::filesystem::remove(path);

  ASSERT_EQ(run.data.series.num_groups(), 17);
  EXPECT_EQ(run.data.label, sweep.data.label);
  EXPECT_NE(run.data.label.find("seed 7"), std::string::npos) << run.data.label;
  EXPECT_EQ(run.data.series.values, sweep.data.series.values);  // same panel, bit for bit
  EXPECT_EQ(sweep.analysis.thresholds.growth, 0.6);
  EXPECT_EQ(sweep.analysis.thresholds.volatility_high, 0.33);
  EXPECT_EQ(sweep.analysis.spec.base, BaseRule::kFirstYearMean);
  for (int g = 0; g < 17; ++g) {
    EXPECT_EQ(run.analysis.indices[g].V, sweep.analysis.indices[g].V) << g;
    EXPECT_EQ(run.analysis.indices[g].G, sweep.analysis.indices[g].G) << g;
    ASSERT_TRUE(run.analysis.classes[g] && sweep.analysis.classes[g]);
    EXPECT_EQ(run.analysis.classes[g]->regime, sweep.analysis.classes[g]->regime) << g;
  }
  // The reference point was added to the sweep's axes: the run's
  // specification (base first12) is the sweep's default specification, and
  // its point estimates there equal the run's.
  const int spec = sweep.result.grid.default_spec;
  EXPECT_EQ(sweep.result.grid.specs[spec].base, BaseRule::kFirstYearMean);
  for (int g = 0; g < 17; ++g) {
    const size_t k = static_cast<size_t>(spec) * 17 + g;
    EXPECT_EQ(sweep.result.V_point[k], run.analysis.indices[g].V) << g;
    EXPECT_EQ(sweep.result.G_point[k], run.analysis.indices[g].G) << g;
  }
}

TEST(PipelineRun, StagesFollowTheConfiguration) {
  ConfigOverrides o;
  o.stage_bootstrap = false;
  o.stage_batches = false;
  o.set_assignments = {"models.breaks.test_replicates=19"};
  const RunOutcome r = ExecuteRun(ResolveConfig(o));
  EXPECT_FALSE(r.bootstrap.has_value());
  EXPECT_FALSE(r.batches.has_value());
  ASSERT_TRUE(r.models.has_value());
  ASSERT_TRUE(r.aggregates.has_value());
  ASSERT_EQ(r.timings.size(), 3u);
  EXPECT_EQ(r.timings[0].stage, "indices and classification");
  EXPECT_EQ(r.timings[1].stage, "models");
  EXPECT_EQ(r.timings[2].stage, "aggregates");
  EXPECT_TRUE(r.meta.synthetic);
  // The recorded configuration holds only the stages that ran, and no path
  // of this machine.
  EXPECT_EQ(r.meta.config_toml.find("[bootstrap]"), std::string::npos);
  EXPECT_NE(r.meta.config_toml.find("[models"), std::string::npos);
  EXPECT_NE(r.meta.config_toml.find("<data>/gdp/china_gdp.csv"), std::string::npos) << r.meta.config_toml;
  EXPECT_EQ(r.meta.config_toml.find(std::filesystem::current_path().string()), std::string::npos);
}

TEST(PipelineRun, TheRecordedConfigurationReplaysTheRun) {
  // A run file's config_toml, fed back as --config, gives the same numbers:
  // the data paths it records ("<data>/...") resolve on any machine.
  ConfigOverrides o;
  o.seed = 4;
  o.replicates = 60;
  o.stage_batches = false;
  o.set_assignments = {"models.breaks.test_replicates=19"};
  const RunOutcome first = ExecuteRun(ResolveConfig(o));
  const auto path = std::filesystem::temp_directory_path() /
                    ("chokepoint_replay_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << first.meta.config_toml;
  ConfigOverrides replay;
  replay.config_file = path.string();
  const RunOutcome second = ExecuteRun(ResolveConfig(replay));
  std::filesystem::remove(path);
  EXPECT_EQ(second.meta.config_toml, first.meta.config_toml);
  EXPECT_EQ(second.data.series.values, first.data.series.values);
  ASSERT_TRUE(first.bootstrap && second.bootstrap && first.aggregates && second.aggregates);
  ASSERT_EQ(first.bootstrap->groups.size(), second.bootstrap->groups.size());
  for (size_t g = 0; g < first.bootstrap->groups.size(); ++g)
    EXPECT_EQ(first.bootstrap->groups[g].regime_probability, second.bootstrap->groups[g].regime_probability) << g;
  EXPECT_EQ(first.aggregates->pct_gdp, second.aggregates->pct_gdp);
  EXPECT_FALSE(first.aggregates->Pct(AggregateSeries::kCombinedAdjusted).empty());
}

}  // namespace
}  // namespace chokepoint::pipeline
