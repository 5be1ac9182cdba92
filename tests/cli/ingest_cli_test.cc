// `chokepoint ingest` end to end: exit codes 0 / 2, the written panel, the
// error text on stderr, and no output (nor temporary) file after an error.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"

namespace chokepoint {
namespace {

namespace fs = std::filesystem;

fs::path Data(const std::string& name) { return fs::path(CHOKEPOINT_TEST_DATA_DIR) / "ingest" / name; }

struct CliRun {
  int exit_code = -1;
  std::string err;
};

class IngestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chokepoint_ingest_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Ingest(const std::string& args) {
    const fs::path err = dir_ / "stderr.txt";
    const std::string cmd = std::string(CHOKEPOINT_BINARY) + " ingest " + args + " >/dev/null 2>" + err.string();
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
  }
  // Only stderr.txt (and files the test wrote) may remain.
  int OtherFiles(const std::string& keep = "") const {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name != "stderr.txt" && name != keep) ++n;
    }
    return n;
  }

  fs::path dir_;
};

TEST_F(IngestCli, Gb18030CustomsFileToHdf5) {
  const fs::path out = dir_ / "panel.h5";
  const CliRun r = Ingest(Data("customs_zh_gb18030.csv").string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Panel p = ReadPanelH5(out);
  ASSERT_EQ(p.num_codes(), 2);
  EXPECT_DOUBLE_EQ(p.value(p.RowOf(*HsCode::Parse("84561100")), 0), 2500000.0);
  EXPECT_NE(r.err.find("encoding gb18030"), std::string::npos) << r.err;
  EXPECT_EQ(OtherFiles(), 1);  // just panel.h5, no temporary left
}

TEST_F(IngestCli, BadInputExitsTwoWithLocationAndLeavesNoFile) {
  const fs::path out = dir_ / "panel.h5";
  const CliRun r = Ingest(Data("bad_encoding.csv").string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad_encoding.csv:3:20:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(OtherFiles(), 0);
}

TEST_F(IngestCli, ExistingOutputIsNotClobberedOnError) {
  const fs::path out = dir_ / "panel.h5";
  std::ofstream(out) << "old";
  const CliRun r = Ingest(Data("customs_janfeb.csv").string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--jan-feb"), std::string::npos) << r.err;
  std::ifstream in(out);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "old");
  EXPECT_EQ(OtherFiles("panel.h5"), 0);
}

TEST_F(IngestCli, JanFebPolicyAndRates) {
  const fs::path out = dir_ / "p.h5";
  CliRun r = Ingest(Data("customs_janfeb.csv").string() + " --jan-feb split --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  h5::File f = h5::File::OpenReadOnly(out);
  h5::Handle g(H5Gopen2(f.id(), "/panel/ingest", H5P_DEFAULT));
  EXPECT_EQ(h5::ReadStringAttribute(g.id(), "jan_feb_policy"), "split");
  EXPECT_EQ(h5::ReadStrings(g.id(), "jan_feb_combined").size(), 2u);
  f.Close();
  const fs::path out2 = dir_ / "rmb.h5";
  r = Ingest(Data("customs_en_rmb.csv").string() + " --rates " + Data("rates.csv").string() + " --out " + out2.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(ReadPanelH5(out2).value(0, 1), 1000000.0, 1e-6);
}

TEST_F(IngestCli, LenientWritesCountsAndPrintsASummary) {
  const fs::path in = dir_ / "in.csv";
  std::ofstream(in) << "hs8,period,value_usd\n84561100,2020-01,1\n84561100,2020-02,x\n84561100,2020-03,-2\n";
  const fs::path out = dir_ / "p.h5";
  CliRun r = Ingest(in.string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("in.csv:3:3: malformed number 'x'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  r = Ingest(in.string() + " --lenient --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("malformed_number=1 negative_value=1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--lenient skipped 2 bad row(s)"), std::string::npos) << r.err;
  h5::File f = h5::File::OpenReadOnly(out);
  h5::Handle g(H5Gopen2(f.id(), "/panel/ingest", H5P_DEFAULT));
  EXPECT_EQ(h5::ReadStrings(g.id(), "examples").size(), 2u);
}

TEST_F(IngestCli, UsageErrorsExitTwo) {
  EXPECT_EQ(Ingest(Data("canonical_basic.csv").string() + " --out " + (dir_ / "p.csv").string()).exit_code, 2);
  EXPECT_EQ(Ingest(Data("canonical_basic.csv").string() + " --jan-feb guess --out " + (dir_ / "p.h5").string()).exit_code, 2);
  EXPECT_EQ(Ingest(Data("canonical_basic.csv").string() + " --format xml --out " + (dir_ / "p.h5").string()).exit_code, 2);
  EXPECT_EQ(Ingest((dir_ / "missing.csv").string() + " --out " + (dir_ / "p.h5").string()).exit_code, 2);
  EXPECT_EQ(OtherFiles(), 0);
}

}  // namespace
}  // namespace chokepoint
