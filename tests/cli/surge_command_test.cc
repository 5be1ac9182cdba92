// End-to-end tests of `chokepoint surge` and `chokepoint models`.
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

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

TEST(ModelsCommand, WritesModelsSection) {
  const auto out = std::filesystem::temp_directory_path() / "chokepoint_models_cli_test.h5";
  const CommandRun r = RunChokepoint("models --series " + kSeries + " --semiconductor ics --out " + out.string());
  // One group only: the panel regression cannot run (no "other" group), the surge fit does.
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("panel regression not run"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(out));
  std::filesystem::remove(out);
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
