// One flag vocabulary: every single-series command takes --input, --column,
// --start and --quiet; renamed flags still work as hidden aliases (same
// output as the new spelling, absent from --help); `sweep` given the
// configuration of a `run` analyses the same panel at the same reference.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/h5.h"
#include "cli_test_util.h"

namespace chokepoint::testing {
namespace {

const std::string kSeries = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/surge/surge_series.csv";
const std::string kGroups = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/sweep/three_groups.csv";

// The surge series without its month column: only --start can date it.
std::string Undated(const std::filesystem::path& dir) {
  std::ifstream in(kSeries);
  std::ofstream out(dir / "undated.csv");
  std::string line;
  while (std::getline(in, line)) out << line.substr(line.find(',') + 1) << "\n";
  return (dir / "undated.csv").string();
}

TEST(FlagVocabulary, EverySingleSeriesCommandTakesTheSameInputFlags) {
  const auto dir = TempDir("flags_vocabulary");
  const std::string undated = Undated(dir);
  for (const std::string command : {"bootstrap --replicates 20", "blocklength", "breaks --no-tests", "hac", "surge"}) {
    const CommandResult r =
        RunChokepoint(command + " --input " + undated + " --column ics --start 2015-01 --quiet --json");
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_EQ(r.out.front(), '{') << command;
    const CommandResult help = RunChokepoint(command.substr(0, command.find(' ')) + " --help");
    for (const char* flag : {"--input", "--column", "--start", "--quiet", "--json"})
      EXPECT_NE(help.out.find(flag), std::string::npos) << command << " lacks " << flag;
    for (const char* old : {"--first-month", "--no-progress", "--series"})
      EXPECT_EQ(help.out.find(old), std::string::npos) << command << " shows the alias " << old;
  }
  std::filesystem::remove_all(dir);
}

TEST(FlagVocabulary, AliasesGiveTheSameOutputAsTheNewSpelling) {
  const auto dir = TempDir("flags_aliases");
  const std::string undated = Undated(dir);
  // A window makes the first month matter: it decides which months are cut.
  const std::string boot =
      "bootstrap --input " + undated + " --column ics --replicates 30 --window-start 2018-01 --json ";
  const CommandResult a = RunChokepoint(boot + "--start 2016-03 --quiet");
  const CommandResult b = RunChokepoint(boot + "--first-month 2016-03 --no-progress");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  // A different start month changes the output (the start reached the
  // engine), so the comparison above can fail.
  EXPECT_NE(RunChokepoint(boot + "--start 2017-03").out, a.out);

  const CommandResult m1 = RunChokepoint("models --input " + kSeries + " --semiconductor ics --markdown");
  const CommandResult m2 = RunChokepoint("models --series " + kSeries + " --semiconductor ics --markdown");
  ASSERT_EQ(m1.exit_code, 0) << m1.err;
  EXPECT_EQ(m1.out, m2.out);

  const std::string grid =
      " --replicates 0 --weightings linear --window-starts 2015-01 --window-ends 2015-04 --frequencies monthly"
      " --bases first --quiet";
  const CommandResult s1 =
      RunChokepoint("sweep --input " + kGroups + grid +
                    " --growth-axis 0.5,0.6 --override-axis on --volatility-high-axis 0.3,0.35"
                    " --volatility-low-axis 0.24,0.25 --out " + (dir / "s1.h5").string() + " --report " +
                    (dir / "s1.md").string());
  const CommandResult s2 =
      RunChokepoint("sweep --series " + kGroups + grid +
                    " --growth 0.5,0.6 --override on --volatility-high 0.3,0.35 --volatility-low 0.24,0.25"
                    " --out " + (dir / "s2.h5").string() + " --report " + (dir / "s2.md").string());
  ASSERT_EQ(s1.exit_code, 0) << s1.err;
  ASSERT_EQ(s2.exit_code, 0) << s2.err;
  EXPECT_NE(s2.err.find("--volatility-high with a range is the old spelling of --volatility-high-axis"),
            std::string::npos) << s2.err;
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  // The report's first line names the input file, identical here.
  EXPECT_EQ(slurp(dir / "s1.md"), slurp(dir / "s2.md"));
  for (const char* name : {"s1.h5", "s2.h5"}) {
    h5::File f = h5::File::OpenReadOnly(dir / name);
    EXPECT_EQ(h5::ReadDoubles(f.id(), "/sweep/axes/volatility_high"), (std::vector<double>{0.3, 0.35})) << name;
    EXPECT_EQ(h5::ReadDoubles(f.id(), "/sweep/axes/volatility_low"), (std::vector<double>{0.24, 0.25})) << name;
    EXPECT_EQ(h5::ReadDoubles(f.id(), "/sweep/axes/growth"), (std::vector<double>{0.5, 0.6})) << name;
  }
  // In `sweep`, a single number is the reference threshold, as in `run`.
  const CommandResult s3 = RunChokepoint("sweep --input " + kGroups + grid + " --volatility-high 0.35 --out " +
                                         (dir / "s3.h5").string() + " --report " + (dir / "s3.md").string());
  ASSERT_EQ(s3.exit_code, 0) << s3.err;
  h5::File f3 = h5::File::OpenReadOnly(dir / "s3.h5");
  EXPECT_EQ(h5::ReadDoubleAttribute(h5::Handle(H5Gopen2(f3.id(), "/indices", H5P_DEFAULT)).id(), "volatility_high"),
            0.35);
  std::filesystem::remove_all(dir);
}

TEST(FlagVocabulary, ErrorsNameTheFlagTyped) {
  const auto dir = TempDir("flags_errors");
  const std::string never = (dir / "never_written.h5").string();
  CommandResult r = RunChokepoint("run --replicates 1 --no-models --out " + never);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--replicates (bootstrap.replicates): must be >= 2, got 1"), std::string::npos) << r.err;
  r = RunChokepoint("sweep --frequencies weekly --out " + never);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--frequencies must be one of monthly, quarterly, annual, got \"weekly\""), std::string::npos)
      << r.err;
  r = RunChokepoint("bootstrap --input " + kSeries + " --start 2015-13");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--start must be a month YYYY-MM"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // nothing written, not even a temporary
}

