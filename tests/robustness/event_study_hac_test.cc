// The batch event study (core/batches.h) with a Newey-West covariance passed
// in, against R's sandwich::NeweyWest (scripts/golden/event_study_hac_golden.R).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/batches.h"
#include "chokepoint/robustness/models/hac.h"
#include "chokepoint/robustness/models/ols.h"

namespace chokepoint::robustness {
namespace {

namespace fs = std::filesystem;

EventStudyCovariance NeweyWestDefaults() {
  return [](const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::string* label) {
    const OlsResult ols = FitOls(X, y);
    const HacResult hac = ComputeHac(X, ols, HacOptions{});
    *label = "HAC " + hac.estimator;
    return Eigen::MatrixXd(hac.vcov);
  };
}

TEST(EventStudyHac, MatchesSandwichNeweyWest) {
  const fs::path dir = fs::path(CHOKEPOINT_TEST_DATA_DIR) / "batches";
  std::ifstream series(dir / "event_study_series.csv");
  std::string line;
  std::getline(series, line);
  std::vector<double> x;
  while (std::getline(series, line)) x.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(x.size(), 72u);
  std::ifstream golden(dir / "event_study_hac_golden.csv");
  ASSERT_TRUE(golden) << dir;
  std::getline(golden, line);
  int rows = 0;
  while (std::getline(golden, line)) {
    std::vector<double> v;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::stod(cell));
    const EventStudyRow e =
        EventStudy(x, {}, YearMonth{2019, 1}, YearMonth{2023, 1}, 36, v[0] != 0, NeweyWestDefaults());
    ASSERT_TRUE(e.ok()) << e.status;
    EXPECT_EQ(e.se_type.rfind("HAC ", 0), 0u) << e.se_type;
    EXPECT_NEAR(e.growth_change, v[1], 1e-10);
    EXPECT_NEAR(e.se_pre / v[2], 1.0, 1e-8);
    EXPECT_NEAR(e.se_post / v[3], 1.0, 1e-8);
    EXPECT_NEAR(e.se_change / v[4], 1.0, 1e-8);
    // Positively autocorrelated errors: HAC errors differ from classical ones.
    const EventStudyRow ols = EventStudy(x, {}, YearMonth{2019, 1}, YearMonth{2023, 1}, 36, v[0] != 0);
    EXPECT_EQ(ols.se_type, "ols");
    EXPECT_GT(std::abs(ols.se_change - e.se_change), 1e-4);
    ++rows;
  }
  EXPECT_EQ(rows, 2);
}

}  // namespace
}  // namespace chokepoint::robustness
