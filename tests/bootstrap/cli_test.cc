// End to end: `chokepoint bootstrap --input ... --json` and `chokepoint blocklength`.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun RunCli(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(CHOKEPOINT_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p)) r.out += buf.data();
  const int status = pclose(p);
  r.code = WEXITSTATUS(status);
  return r;
}

TEST(BootstrapCliTest, SingleSeriesJsonIsIdenticalForOneAndTwoThreads) {
  const std::string input = testing::DataPath("tsboot_series.csv");
  const CliRun a = RunCli("bootstrap --input " + input + " --column value --json -B 500 --seed 5 --threads 1");
  const CliRun b = RunCli("bootstrap --input " + input + " --column value --json -B 500 --seed 5 --threads 2");
  ASSERT_EQ(a.code, 0) << a.out;
  ASSERT_EQ(b.code, 0) << b.out;
  EXPECT_NE(a.out.find("{\"n\": 120, \"scheme\": \"residual\", \"blocks\": \"stationary\", \"block_length\": "),
            std::string::npos)
      << a.out;
  EXPECT_NE(a.out.find("\"G\": {\"point\": 1.212493364704"), std::string::npos) << a.out;
  // Identical apart from the thread count field.
  std::string a2 = a.out, b2 = b.out;
  a2.replace(a2.find("\"threads\": 1"), 12, "\"threads\": X");
  b2.replace(b2.find("\"threads\": 2"), 12, "\"threads\": X");
  EXPECT_EQ(a2, b2);
}

TEST(BootstrapCliTest, FlagsAndErrors) {
  const std::string input = testing::DataPath("tsboot_series.csv");
  const CliRun fixed = RunCli("bootstrap --input " + input +
                           " --column value --json -B 200 --scheme levels --blocks moving --block-length 6 --level 0.8");
  ASSERT_EQ(fixed.code, 0) << fixed.out;
  EXPECT_NE(fixed.out.find("\"scheme\": \"levels\", \"blocks\": \"moving\", \"block_length\": 6,"), std::string::npos)
      << fixed.out;
  EXPECT_NE(fixed.out.find("\"level\": 0.80000000000000004"), std::string::npos);
  EXPECT_EQ(RunCli("bootstrap --input " + input + " --column value --scheme naive").code, 2);
  EXPECT_EQ(RunCli("bootstrap --input " + input + " --column value --block-length 0.2").code, 2);
  // "t,value": the value column is the one named "value" (core/series_csv.h).
  EXPECT_EQ(RunCli("bootstrap --input " + input + " -B 20").code, 0);
  // Three value columns, none named "value": --column is required.
  const CliRun ambiguous =
      RunCli("bootstrap --input " + std::string(CHOKEPOINT_TEST_DATA_DIR) + "/sweep/three_groups.csv");
  EXPECT_EQ(ambiguous.code, 2);
  EXPECT_EQ(RunCli("bootstrap --input /no/such/file.csv").code, 2);
  EXPECT_EQ(RunCli("bootstrap").code, 2);
}

TEST(BootstrapCliTest, BlocklengthJsonMatchesGolden) {
  // A one-column file from the golden b.star series.
  const auto path = std::filesystem::temp_directory_path() / ("blocklength_" + std::to_string(getpid()) + ".csv");
  std::string expected_sb;
  {
    std::ofstream out(path);
    for (const auto& row : testing::ReadCsv(testing::DataPath("bstar_series.csv")))
      if (row.at("case") == "ar1_05_n120") out << row.at("value") << "\n";
    for (const auto& row : testing::ReadCsv(testing::DataPath("bstar_golden.csv")))
      if (row.at("case") == "ar1_05_n120") expected_sb = row.at("stationary");
  }
  const CliRun r = RunCli("blocklength --input " + path.string() + " --json");
  std::filesystem::remove(path);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("{\"n\": 120, \"stationary\": "), std::string::npos) << r.out;
  const double sb = std::stod(r.out.substr(r.out.find("\"stationary\": ") + 14));
  EXPECT_NEAR(sb, std::stod(expected_sb), 1e-6 * sb);
  EXPECT_NE(r.out.find("\"circular\": "), std::string::npos);
}

}  // namespace
}  // namespace chokepoint::bootstrap