TEST(FlagVocabulary, SweepGivenARunsConfigurationAnalysesTheSamePanel) {
  const auto dir = TempDir("flags_run_sweep");
  const auto cfg = dir / "run.toml";
  std::ofstream(cfg) << "[run]\nseed = 3\n[thresholds]\ngrowth = 0.65\n[index]\nweighting = \"equal\"\n";
  const std::string run_out = (dir / "run.h5").string(), sweep_out = (dir / "sweep.h5").string();
  const CommandResult r = RunChokepoint("run --quiet --config " + cfg.string() +
                                        " --no-bootstrap --no-models --no-aggregate --no-batches --out " + run_out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const CommandResult s =
      RunChokepoint("sweep --quiet --config " + cfg.string() + " --set sweep.replicates=0 --growth-axis 0.5"
                    " --volatility-high-axis 0.3 --volatility-low-axis 0.24 --weightings linear --frequencies monthly"
                    " --bases first --window-starts 2015-01 --window-ends 2024-12 --out " + sweep_out);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  h5::File a = h5::File::OpenReadOnly(run_out), b = h5::File::OpenReadOnly(sweep_out);
  EXPECT_EQ(h5::ReadStringAttribute(a.id(), "data_label"), h5::ReadStringAttribute(b.id(), "data_label"));
  EXPECT_NE(h5::ReadStringAttribute(a.id(), "data_label").find("seed 3"), std::string::npos);
  EXPECT_EQ(h5::ReadDoubles(a.id(), "/series/values"), h5::ReadDoubles(b.id(), "/series/values"));
  EXPECT_EQ(h5::ReadDoubles(a.id(), "/indices/V"), h5::ReadDoubles(b.id(), "/indices/V"));
  EXPECT_EQ(h5::ReadDoubles(a.id(), "/indices/G"), h5::ReadDoubles(b.id(), "/indices/G"));
  EXPECT_EQ(h5::ReadStrings(a.id(), "/indices/regime"), h5::ReadStrings(b.id(), "/indices/regime"));
  std::filesystem::remove_all(dir);
}

TEST(OutputOverInput, IsRefusedAndTheInputKept) {
  const auto dir = TempDir("output_over_input");
  const std::string panel = (dir / "panel.h5").string();
  ASSERT_EQ(RunChokepoint("simulate --seed 2 --quiet --out " + panel).exit_code, 0);
  const auto size = std::filesystem::file_size(panel);
  // The same file by another name: a hard link.
  std::filesystem::create_hard_link(panel, dir / "alias.h5");
  for (const std::string& out : {panel, (dir / "alias.h5").string()}) {
    for (const std::string command : {"run --quiet --no-bootstrap --no-models", "aggregate"}) {
      const CommandResult r = RunChokepoint(command + " --data " + panel + " --out " + out);
      EXPECT_EQ(r.exit_code, 2) << command << " " << out << ": " << r.err;
      EXPECT_NE(r.err.find("is the input given by --data"), std::string::npos) << r.err;
    }
  }
  EXPECT_EQ(std::filesystem::file_size(panel), size);
  const std::string csv = (dir / "s.csv").string();
  std::filesystem::copy_file(std::string(CHOKEPOINT_TEST_DATA_DIR) + "/surge/surge_series.csv", csv);
  const auto csv_size = std::filesystem::file_size(csv);
  const CommandResult b = RunChokepoint("bootstrap --replicates 20 --input " + csv + " --out " + csv);
  EXPECT_EQ(b.exit_code, 2) << b.err;
  EXPECT_EQ(std::filesystem::file_size(csv), csv_size);
  // Seeds beyond 2^63 - 1 cannot be recorded in a run file: refused.
  const CommandResult s = RunChokepoint("config --seed 9223372036854775808");
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("--seed: must be at most 9223372036854775807"), std::string::npos) << s.err;
  std::filesystem::remove_all(dir);
}

TEST(DegenerateSeries, HacOnAllZeroOrHugeValuesIsAnInputErrorNotACrash) {
  const auto dir = TempDir("degenerate_hac");
  {
    std::ofstream zeros(dir / "zeros.csv"), huge(dir / "huge.csv");
    zeros << "value\n";
    huge << "value\n";
    for (int t = 1; t <= 60; ++t) {
      zeros << "0\n";
      huge << (t == 60 ? std::string("1e308") : std::to_string(t)) << "\n";
    }
  }
  // All zeros: the regression fits exactly, the HAC covariance says so.
  // 1e308: the series reader refuses it at its cell (its square overflows).
  const std::pair<const char*, std::string> cases[] = {
      {"zeros.csv", "HAC covariance"}, {"huge.csv", "huge.csv:61:1: value 1e+308 is outside the range"}};
  for (const auto& [name, expected] : cases) {
    const CommandResult r = RunChokepoint("hac --input " + (dir / name).string());
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;  // was a segmentation fault (139)
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chokepoint::testing
