// `chokepoint simulate` end to end: CSV and HDF5 outputs labelled synthetic,
// exit code 2 for bad usage.
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/core/simulate.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

int RunChokepoint(const std::string& args) {
  const std::string cmd = std::string(CHOKEPOINT_BINARY) + " " + args + " >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WEXITSTATUS(status);
}

TEST(SimulateCli, WritesLabelledCsvAndH5) {
  const testing::ScopedTempDir dir("simulate_cli");  // fresh: nothing of an earlier run
  const auto csv = dir / "panel.csv";
  const auto h5 = dir / "panel.h5";
  ASSERT_EQ(RunChokepoint("simulate --scenario one_break --seed 4 --out " + csv.string()), 0);
  std::ifstream in(csv);
  std::string first, header, row;
  std::getline(in, first);
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(first, "# synthetic: scenario one_break, seed 4");
  EXPECT_EQ(header, "hs8,period,value_usd");
  // The first row is the smallest code's first month, as the library simulates it.
  const SimulationResult r = Simulate(Scenario::Load("one_break"), 4);
  char expected[64];
  std::snprintf(expected, sizeof expected, "%.17g", r.panel.value(0, 0));
  EXPECT_EQ(row.substr(0, 17), r.panel.codes()[0].ToString() + ",2015-01,");
  EXPECT_NEAR(std::stod(row.substr(17)), r.panel.value(0, 0), 1e-6 * r.panel.value(0, 0)) << expected;

  ASSERT_EQ(RunChokepoint("simulate --scenario " + (std::filesystem::path(CHOKEPOINT_TEST_DATA_DIR) / ".." / ".." /
                                          "data" / "scenarios" / "no_event.toml").string() +
                " --seed 2 --out " + h5.string()),
            0);
  const Panel p = ReadPanelH5(h5);
  EXPECT_TRUE(p.provenance.synthetic);
  EXPECT_EQ(p.provenance.label, "synthetic: scenario no_event, seed 2");
  const SimulationResult r2 = Simulate(Scenario::Load("no_event"), 2);
  ASSERT_EQ(p.num_codes(), r2.panel.num_codes());
  for (size_t i = 0; i < p.values().size(); ++i) EXPECT_EQ(p.values()[i], r2.panel.values()[i]);
  // The truth travels in /simulation.
  {
    h5::File f = h5::File::OpenReadOnly(h5);
    h5::Handle g(H5Gopen2(f.id(), "simulation", H5P_DEFAULT));
    EXPECT_EQ(h5::ReadStringAttribute(g.id(), "data_label"), "synthetic: scenario no_event, seed 2");
    EXPECT_EQ(h5::ReadIntAttribute(g.id(), "seed"), 2);
    EXPECT_EQ(h5::ReadDoubles(g.id(), "truth_group_paths"), r2.truth.group_paths);
    EXPECT_EQ(h5::ReadDoubles(g.id(), "truth_code_paths"), r2.truth.code_paths);
    EXPECT_EQ(h5::ReadStrings(g.id(), "group_names"), r2.truth.group_names);
    const Scenario back = Scenario::FromToml(ParseTomlText(h5::ReadStringAttribute(g.id(), "scenario_toml"), "h5"), "h5");
    EXPECT_EQ(back.groups[0].shape.slope_per_year, r2.scenario.groups[0].shape.slope_per_year);
  }
}

TEST(SimulateCli, BadUsageExitsWithTwo) {
  const testing::ScopedTempDir dir("simulate_cli_bad");
  EXPECT_EQ(RunChokepoint("simulate --scenario no_such_scenario --out " + (dir / "never.csv").string()), 2);
  EXPECT_EQ(RunChokepoint("simulate --out " + (dir / "never.txt").string()), 2);
  EXPECT_EQ(RunChokepoint("simulate --seed 1"), 2);
  // Nothing written, not even a temporary.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace chokepoint
