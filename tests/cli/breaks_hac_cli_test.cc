// End-to-end: `chokepoint breaks` and `chokepoint hac` on the committed golden
// data; JSON values checked against the R golden files.
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace {

const std::string kData = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/models/";

struct CliRun {
  std::string out;
  int exit_code = -1;
};

CliRun RunCli(const std::string& args, bool merge_stderr = false) {
  const std::string cmd = std::string(CHOKEPOINT_BINARY) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t got;
  while ((got = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), got);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The JSON text after "key": up to the end of its value (a flat or nested
// array, or a scalar), and every number in it (null -> NaN).
std::string RawValue(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return {};
  size_t i = at + key.size() + 3;
  while (json[i] == ' ') ++i;
  size_t j = i;
  if (json[i] == '[' || json[i] == '{') {
    int depth = 0;
    for (; j < json.size(); ++j) {
      if (json[j] == '[' || json[j] == '{') ++depth;
      if (json[j] == ']' || json[j] == '}') {
        if (--depth == 0) break;
      }
    }
    ++j;
  } else {
    while (j < json.size() && json[j] != ',' && json[j] != '\n') ++j;
  }
  return json.substr(i, j - i);
}

std::vector<double> Numbers(const std::string& json, const std::string& key) {
  std::string raw = RawValue(json, key);
  std::vector<double> v;
  size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t used = 0;
      v.push_back(std::stod(raw.substr(i), &used));
      i += used;
    } else if (raw.compare(i, 4, "null") == 0) {
      v.push_back(NAN);
      i += 4;
    } else {
      ++i;
    }
  }
  return v;
}

// Golden blocks (tests/data/models/*_golden.txt).
std::map<std::string, std::vector<double>> GoldenCase(const std::string& file, const std::string& name) {
  std::ifstream in(kData + file);
  std::map<std::string, std::vector<double>> fields;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    std::istringstream tokens(line);
    std::string key, value;
    tokens >> key;
    if (key == "case") {
      tokens >> value;
      inside = value == name;
      continue;
    }
    if (!inside) continue;
    if (key == "end") break;
    while (tokens >> value) {
      try {
        fields[key].push_back(std::stod(value));
      } catch (const std::exception&) {
      }
    }
  }
  return fields;
}

void ExpectClose(const std::vector<double>& got, const std::vector<double>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], rel * std::fabs(want[i])) << "index " << i;
}

