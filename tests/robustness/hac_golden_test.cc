// HAC covariances against R's sandwich (NeweyWest, kernHAC) on committed data:
// scripts/golden/hac_golden.R wrote tests/data/models/hac_golden.txt.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/series_csv.h"
#include "chokepoint/robustness/models/hac.h"

namespace chokepoint::robustness {
namespace {

const std::string kDataDir = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/models/";

struct GoldenCase {
  std::map<std::string, std::vector<std::string>> fields;
  std::string Str(const std::string& key) const { return fields.at(key).at(0); }
  double Num(const std::string& key) const { return std::stod(Str(key)); }
  std::vector<double> Vec(const std::string& key) const {
    std::vector<double> v;
    for (const auto& s : fields.at(key)) v.push_back(std::stod(s));
    return v;
  }
};

std::vector<GoldenCase> ReadGolden(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<GoldenCase> cases;
  GoldenCase current;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream tokens(line);
    std::string key, value;
    tokens >> key;
    if (key == "end") {
      cases.push_back(std::move(current));
      current = {};
      continue;
    }
    std::vector<std::string>& values = current.fields[key];
    while (tokens >> value) values.push_back(value);
  }
  return cases;
}

double RelErr(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-300); }

TEST(HacGolden, MatchesSandwichToOneEMinus8) {
  const SeriesCsv value = ReadSeriesCsv(kDataDir + "hac_series.csv", "value");
  const SeriesCsv noise = ReadSeriesCsv(kDataDir + "hac_series.csv", "noise");
  ASSERT_EQ(value.values.size(), 120u);
  ASSERT_TRUE(value.first_month.has_value());
  const int n = static_cast<int>(value.values.size());
  const std::vector<GoldenCase> cases = ReadGolden(kDataDir + "hac_golden.txt");
  ASSERT_EQ(cases.size(), 96u);
  double worst_vcov = 0.0, worst_bw = 0.0;
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.Str("case"));
    const std::string model = c.Str("model");
    DesignSpec spec;
    spec.regressors = model == "level" ? TrendRegressors::kLevel : TrendRegressors::kTrend;
    spec.seasonal = model == "trend_seasonal";
    spec.start = value.first_month;
    const Design design = MakeDesign(n, spec);
    const std::vector<double>& yv = model == "level" ? noise.values : value.values;
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(yv.data(), n);
    const OlsResult ols = FitOls(design.X, y, design.names);

    HacOptions options;
    options.kernel = *HacKernelFromString(c.Str("kernel"));
    options.bandwidth_rule = *BandwidthRuleFromString(c.Str("rule"));
    options.fixed_bandwidth = c.Num("fixed");
    options.prewhite = c.Num("prewhite") != 0;
    options.adjust = c.Num("adjust") != 0;
    const HacResult hac = ComputeHac(design.X, ols, options);

    const std::vector<double> coef = c.Vec("coef");
    const std::vector<double> vcov = c.Vec("vcov");
    const std::vector<double> se = c.Vec("se");
    const std::vector<double> p = c.Vec("p");
    const int k = ols.k;
    ASSERT_EQ(static_cast<int>(coef.size()), k);
    if (options.bandwidth_rule != BandwidthRule::kFixed) {
      EXPECT_LT(RelErr(hac.bandwidth_automatic, c.Num("bandwidth_auto")), 1e-8);
      worst_bw = std::max(worst_bw, RelErr(hac.bandwidth_automatic, c.Num("bandwidth_auto")));
    }
    EXPECT_LT(RelErr(hac.bandwidth, c.Num("bandwidth")), 1e-8);
    for (int i = 0; i < k; ++i) {
      EXPECT_LT(RelErr(hac.coefficients[i], coef[i]), 1e-10) << "coef " << i;
      EXPECT_LT(RelErr(hac.standard_errors[i], se[i]), 1e-8) << "se " << i;
      EXPECT_LT(RelErr(hac.p[i], p[i]), 1e-6) << "p " << i;
      for (int j = 0; j < k; ++j) {
        // Relative to the element, floored at 1e-6 of its correlation scale
        // (off-diagonal covariances can be near zero).
        const double scale = std::max(std::fabs(vcov[i * k + j]), 1e-6 * std::sqrt(vcov[i * k + i] * vcov[j * k + j]));
        const double err = std::fabs(hac.vcov(i, j) - vcov[i * k + j]) / scale;
        worst_vcov = std::max(worst_vcov, err);
        EXPECT_LT(err, 1e-8) << "vcov " << i << "," << j;
      }
    }
  }
  std::printf("worst relative error: vcov %.3g, automatic bandwidth %.3g\n", worst_vcov, worst_bw);
}

