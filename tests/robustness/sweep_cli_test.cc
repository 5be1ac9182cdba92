// `chokepoint sweep` end to end on the hand-derived three-group series.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/sweep/sweep.h"
#include "chokepoint/robustness/sweep/sweep_io.h"

namespace chokepoint::robustness {
namespace {

int RunChokepoint(const std::string& args) {
  const std::string cmd = std::string(CHOKEPOINT_BINARY) + " " + args + " >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SweepCli, ThreeGroupSeriesEndToEnd) {
  const auto dir = std::filesystem::temp_directory_path() / ("sweep_cli_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string csv = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/sweep/three_groups.csv";
  const auto out = dir / "three.h5";
  const auto md = dir / "three.md";
  const std::string grid =
      " --growth-axis 0.05:0.95:0.1 --volatility-high-axis 0.2:0.4:0.02 --volatility-low-axis 0.2:0.3:0.02"
      " --weightings linear,equal --window-starts 2020-01 --window-ends 2020-04 --frequencies monthly"
      " --bases first --semiconductor Alpha,Beta";
  ASSERT_EQ(RunChokepoint("sweep --input " + csv + grid + " --replicates 0 --out " + out.string() + " --report " + md.string()),
            0);
  h5::File f = h5::File::OpenReadOnly(out);
  const SweepResult r = ReadSweepSection(f.id());
  f.Close();
  ASSERT_EQ(r.num_groups(), 3);
  EXPECT_EQ(r.groups[1].name, "Beta");
  EXPECT_TRUE(r.groups[1].semiconductor);
  EXPECT_FALSE(r.groups[2].semiconductor);
  const int d = r.grid.default_spec;
  EXPECT_EQ(r.PointRegime(d, 0, Thresholds{}), static_cast<int>(Regime::kStockpiling));
  EXPECT_EQ(r.PointRegime(d, 2, Thresholds{}), static_cast<int>(Regime::kNoEffect));
  std::ifstream in(md);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("| semiconductor override on vs off | Beta (stockpiling -> no_effect) |"),
            std::string::npos);
  // Usage errors exit 2 and leave no output file.
  const auto bad = dir / "bad.h5";
  EXPECT_EQ(RunChokepoint("sweep --series " + csv + " --weightings cubic --out " + bad.string()), 2);
  EXPECT_EQ(RunChokepoint("sweep --series " + csv + " --growth 1:0:0.1 --out " + bad.string()), 2);
  EXPECT_FALSE(std::filesystem::exists(bad));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chokepoint::robustness
