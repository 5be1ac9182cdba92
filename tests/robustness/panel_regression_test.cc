#include "chokepoint/robustness/models/panel_regression.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace chokepoint::robustness {
namespace {

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    rows.push_back(f);
  }
  return rows;
}

// Builds the committed 6 x 36 panel (tests/data/surge/panel_small.csv, made by
// scripts/golden/panel_regression_golden.R) as a GroupSeries from 2019-01.
GroupSeries SmallPanel() {
  const auto rows = ReadCsv(std::string(CHOKEPOINT_TEST_DATA_DIR) + "/surge/panel_small.csv");
  GroupSeries s;
  s.first_month = YearMonth{2019, 1};
  s.num_months = 36;
  for (int g = 1; g <= 6; ++g) {
    TechnologyGroup tg;
    tg.id = g;
    tg.name = std::to_string(g);
    tg.name.insert(tg.name.begin(), 'G');
    tg.semiconductor = g <= 3;
    s.groups.push_back(tg);
  }
  s.values.assign(6 * 36, 0.0);
  for (const auto& r : rows) s.values[(std::stoi(r[0]) - 1) * 36 + std::stoi(r[2])] = std::stod(r[3]);
  return s;
}

TEST(PanelRegression, MatchesSandwichVcovClAndVcovPl) {
  const PanelResult r = FitPanelRegression(SmallPanel(), PanelOptions{});
  const auto golden = ReadCsv(std::string(CHOKEPOINT_TEST_DATA_DIR) + "/surge/panel_golden.csv");
  ASSERT_EQ(golden.size(), static_cast<size_t>(r.fit.k + 1));
  EXPECT_EQ(r.fit.dk_lag_used, 2);  // floor(36^(1/4))
  auto rel = [](double a, double b) { return std::abs(a - b) / std::max(1e-300, std::abs(b)); };
  for (int j = 0; j < r.fit.k; ++j) {
    const double est = std::stod(golden[j][1]), se_cl = std::stod(golden[j][2]), se_dk = std::stod(golden[j][3]);
    EXPECT_LT(rel(r.fit.coefficients[j], est), 1e-9) << golden[j][0];
    EXPECT_LT(rel(std::sqrt(r.fit.vcov_cluster(j, j)), se_cl), 1e-8) << golden[j][0];
    EXPECT_LT(rel(std::sqrt(r.fit.vcov_driscoll_kraay(j, j)), se_dk), 1e-8) << golden[j][0];
  }
  const auto& diff = golden.back();
  ASSERT_EQ(diff[0], "diff_trend");
  EXPECT_EQ(r.contrasts[0].name, "trend_difference_pre");
  EXPECT_LT(rel(r.contrasts[0].estimate, std::stod(diff[1])), 1e-9);
  EXPECT_LT(rel(r.contrasts[0].se_cluster, std::stod(diff[2])), 1e-8);
  EXPECT_LT(rel(r.contrasts[0].se_dk, std::stod(diff[3])), 1e-8);
  EXPECT_FALSE(r.conclusion.empty());
}

TEST(PanelRegression, IsValidNamesField) {
  PanelOptions o;
  std::string error;
  EXPECT_TRUE(o.IsValid(&error));
  o.significance = 0.7;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("panel.significance"), std::string::npos);
}

}  // namespace
}  // namespace chokepoint::robustness
