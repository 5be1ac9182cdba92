#include <cmath>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/robustness/models/ols.h"

namespace chokepoint::robustness {
namespace {

TEST(Ols, SimpleRegressionClosedForm) {
  // y = 2 + 3 t + e with e = (+1, -1, -1, +1): hand-derived fit.
  const Design d = MakeDesign(4, {TrendRegressors::kTrend, false, std::nullopt});
  Eigen::VectorXd y(4);
  y << 6.0, 7.0, 10.0, 15.0;
  const OlsResult r = FitOls(d.X, y, d.names);
  // t = 1..4: tbar = 2.5, ybar = 9.5, Sxy = 15, Sxx = 5 -> slope 3, intercept 2;
  // residuals +1, -1, -1, +1 (e is orthogonal to (1, t)), RSS = 4.
  EXPECT_NEAR(r.coefficients[1], 3.0, 1e-13);
  EXPECT_NEAR(r.coefficients[0], 2.0, 1e-13);
  EXPECT_NEAR(r.rss, 4.0, 1e-12);
  EXPECT_NEAR(r.sigma2, r.rss / 2, 1e-13);
  EXPECT_NEAR(r.xtx_inverse(1, 1), 1.0 / 5.0, 1e-13);
  EXPECT_NEAR(r.vcov(1, 1), r.sigma2 / 5.0, 1e-13);
  EXPECT_EQ(r.names[1], "trend");
  EXPECT_NE(r.FullReport().find("trend"), std::string::npos);
}

TEST(Ols, MonthDummiesFollowStartMonth) {
  const Design d = MakeDesign(14, {TrendRegressors::kLevel, true, YearMonth{2020, 11}});
  ASSERT_EQ(d.X.cols(), 12);
  EXPECT_EQ(d.names[1], "month02");
  EXPECT_EQ(d.names[11], "month12");
  EXPECT_EQ(d.X(0, 10), 1.0);  // 2020-11 -> column "month11" (index 10)
  EXPECT_EQ(d.X.row(2).tail(11).sum(), 0.0);  // 2021-01 is the reference month
  EXPECT_EQ(d.X(3, 1), 1.0);   // 2021-02 -> month02
}

TEST(Ols, RankDeficientIsAnInputError) {
  Eigen::MatrixXd X(5, 2);
  X.col(0).setOnes();
  X.col(1).setConstant(2.0);
  Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(5, 0, 4);
  EXPECT_THROW(FitOls(X, y), Error);
}

TEST(Ols, StudentPValue) {
  // R: 2 * pt(-2, 10) = 0.073388034770740...
  EXPECT_NEAR(StudentTwoSidedP(2.0, 10.0), 0.07338803477074, 1e-12);
  EXPECT_NEAR(StudentTwoSidedP(0.0, 5.0), 1.0, 1e-15);
}

TEST(Ols, RegressorsEnumRoundTrip) {
  EXPECT_EQ(TrendRegressorsFromString("level"), TrendRegressors::kLevel);
  EXPECT_EQ(TrendRegressorsFromString(ToString(TrendRegressors::kTrend)), TrendRegressors::kTrend);
  EXPECT_FALSE(TrendRegressorsFromString("quadratic").has_value());
}

}  // namespace
}  // namespace chokepoint::robustness
