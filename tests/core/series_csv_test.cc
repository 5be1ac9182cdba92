#include "chokepoint/core/series_csv.h"

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"

namespace chokepoint {
namespace {

TEST(SeriesCsv, HeaderlessSingleColumn) {
  const SeriesCsv s = ParseSeriesCsv("1.5\n2\n-3e2\n\n", "x.csv");
  EXPECT_EQ(s.values, (std::vector<double>{1.5, 2.0, -300.0}));
  EXPECT_TRUE(s.column.empty());
  EXPECT_FALSE(s.first_month.has_value());
}

TEST(SeriesCsv, HeaderValueColumnAndMonths) {
  const SeriesCsv s = ParseSeriesCsv("\xEF\xBB\xBFmonth,value,other\r\n2019-11,1,9\r\n2019-12,2,8\r\n2020-01,3,7\r\n", "x.csv");
  EXPECT_EQ(s.values, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(s.column, "value");
  ASSERT_TRUE(s.first_month.has_value());
  EXPECT_EQ(s.first_month->ToString(), "2019-11");
  const SeriesCsv o = ParseSeriesCsv("month,value,other\n2019-11,1,9\n2019-12,2,8\n", "x.csv", "other");
  EXPECT_EQ(o.values, (std::vector<double>{9, 8}));
}

TEST(SeriesCsv, ErrorsCarryFileLineColumn) {
  try {
    ParseSeriesCsv("a,b\n1,2\n3,x\n", "x.csv", "b");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "x.csv:3:3: not a finite number: \"x\"");
  }
  EXPECT_THROW(ParseSeriesCsv("a,b\n1,2\n", "x.csv"), Error);           // no "value" column
  EXPECT_THROW(ParseSeriesCsv("value\n1\n", "x.csv", "nosuch"), Error);  // unknown column
  EXPECT_THROW(ParseSeriesCsv("month,value\n2020-01,1\n2020-03,2\n", "x.csv"), Error);  // gap
  EXPECT_THROW(ParseSeriesCsv("value\n1\n2,3\n", "x.csv"), Error);       // ragged row
  EXPECT_THROW(ParseSeriesCsv("value\n", "x.csv"), Error);               // no values
  EXPECT_THROW(ReadSeriesCsv("/nonexistent/file.csv"), Error);
}

TEST(SeriesCsv, ValuesBeyondTheSquarableRangeAreRefusedAtTheirCell) {
  // 1e150 squared is near the largest double: beyond it V, the variances and
  // the regressions overflow to inf (or underflow to 0) silently.
  EXPECT_NO_THROW(ParseSeriesCsv("month,value\n2020-01,1e150\n2020-02,0\n2020-03,-1e-150\n", "ok.csv"));
  for (const std::string bad : {"1e151", "-2e200", "1e-151", "1e308"}) {
    try {
      ParseSeriesCsv("month,value\n2020-01,5\n2020-02," + bad + "\n", "s.csv");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("s.csv:3:2: value "), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("rescale the series"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace chokepoint
