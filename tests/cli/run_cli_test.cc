// `chokepoint run` and `report` end to end on the embedded synthetic default:
// the matrix and regimes must equal the talk's (docs/method.md §3.5).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_file.h"
#include "cli_test_util.h"

namespace chokepoint {
namespace {

using testing::RunChokepoint;
using testing::TempDir;

// docs/method.md §3.5: (volatility level, growth level, regime) per group.
struct Expected {
  const char* volatility;
  const char* growth;
  const char* regime;
};
const std::map<std::string, Expected>& TalkTable() {
  static const std::map<std::string, Expected> table = {
      {"Passive Components", {"medium", "low", "substitution"}},
      {"Integrated Circuits", {"medium", "high", "stockpiling"}},
      {"Silicon Processing", {"high", "high", "stockpiling"}},
      {"Energy Equipment", {"high", "high", "stockpiling"}},
      {"Laser or Optical Measurement Devices", {"medium", "high", "no_effect"}},
      {"Lithography for Electronics", {"high", "high", "stockpiling"}},
      {"Telecommunication Equipment", {"medium", "low", "substitution"}},
      {"Cleanroom Process Equipment", {"high", "high", "stockpiling"}},
      {"Fluid Control Equipment", {"low", "high", "no_effect"}},
      {"Bearings and Alloy Steel", {"low", "low", "substitution"}},
      {"Hot or Cold Process Equipment", {"high", "high", "stockpiling"}},
      {"Polymers", {"low", "low", "substitution"}},
      {"Batteries and Components", {"low", "low", "substitution"}},
      {"Automotive and Power Systems", {"low", "low", "substitution"}},
      {"Medical and Bio Precision Equipment", {"medium", "high", "no_effect"}},
      {"Aviation and Aerospace", {"high", "low", "substitution"}},
      {"Medicaments", {"high", "high", "stockpiling"}},
  };
  return table;
}

TEST(RunCli, DefaultRunReproducesTheTalksTable) {
  const auto dir = TempDir("run_default");
  const auto out = dir / "run.h5";
  const auto r = RunChokepoint("run --quiet --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(out));

  h5::File f = h5::File::OpenReadOnly(out);
  const RunBaseView v = ReadRunBase(f.id(), out.string());
  EXPECT_TRUE(v.meta.synthetic);
  EXPECT_NE(v.meta.data_label.find("synthetic"), std::string::npos);
  EXPECT_NE(v.meta.config_toml.find("[thresholds]"), std::string::npos);
  ASSERT_EQ(v.group_names.size(), 17u);
  int substitution = 0;
  for (size_t g = 0; g < v.group_names.size(); ++g) {
    auto it = TalkTable().find(v.group_names[g]);
    ASSERT_NE(it, TalkTable().end()) << "unexpected group " << v.group_names[g];
    EXPECT_EQ(v.volatility_level[g], it->second.volatility) << v.group_names[g] << " V=" << v.V[g];
    EXPECT_EQ(v.growth_level[g], it->second.growth) << v.group_names[g] << " G=" << v.G[g];
    EXPECT_EQ(v.regime[g], it->second.regime) << v.group_names[g];
    substitution += v.regime[g] == "substitution";
  }
  EXPECT_EQ(substitution, 7);

  const auto rep = RunChokepoint("report " + out.string());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(rep.out.find("# chokepoint run report"), 0u);
  EXPECT_NE(rep.out.find("SYNTHETIC"), std::string::npos);
  EXPECT_NE(rep.out.find("| High volatility (V > 0.30) | "), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Thread invariance of the whole run file (every dataset and attribute):
// tests/cli/thread_invariance_test.sh (ctest thread_invariance_run_and_sweep).

// A default run holds every stage, and the report prints the talk's
// aggregate figures (docs/method.md §4, §8.4) on the synthetic default, labelled.
TEST(RunCli, DefaultRunHasEveryStageAndTheTalksShares) {
  const auto dir = TempDir("run_stages");
  const auto out = dir / "run.h5";
  ASSERT_EQ(RunChokepoint("run --quiet --replicates 200 --out " + out.string()).exit_code, 0);
  {
    h5::File f = h5::File::OpenReadOnly(out);
    for (const char* section : {"/bootstrap", "/models", "/aggregate", "/batches"})
      EXPECT_TRUE(h5::Exists(f.id(), section)) << section;
    EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/regime_probability"), (std::vector<hsize_t>{17, 3}));
    EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/G_replicates"), (std::vector<hsize_t>{17, 200}));
  }
  const auto rep = RunChokepoint("report " + out.string());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const std::string& t = rep.out;
  // 2015 and 2024 columns of the talk's preview.
  EXPECT_NE(t.find("| Capital goods, adjusted | 2.06 |"), std::string::npos) << t;
  EXPECT_NE(t.find("| Intermediates, adjusted | 6.40 |"), std::string::npos);
  EXPECT_NE(t.find("| Capital + intermediates, adjusted | 8.46 |"), std::string::npos);
  EXPECT_NE(t.find("| 1.27 | -0.79 |"), std::string::npos);
  EXPECT_NE(t.find("| 5.26 | -1.14 |"), std::string::npos);
  EXPECT_NE(t.find("| 6.53 | -1.93 |"), std::string::npos);
  EXPECT_NE(t.find("**Synthetic data**"), std::string::npos);
  EXPECT_NE(t.find("P(stockpiling)"), std::string::npos);
  EXPECT_NE(t.find("## Validation batches"), std::string::npos);
  EXPECT_NE(t.find("standard errors: HAC Bartlett kernel"), std::string::npos) << t;
  // Models: surge fits, then per-group HAC trends and Bai-Perron breaks.
  EXPECT_NE(t.find("## Models: surges, breaks and stockpiling-adjusted regimes"), std::string::npos);
  EXPECT_NE(t.find("### Trend and breaks per group"), std::string::npos);
  {
    h5::File f = h5::File::OpenReadOnly(out);
    for (int g = 1; g <= 17; ++g) {
      char name[32];
      std::snprintf(name, sizeof name, "/models/hac/g%02d", g);
      EXPECT_TRUE(h5::Exists(f.id(), name)) << name;
      std::snprintf(name, sizeof name, "/models/breaks/g%02d", g);
      EXPECT_TRUE(h5::Exists(f.id(), name)) << name;
    }
    // Telecommunication Equipment: a planted slope break around 2019-2020.
    const auto dates = h5::ReadStrings(f.id(), "/models/breaks/g07/breakdates");
    ASSERT_FALSE(dates.empty());
    EXPECT_GE(dates.front(), "2019-01");
    EXPECT_LE(dates.front(), "2020-12");
    // HAC trend slope of Batteries and Components is negative (substitution).
    EXPECT_LT(h5::ReadDoubles(f.id(), "/models/hac/g13/coefficients")[1], 0.0);
    // What the bootstrap kept per group: Energy Equipment (g04) its two
    // planted surges; Telecommunication Equipment (g07) Bai-Perron segments.
    const auto kept = h5::ReadStrings(f.id(), "/bootstrap/fitted_component");
    ASSERT_EQ(kept.size(), 17u);
    EXPECT_EQ(kept[3], "surge pulses (2)");
    EXPECT_NE(kept[6].find("Bai-Perron segments"), std::string::npos) << kept[6];
    EXPECT_EQ(h5::ReadStrings(f.id(), "/models/bootstrap_episodes"), kept);
    EXPECT_EQ(h5::ReadDoubles(f.id(), "/models/breaks/g07/segment_log_path").size(), 120u);
  }
  EXPECT_NE(t.find("Kept in the fitted path besides trend and month effects"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(RunCli, StageTogglesAndSetOverridesAreRecorded) {
  const auto dir = TempDir("run_toggles");
  const auto out = dir / "run.h5";
  const auto r = RunChokepoint("run --quiet --no-models --no-batches --set bootstrap.replicates=50 "
                               "--set bootstrap.scheme=growth --set aggregate.first_year=2016 --out " +
                               out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  h5::File f = h5::File::OpenReadOnly(out);
  EXPECT_FALSE(h5::Exists(f.id(), "/models"));
  EXPECT_FALSE(h5::Exists(f.id(), "/batches"));
  h5::Handle boot(H5Gopen2(f.id(), "/bootstrap", H5P_DEFAULT));
  EXPECT_EQ(h5::ReadIntAttribute(boot.id(), "replicates"), 50);
  EXPECT_EQ(h5::ReadStringAttribute(boot.id(), "scheme"), "growth");
  // The bootstrap seed follows the run seed unless [bootstrap] sets one.
  EXPECT_EQ(h5::ReadIntAttribute(boot.id(), "seed"), 1);
  EXPECT_EQ(h5::ReadInt64s(f.id(), "/aggregate/years").front(), 2016);
  const RunBaseView v = ReadRunBase(f.id(), out.string());
  EXPECT_NE(v.meta.config_toml.find("replicates = 50"), std::string::npos) << v.meta.config_toml;
  EXPECT_NE(v.meta.config_toml.find("models = false"), std::string::npos) << v.meta.config_toml;
  EXPECT_EQ(v.meta.config_toml.find("[models]"), std::string::npos) << v.meta.config_toml;
  std::filesystem::remove_all(dir);
}

TEST(RunCli, BadStageConfigurationFailsBeforeAnyWork) {
  const auto dir = TempDir("run_badstage");
  const auto out = dir / "run.h5";
  const auto cfg = dir / "bad.toml";
  {
    std::ofstream c(cfg);
    c << "[run]\nseed = 1\n\n[bootstrapp]\nreplicates = 10\n";
  }
  const auto r1 = RunChokepoint("run --config " + cfg.string() + " --out " + out.string());
  EXPECT_EQ(r1.exit_code, 2);
  EXPECT_NE(r1.err.find(cfg.string() + ":4:"), std::string::npos) << r1.err;
  EXPECT_NE(r1.err.find("unknown section 'bootstrapp'"), std::string::npos) << r1.err;
  const auto r2 = RunChokepoint("run --set bootstrap.replicatez=10 --out " + out.string());
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("bootstrap.replicatez"), std::string::npos) << r2.err;
  const auto r3 = RunChokepoint("run --set noequals --out " + out.string());
  EXPECT_EQ(r3.exit_code, 2);
  EXPECT_NE(r3.err.find("section.key=value"), std::string::npos) << r3.err;
  const auto r4 = RunChokepoint("run --replicates 1 --out " + out.string());
  EXPECT_EQ(r4.exit_code, 2);
  EXPECT_NE(r4.err.find("bootstrap.replicates"), std::string::npos) << r4.err;
  const auto r6 = RunChokepoint("run --set models.breaks.trim=0.6 --out " + out.string());
  EXPECT_EQ(r6.exit_code, 2);
  EXPECT_NE(r6.err.find("[models.breaks] breaks.trim must be in (0, 0.5)"), std::string::npos) << r6.err;
  const auto r5 = RunChokepoint("run --set models.surge.loss=\"square\" --out " + out.string());
  EXPECT_EQ(r5.exit_code, 2);
  EXPECT_NE(r5.err.find("models.surge.loss"), std::string::npos) << r5.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  std::filesystem::remove_all(dir);
}

TEST(RunCli, BadConfigNamesFileLineAndKeyAndWritesNothing) {
  const auto dir = TempDir("run_badcfg");
  const auto cfg = dir / "bad.toml";
  {
    std::ofstream c(cfg);
    c << "[run]\nseed = 1\n\n[thresholds]\ngrowth = 0.5\nvolatility_hgih = 0.3\n";
  }
  const auto out = dir / "run.h5";
  const auto r = RunChokepoint("run --config " + cfg.string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(cfg.string() + ":6:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("thresholds.volatility_hgih"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  const auto r2 = RunChokepoint("run --volatility-low 0.5 --out " + out.string());
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("thresholds.volatility_low"), std::string::npos) << r2.err;
  const auto r3 = RunChokepoint("run --weighting cubic --out " + out.string());
  EXPECT_EQ(r3.exit_code, 2);
  EXPECT_NE(r3.err.find("--weighting"), std::string::npos) << r3.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  // An output whose directory cannot exist: a located error, exit 2.
  { std::ofstream(dir / "plainfile") << "x"; }
  const auto r4 = RunChokepoint("run --quiet --out " + (dir / "plainfile" / "run.h5").string());
  EXPECT_EQ(r4.exit_code, 2) << r4.err;
  EXPECT_NE(r4.err.find("plainfile/run.h5: cannot create the output directory"), std::string::npos) << r4.err;
  std::filesystem::remove_all(dir);
}

TEST(RunCli, ConfigFileDrivesTheRun) {
  const auto dir = TempDir("run_cfg");
  const auto cfg = dir / "run.toml";
  const auto out = dir / "run.h5";
  {
    std::ofstream c(cfg);
    c << "[run]\nseed = 2\nout = \"" << out.string() << "\"\n\n[index]\nweighting = \"equal\"\n"
      << "frequency = \"quarterly\"\n\n[thresholds]\ngrowth = 0.4\n";
  }
  const auto r = RunChokepoint("run --quiet --config " + cfg.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  h5::File f = h5::File::OpenReadOnly(out);
  const RunBaseView v = ReadRunBase(f.id(), out.string());
  EXPECT_EQ(v.meta.seed, 2u);
  EXPECT_EQ(v.index_spec, "equal/first/quarterly");
  EXPECT_DOUBLE_EQ(v.thresholds.growth, 0.4);
  std::filesystem::remove_all(dir);
}

// `chokepoint sweep` on the embedded default writes the run-file base too,
// so `report` prints the classification and then the referee report.
TEST(SweepCliDefault, EmbeddedDefaultAndReport) {
  const auto dir = TempDir("sweep_default");
  const auto out = dir / "sweep.h5";
  const auto r = RunChokepoint(
      "sweep --quiet --replicates 20 --growth-axis 0.4:0.8:0.1 --volatility-high-axis 0.3 --volatility-low-axis 0.23,0.24 "
      "--weightings linear,equal --window-starts 2015-01 --window-ends 2024-12 --frequencies monthly "
      "--bases first --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  h5::File f = h5::File::OpenReadOnly(out);
  const RunBaseView v = ReadRunBase(f.id(), out.string());
  EXPECT_TRUE(v.meta.synthetic);
  EXPECT_EQ(v.group_names.size(), 17u);
  EXPECT_TRUE(h5::Exists(f.id(), "/sweep"));
  const auto rep = RunChokepoint("report " + out.string());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(rep.out.find("# chokepoint run report"), 0u);
  EXPECT_NE(rep.out.find("## Robustness sweep"), std::string::npos) << rep.out;
  // Integrated Circuits: G = 0.742 on seed 1, so it leaves stockpiling at g* = 0.8.
  EXPECT_NE(rep.out.find("**Integrated Circuits** (stockpiling): leaves stockpiling when g* >= 0.8"),
            std::string::npos)
      << rep.out;
  std::filesystem::remove_all(dir);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(RunChokepoint("").exit_code, 2);
  EXPECT_EQ(RunChokepoint("no-such-command").exit_code, 2);
  EXPECT_EQ(RunChokepoint("run --threads").exit_code, 2);
  EXPECT_EQ(RunChokepoint("report /nonexistent.h5").exit_code, 2);
  EXPECT_EQ(RunChokepoint("--help").exit_code, 0);
  EXPECT_EQ(RunChokepoint("run --help").exit_code, 0);
}

}  // namespace
}  // namespace chokepoint
