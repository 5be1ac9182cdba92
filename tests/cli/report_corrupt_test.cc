// `report` on a run or sweep file whose datasets were damaged or changed by
// another program: every case is an input error naming the file, the
// dataset and the shapes (exit 2), never a crash or a report of garbage.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "chokepoint/core/h5.h"
#include "cli_test_util.h"

namespace chokepoint {
namespace {

using testing::RunChokepoint;
using testing::TempDir;

struct Damage {
  std::string dataset;
  std::function<void(hid_t file, const std::string& path)> write;  // the replacement
  std::string expected;                                            // in the error message
};

void Replace(const std::filesystem::path& file, const Damage& d) {
  h5::File f = h5::File::OpenReadWrite(file);
  ASSERT_GE(H5Ldelete(f.id(), d.dataset.c_str(), H5P_DEFAULT), 0) << d.dataset;
  d.write(f.id(), d.dataset);
  f.Close();
}

TEST(ReportCorruptFile, EveryDamagedDatasetIsNamedWithItsShape) {
  const auto dir = TempDir("report_corrupt");
  const auto run = dir / "run.h5";
  ASSERT_EQ(RunChokepoint("run --replicates 40 --set bootstrap.keep_replicates=true --out " + run.string()).exit_code, 0);
  auto doubles = [](std::vector<double> v, std::vector<hsize_t> dims = {}) {
    return [v, dims](hid_t f, const std::string& p) { h5::WriteDoubles(f, p, v, dims); };
  };
  auto strings = [](size_t n) {
    return [n](hid_t f, const std::string& p) { h5::WriteStrings(f, p, std::vector<std::string>(n, "x")); };
  };
  const std::vector<Damage> cases = {
      {"/bootstrap/V_point", doubles({}), "/bootstrap/V_point has shape (0,), expected (17,)"},
      {"/bootstrap/regime_probability", doubles(std::vector<double>(51, 0.3)),
       "/bootstrap/regime_probability has shape (51,), expected (17, 3)"},
      {"/bootstrap/intervals/bca", doubles(std::vector<double>(68, 0.1), {4, 17}),
       "/bootstrap/intervals/bca has shape (4, 17), expected (17, 4)"},
      {"/bootstrap/V_replicates", doubles(std::vector<double>(17 * 39, 0.1), {17, 39}),
       "/bootstrap/V_replicates has shape (17, 39), expected (17, 40)"},
      // Found by fuzz_run_file: a count cast from -1e308 was undefined behaviour.
      {"/bootstrap/valid_replicates", doubles(std::vector<double>(17, -1e308)),
       "/bootstrap/valid_replicates holds -1e+308 in row 0, expected a replicate count"},
      {"/indices/status", strings(0), "/indices/status has shape (0,), expected (17,)"},
      {"/indices/V", strings(17), "/indices/V holds strings, expected numbers"},
      {"/groups/category", strings(16), "/groups/category has shape (16,), expected (17,)"},
      {"/aggregate/capital_adjusted_pct_gdp", doubles({1.23}),
       "/aggregate/capital_adjusted_pct_gdp has shape (1,), expected (10,)"},
      {"/batches/series/values", doubles(std::vector<double>(10, 1.0)),
       "/batches/series/values has shape (10,), expected (3, 120)"},
      {"/batches/codes/V", doubles({}), "/batches/codes/V has shape (0,), expected ("},
  };
  for (const Damage& d : cases) {
    const auto damaged = dir / "damaged.h5";
    std::filesystem::copy_file(run, damaged, std::filesystem::copy_options::overwrite_existing);
    Replace(damaged, d);
    const auto r = RunChokepoint("report " + damaged.string());
    EXPECT_EQ(r.exit_code, 2) << d.dataset << ": " << r.err;
    EXPECT_NE(r.err.find(damaged.string() + ": HDF5 dataset " + d.expected), std::string::npos)
        << d.dataset << ": " << r.err;
    EXPECT_EQ(r.out.find("| "), std::string::npos) << "no partial report table on stdout: " << d.dataset;
  }
  // An attribute of the wrong class or with more than one value is an input
  // error naming it (a string where a number belongs failed inside H5Aread
  // as an internal error; an array read into one value overran it).
  for (int k = 0; k < 2; ++k) {
    const auto bad = dir / "bad_attribute.h5";
    std::filesystem::copy_file(run, bad, std::filesystem::copy_options::overwrite_existing);
    {
      h5::File f = h5::File::OpenReadWrite(bad);
      h5::Handle b(H5Gopen2(f.id(), "/bootstrap", H5P_DEFAULT));
      ASSERT_GE(H5Adelete(b.id(), k == 0 ? "scheme" : "replicates"), 0);
      if (k == 0) {
        h5::WriteAttribute(b.id(), "scheme", int64_t{7});
      } else {
        const hsize_t n = 3;
        h5::Handle space(H5Screate_simple(1, &n, nullptr));
        h5::Handle a(H5Acreate2(b.id(), "replicates", H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT));
        const int64_t v[3] = {40, 40, 40};
        ASSERT_GE(H5Awrite(a.id(), H5T_NATIVE_INT64, v), 0);
      }
      f.Close();
    }
    const auto r = RunChokepoint("report " + bad.string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(k == 0 ? ":scheme is not a string" : ":replicates holds 3 values, expected one"),
              std::string::npos)
        << r.err;
  }
  // A dataset that is missing altogether names the file too.
  const auto missing = dir / "missing.h5";
  std::filesystem::copy_file(run, missing);
  {
    h5::File f = h5::File::OpenReadWrite(missing);
    ASSERT_GE(H5Ldelete(f.id(), "/bootstrap/G_sd", H5P_DEFAULT), 0);
    f.Close();
  }
  const auto r = RunChokepoint("report " + missing.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(missing.string() + ": HDF5 dataset /bootstrap/G_sd not found"), std::string::npos) << r.err;
}

TEST(ReportCorruptFile, SweepFileShapesAndTippingPositionsAreChecked) {
  const auto dir = TempDir("report_corrupt_sweep");
  const auto sweep = dir / "sweep.h5";
  ASSERT_EQ(RunChokepoint("sweep --replicates 20 --growth-axis 0:0.2:0.1 --out " + sweep.string()).exit_code, 0);
  {
    const auto damaged = dir / "share.h5";
    std::filesystem::copy_file(sweep, damaged);
    Replace(damaged, {"/sweep/regime_share_point",
                      [](hid_t f, const std::string& p) { h5::WriteDoubles(f, p, std::vector<double>(17, 0.5)); },
                      ""});
    const auto r = RunChokepoint("report " + damaged.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/sweep/regime_share_point has shape (17,), expected (17, 3)"), std::string::npos) << r.err;
  }
  {
    const auto damaged = dir / "position.h5";
    std::filesystem::copy_file(sweep, damaged);
    h5::File f = h5::File::OpenReadWrite(damaged);
    h5::Handle g(H5Gopen2(f.id(), "/sweep/tipping/growth", H5P_DEFAULT));
    ASSERT_GE(H5Adelete(g.id(), "default_position"), 0);
    h5::WriteAttribute(g.id(), "default_position", int64_t{99});
    g = h5::Handle();
    f.Close();
    const auto r = RunChokepoint("report " + damaged.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(damaged.string() + ": /sweep/tipping/growth: default_position 99 is outside its"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace chokepoint
