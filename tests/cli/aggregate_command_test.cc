// End to end: `chokepoint aggregate` and `chokepoint batches` on a small panel file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CliRun RunCli(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(CHOKEPOINT_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class AggregateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<testing::ScopedTempDir>("aggregate_cli");  // unique per process and test
    dir_ = tmp_->path();
    Panel p({*HsCode::Parse("84862031"), *HsCode::Parse("84798999"), *HsCode::Parse("85423190"),
             *HsCode::Parse("84821010"), *HsCode::Parse("77777777")},
            YearMonth{2015, 1}, 24);
    p.provenance.synthetic = true;
    p.provenance.label = "synthetic: CLI test panel";
    const double v[] = {1e9, 2e9, 3e9, 4e9, 5e8};
    for (int row = 0; row < 5; ++row)
      for (int t = 0; t < 24; ++t) p.Set(row, t, v[row]);
    WritePanelH5(p, dir_ / "panel.h5");
  }
  void TearDown() override { tmp_.reset(); }
  std::string Path(const char* name) const { return (dir_ / name).string(); }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::unique_ptr<testing::ScopedTempDir> tmp_;
  fs::path dir_;
};

TEST_F(AggregateCommandTest, PrintsSharesAndWritesSection) {
  const CliRun r = RunCli("aggregate --data " + Path("panel.h5") + " --out " + Path("agg.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("**Synthetic data**"), std::string::npos) << r.output;
  // capital adjusted 2015: 12 * 2e9 / 11061572618579 (World Bank) = 0.217 %
  EXPECT_NE(r.output.find("| Capital goods, adjusted | 0.22 |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("unmapped 1"), std::string::npos);
  h5::File f = h5::File::OpenReadOnly(Path("agg.h5"));
  const auto pct = h5::ReadDoubles(f.id(), "/aggregate/capital_adjusted_pct_gdp");
  ASSERT_EQ(pct.size(), 2u);
  EXPECT_DOUBLE_EQ(pct[0], 100.0 * 24e9 / 11061572618579.0);
  const auto semi = h5::ReadDoubles(f.id(), "/aggregate/intermediate_semiconductor_usd");
  ASSERT_EQ(semi.size(), 2u);
  EXPECT_DOUBLE_EQ(semi[1], 36e9);
}

TEST_F(AggregateCommandTest, BadUsageAndInputExitTwo) {
  // Each failing command is given --out: it must write nothing there and
  // leave no temporary behind.
  EXPECT_EQ(RunCli("aggregate --data " + Path("panel.h5") + " --nn-rule modal --out " + Path("a.h5")).exit_code, 2);
  EXPECT_EQ(RunCli("aggregate --data " + Path("nope.h5") + " --out " + Path("b.h5")).exit_code, 2);
  const CliRun r = RunCli("aggregate --data " + Path("panel.h5") + " --first-year 2014 --out " + Path("c.h5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("not all complete in the panel"), std::string::npos) << r.output;
  EXPECT_EQ(Entries(), (std::vector<std::string>{"panel.h5"}));
  // An existing output file is left as it was when the command fails.
  { std::ofstream(Path("kept.h5")) << "earlier output\n"; }
  EXPECT_EQ(RunCli("aggregate --data " + Path("panel.h5") + " --first-year 2014 --out " + Path("kept.h5")).exit_code, 2);
  std::ifstream in(Path("kept.h5"));
  std::stringstream kept;
  kept << in.rdbuf();
  EXPECT_TRUE(kept.str() == "earlier output\n") << "kept.h5 was replaced (" << kept.str().size() << " bytes)";
  EXPECT_EQ(Entries(), (std::vector<std::string>{"kept.h5", "panel.h5"}));
}

TEST_F(AggregateCommandTest, BatchesCommand) {
  const CliRun r = RunCli("batches --data " + Path("panel.h5") + " --out " + Path("b.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("| 1 & 2 | 6 / 98 |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Persistence: 6 of the 16"), std::string::npos) << r.output;
  h5::File f = h5::File::OpenReadOnly(Path("b.h5"));
  EXPECT_EQ(h5::ReadInt64s(f.id(), "/batches/codes_listed"), (std::vector<int64_t>{85, 19, 33}));
  EXPECT_EQ(RunCli("batches --data " + Path("panel.h5") + " --event-month 2023-13").exit_code, 2);
}

}  // namespace
}  // namespace chokepoint