TEST(HacOptions, ValidationNamesTheField) {
  HacOptions o;
  o.bandwidth_rule = BandwidthRule::kFixed;
  o.fixed_bandwidth = 2.5;
  std::string error;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("hac.fixed_bandwidth"), std::string::npos);
  o.kernel = HacKernel::kQuadraticSpectral;
  EXPECT_TRUE(o.IsValid(&error));
  o.fixed_bandwidth = 0.0;
  EXPECT_FALSE(o.IsValid(&error));
}

TEST(HacEnums, RoundTrip) {
  for (HacKernel k : {HacKernel::kBartlett, HacKernel::kParzen, HacKernel::kQuadraticSpectral}) {
    EXPECT_EQ(HacKernelFromString(ToString(k)), k);
  }
  for (BandwidthRule r : {BandwidthRule::kFixed, BandwidthRule::kNeweyWest1994, BandwidthRule::kAndrews1991}) {
    EXPECT_EQ(BandwidthRuleFromString(ToString(r)), r);
  }
  EXPECT_FALSE(HacKernelFromString("gaussian").has_value());
}

TEST(Hac, LagZeroWithoutPrewhiteIsWhite) {
  // Bartlett with lag 0 and no prewhitening is White's HC0 estimator:
  // (X'X)^-1 (sum u_t^2 x_t x_t') (X'X)^-1.
  const int n = 40;
  const Design d = MakeDesign(n, {TrendRegressors::kTrend, false, std::nullopt});
  Eigen::VectorXd y(n);
  for (int t = 0; t < n; ++t) y[t] = 1.0 + 0.1 * t + std::sin(1.7 * t) * (1 + 0.05 * t);
  const OlsResult ols = FitOls(d.X, y, d.names);
  HacOptions o;
  o.bandwidth_rule = BandwidthRule::kFixed;
  o.fixed_bandwidth = 0;
  o.prewhite = false;
  const HacResult hac = ComputeHac(d.X, ols, o);
  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(2, 2);
  for (int t = 0; t < n; ++t) meat += ols.residuals[t] * ols.residuals[t] * d.X.row(t).transpose() * d.X.row(t);
  const Eigen::MatrixXd white = ols.xtx_inverse * meat * ols.xtx_inverse;
  EXPECT_LT((hac.vcov - white).norm() / white.norm(), 1e-12);
  EXPECT_NE(hac.estimator.find("Bartlett"), std::string::npos);
  EXPECT_NE(hac.estimator.find("no prewhitening"), std::string::npos);
  EXPECT_NE(hac.FullReport().find("lag L = 0"), std::string::npos);
}

}  // namespace
}  // namespace chokepoint::robustness

namespace chokepoint::robustness {
namespace {

// Degenerate series get a clear input error instead of a crash (an all-zero
// series has no residual variance; 1e308 overflows the squares).
TEST(HacDegenerate, AllZeroAndHugeValuesAreInputErrors) {
  for (const bool huge : {false, true}) {
    Eigen::VectorXd y = Eigen::VectorXd::Zero(60);
    if (huge) {
      for (int t = 0; t < 60; ++t) y(t) = t + 1.0;
      y(59) = 1e308;
    }
    DesignSpec spec;
    spec.regressors = TrendRegressors::kTrend;
    const Design d = MakeDesign(60, spec);
    const OlsResult ols = FitOls(d.X, y);
    try {
      ComputeHac(d.X, ols, HacOptions{});
      ADD_FAILURE() << "expected an input error (huge = " << huge << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_NE(std::string(e.what()).find(huge ? "non-finite" : "residuals are zero"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace chokepoint::robustness