TEST(BreaksCli, NileJsonMatchesStrucchange) {
  const CliRun r = RunCli("breaks --input " + kData + "nile.csv --regressors level --max-breaks 5 --replicates 99 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto g = GoldenCase("breaks_golden.txt", "nile");
  EXPECT_EQ(Numbers(r.out, "n"), std::vector<double>{100});
  EXPECT_EQ(Numbers(r.out, "k"), std::vector<double>{1});
  EXPECT_EQ(Numbers(r.out, "trim_obs"), std::vector<double>{15});
  EXPECT_EQ(Numbers(r.out, "max_breaks"), std::vector<double>{5});
  ExpectClose(Numbers(r.out, "rss"), g.at("rss"), 1e-10);
  ExpectClose(Numbers(r.out, "bic"), g.at("bic"), 1e-10);
  EXPECT_EQ(Numbers(r.out, "lwz").size(), 6u);
  std::vector<double> all_bps;
  for (int m = 1; m <= 5; ++m) {
    const auto& b = g.at("bp" + std::to_string(m));
    all_bps.insert(all_bps.end(), b.begin(), b.end());
  }
  EXPECT_EQ(Numbers(r.out, "breakpoints_by_m"), all_bps);
  EXPECT_EQ(Numbers(r.out, "breakpoints"), g.at("breakpoints"));
  EXPECT_EQ(Numbers(r.out, "confidence_intervals"), g.at("ci"));
  EXPECT_EQ(RawValue(r.out, "selected").substr(0, 9), "{\"bic\": 1");
  EXPECT_EQ(Numbers(r.out, "sup_f").size(), 5u);
  EXPECT_NEAR(Numbers(r.out, "sup_f")[0], g.at("fstats_sup")[0], 1e-8 * g.at("fstats_sup")[0]);
  EXPECT_LT(Numbers(r.out, "ud_max_p")[0], 0.05);
  EXPECT_FALSE(Numbers(r.out, "wd_max").empty());
  EXPECT_EQ(RawValue(r.out, "start"), "null");
}

TEST(BreaksCli, MonthlyDatesFromTheMonthColumnOrStart) {
  const auto g = GoldenCase("breaks_golden.txt", "synth3");
  const CliRun r = RunCli("breaks --input " + kData + "breaks_synth3.csv --regressors trend --trim 0.15 --max-breaks 5 --no-tests --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ExpectClose(Numbers(r.out, "rss"), g.at("rss"), 1e-10);
  EXPECT_EQ(Numbers(r.out, "breakpoints"), g.at("breakpoints"));
  EXPECT_EQ(RawValue(r.out, "breakdates"), "[\"2014-12\", \"2021-03\"]");
  EXPECT_EQ(RawValue(r.out, "start"), "\"2010-01\"");
  const CliRun shifted = RunCli("breaks --input " + kData + "breaks_synth3.csv --start 2011-02 --no-tests --json");
  EXPECT_EQ(RawValue(shifted.out, "breakdates"), "[\"2016-01\", \"2022-04\"]");
  const CliRun text = RunCli("breaks --input " + kData + "breaks_synth3.csv --no-tests");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("60 (2014-12), 135 (2021-03)"), std::string::npos) << text.out;
}

struct HacCase {
  const char* golden;
  const char* args;
};

TEST(HacCli, JsonMatchesSandwich) {
  const HacCase cases[] = {
      {"nw_auto_pw1_adj0_trend_seasonal", "--column value --regressors trend --seasonal --kernel bartlett --lag auto --prewhite"},
      {"nw_lag4_pw0_adj1_trend", "--column value --regressors trend --kernel bartlett --lag 4 --adjust"},
      {"qs_andrews_pw1_adj1_trend_seasonal", "--column value --seasonal --kernel qs --prewhite --adjust"},
      {"qs_nw1994_pw0_adj0_level", "--column noise --regressors level --kernel qs --bandwidth-rule nw1994"},
  };
  for (const HacCase& c : cases) {
    SCOPED_TRACE(c.golden);
    const CliRun r = RunCli("hac --input " + kData + "hac_series.csv " + c.args + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto g = GoldenCase("hac_golden.txt", c.golden);
    ASSERT_FALSE(g.empty());
    ExpectClose(Numbers(r.out, "coefficients"), g.at("coef"), 1e-10);
    ExpectClose(Numbers(r.out, "standard_errors"), g.at("se"), 1e-8);
    ExpectClose(Numbers(r.out, "t"), g.at("t"), 1e-8);
    ExpectClose(Numbers(r.out, "p"), g.at("p"), 1e-6);
    EXPECT_NEAR(Numbers(r.out, "bandwidth")[0], g.at("bandwidth")[0], 1e-8 * g.at("bandwidth")[0]);
    const std::vector<double> vcov = Numbers(r.out, "vcov");
    ASSERT_EQ(vcov.size(), g.at("vcov").size());
    for (size_t i = 0; i < vcov.size(); ++i) EXPECT_NEAR(vcov[i], g.at("vcov")[i], 1e-7 * std::fabs(g.at("vcov")[i]) + 1e-15);
    EXPECT_FALSE(RawValue(r.out, "estimator").empty());
  }
}

TEST(SeriesCommandsCli, BadInputExitsWithTwoAndALocation) {
  const chokepoint::testing::ScopedTempDir dir("bad_series");  // unique per process and test
  const std::string bad = (dir / "bad_series.csv").string();
  {
    std::ofstream out(bad);
    out << "value\n1.5\n2.5\nabc\n";
  }
  CliRun r = RunCli("breaks --input " + bad, true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(bad + ":4:1: not a finite number"), std::string::npos) << r.out;
  r = RunCli("hac --input " + kData + "does_not_exist.csv", true);
  EXPECT_EQ(r.exit_code, 2);
  r = RunCli("hac --input " + kData + "hac_series.csv --lag abc", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--lag"), std::string::npos) << r.out;
  r = RunCli("hac --input " + kData + "hac_series.csv --column nosuch", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no column named \"nosuch\""), std::string::npos) << r.out;
  r = RunCli("breaks --input " + bad + " --trim 0.15", true);  // also too short, but the parse error comes first
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
