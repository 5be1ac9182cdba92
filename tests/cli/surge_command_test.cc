// End-to-end tests of `chokepoint surge` and `chokepoint models`.
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/h5.h"
#include "temp_dir.h"

namespace {

struct CommandRun {
  int exit_code;
  std::string out;
};

CommandRun RunChokepoint(const std::string& args) {
  const std::string cmd = std::string(CHOKEPOINT_BINARY) + " " + args + " 2>&1";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

const std::string kSeries = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/surge/surge_series.csv";

TEST(SurgeCommand, JsonFindsThePlantedSurge) {
  const CommandRun r = RunChokepoint("surge --input " + kSeries + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"chosen\":\"trend+surge\""), std::string::npos) << r.out.substr(0, 400);
  EXPECT_NE(r.out.find("\"verdict\":\"stockpiling\""), std::string::npos);
  // Planted onset 2020-03 = observation 63 (1-based).
  EXPECT_NE(r.out.find("\"onset\":63,\"onset_month\":\"2020-03\""), std::string::npos);
}

TEST(SurgeCommand, BadInputExitsTwo) {
  EXPECT_EQ(RunChokepoint("surge --input /nonexistent/file.csv").exit_code, 2);
  EXPECT_EQ(RunChokepoint("surge --input " + kSeries + " --column nope").exit_code, 2);
  EXPECT_EQ(RunChokepoint("surge --input " + kSeries + " --loss l1").exit_code, 2);
}

// The values column of the surge series CSV (month,value rows after a header).
std::vector<double> SeriesValues() {
  std::ifstream in(kSeries);
  std::string line;
  std::getline(in, line);  // month,ics
  std::vector<double> x;
  while (std::getline(in, line))
    if (!line.empty()) x.push_back(std::stod(line.substr(line.find(',') + 1)));
  return x;
}

TEST(ModelsCommand, WritesModelsSection) {
  namespace h5 = chokepoint::h5;
  // A fresh directory unique to this process and test: no file of an earlier
  // run can stand in for the one this command writes.
  const chokepoint::testing::ScopedTempDir dir("models_cli");
  const auto out = dir / "models.h5";
  ASSERT_FALSE(std::filesystem::exists(out));
  const CommandRun r = RunChokepoint("models --series " + kSeries + " --semiconductor ics --out " + out.string());
  // One group only: the panel regression cannot run (no "other" group), the surge fit does.
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("panel regression not run"), std::string::npos) << r.out;
  ASSERT_TRUE(std::filesystem::is_regular_file(out));

  const std::vector<double> x = SeriesValues();
  ASSERT_EQ(x.size(), 120u);
  h5::File f = h5::File::OpenReadOnly(out);
  {
    h5::Handle models(H5Gopen2(f.id(), "/models", H5P_DEFAULT));
    EXPECT_EQ(h5::ReadStringAttribute(models.id(), "first_month"), "2015-01");
    EXPECT_EQ(h5::ReadIntAttribute(models.id(), "num_months"), 120);
  }
  {
    // The surge fit of the one group: the planted surge (onset 2020-03) found,
    // on the log of the series read.
    h5::Handle g(H5Gopen2(f.id(), "/models/surge/g01", H5P_DEFAULT));
    EXPECT_EQ(h5::ReadStringAttribute(g.id(), "group"), "ics");
    EXPECT_EQ(h5::ReadIntAttribute(g.id(), "semiconductor"), 1);
    EXPECT_EQ(h5::ReadIntAttribute(g.id(), "fitted"), 1);
    EXPECT_EQ(h5::ReadStringAttribute(g.id(), "chosen_model"), "trend+surge");
    EXPECT_EQ(h5::ReadStringAttribute(g.id(), "verdict"), "stockpiling");
    EXPECT_EQ(h5::ReadStringAttribute(g.id(), "onset_month"), "2020-03");
    const std::vector<double> logs = h5::ReadDoubles(g.id(), "log_values");
    ASSERT_EQ(logs.size(), x.size());
    for (size_t t = 0; t < x.size(); ++t) EXPECT_NEAR(logs[t], std::log(x[t]), 1e-12) << "month " << t;
  }
  // The raw indices (linear/first/monthly) of the series, recomputed here.
  double mean = 0, ss = 0, wsum = 0, wx = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  for (size_t t = 0; t < x.size(); ++t) {
    ss += (x[t] - mean) * (x[t] - mean);
    wsum += static_cast<double>(t + 1);
    wx += static_cast<double>(t + 1) * x[t];
  }
  const double V = std::sqrt(ss / static_cast<double>(x.size() - 1)) / mean;
  const double G = wx / wsum / x[0] - 1.0;
  EXPECT_EQ(h5::ReadStrings(f.id(), "/models/adjusted/groups"), (std::vector<std::string>{"ics"}));
  const std::vector<double> raw_v = h5::ReadDoubles(f.id(), "/models/adjusted/raw_V");
  const std::vector<double> raw_g = h5::ReadDoubles(f.id(), "/models/adjusted/raw_G");
  ASSERT_EQ(raw_v.size(), 1u);
  ASSERT_EQ(raw_g.size(), 1u);
  EXPECT_NEAR(raw_v[0], V, 1e-12 * V);
  EXPECT_NEAR(raw_g[0], G, 1e-12 * G);
  EXPECT_EQ(h5::ReadStrings(f.id(), "/models/adjusted/raw_regime"), (std::vector<std::string>{"stockpiling"}));
  // Model verdict (rows) against index regime (columns): the one group agrees.
  EXPECT_EQ(h5::ReadInt64s(f.id(), "/models/agreement"), (std::vector<int64_t>{1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_FALSE(h5::Exists(f.id(), "/models/panel"));
}

TEST(ModelsCommand, SimulatedGroupsMarkdown) {
  const CommandRun r = RunChokepoint("models --simulate 7 --markdown");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("synthetic"), std::string::npos);
  EXPECT_NE(r.out.find("| Integrated Circuits | yes | trend+surge |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("### Panel regression"), std::string::npos);
  // One source of group series at a time (without any: the [data] panel).
  EXPECT_EQ(RunChokepoint("models --simulate 7 --input " + kSeries).exit_code, 2);
}

}  // namespace
