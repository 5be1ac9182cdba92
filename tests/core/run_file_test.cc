// The run file's base contract: written, read back, and reported.
#include "chokepoint/core/run_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

GroupSeries ThreeGroups() {
  GroupSeries s;
  TechnologyGroup a{1, "Alpha", "A", GoodsCategory::kCapital, false};
  TechnologyGroup b{2, "Beta Chips", "B", GoodsCategory::kIntermediate, true};
  TechnologyGroup c{3, "Gamma", "C", GoodsCategory::kIntermediate, false};
  s.groups = {a, b, c};
  s.first_month = YearMonth{2020, 1};
  s.num_months = 4;
  // Alpha: 10, 12, 11, 15 -> V = sqrt(14/3)/12 = 0.18, G = 0.27 (substitution)
  // Beta: 10, 20, 14, 25 -> growth high; semiconductor -> stockpiling
  // Gamma: 0 base -> growth undefined
  s.values = {10, 12, 11, 15, 10, 20, 14, 25, 0, 1, 2, 3};
  s.present.assign(12, 1);
  return s;
}

TEST(RunFile, WritesContractAndReadsBack) {
  const GroupSeries s = ThreeGroups();
  const BaseAnalysis a = AnalyzeGroups(s, IndexSpec{}, Thresholds{});
  ASSERT_TRUE(a.indices[0].ok());
  EXPECT_NEAR(a.indices[0].V, std::sqrt(14.0 / 3.0) / 12.0, 1e-15);
  EXPECT_NEAR(a.indices[0].G, 0.27, 1e-15);
  // Beta: x' = 0, 1, 0.4, 1.5; linear weights: (0 + 2 + 1.2 + 6) / 10 = 0.92
  EXPECT_NEAR(a.indices[1].G, 0.92, 1e-15);
  EXPECT_EQ(a.indices[2].status, IndexStatus::kBaseNotPositive);

  RunMetadata meta;
  meta.config_toml = "[run]\nseed = 3\n";
  meta.seed = 3;
  meta.data_label = "synthetic: scenario unit, seed 3";
  meta.synthetic = true;
  const testing::ScopedTempDir dir("run_file");
  const auto path = dir / "run.h5";
  {
    h5::File f = h5::File::Create(path);
    WriteRunBase(f.id(), meta, s, a);
  }
  h5::File f = h5::File::OpenReadOnly(path);
  const RunBaseView v = ReadRunBase(f.id(), path.string());
  EXPECT_EQ(v.meta.seed, 3u);
  EXPECT_EQ(v.meta.config_toml, meta.config_toml);
  EXPECT_TRUE(v.meta.synthetic);
  EXPECT_EQ(v.group_names[1], "Beta Chips");
  EXPECT_EQ(v.group_categories[0], "capital");
  EXPECT_EQ(v.semiconductor[1], 1);
  EXPECT_EQ(v.months.front(), "2020-01");
  EXPECT_EQ(v.regime[0], "substitution");
  EXPECT_EQ(v.regime[1], "stockpiling");
  EXPECT_EQ(v.regime[2], "undefined");
  EXPECT_EQ(v.status[2], "base_not_positive");
  EXPECT_TRUE(std::isnan(v.G[2]));
  EXPECT_EQ(h5::ReadStringAttribute(f.id(), "schema"), "chokepoint-run/1");
  EXPECT_EQ(h5::Dimensions(f.id(), "/series/values"), (std::vector<hsize_t>{3, 4}));

  const std::string report = FormatBaseReport(v);
  // The data label comes first, marked synthetic.
  EXPECT_LT(report.find("synthetic: scenario unit, seed 3"), report.find("## Growth"));
  EXPECT_NE(report.find("SYNTHETIC"), std::string::npos);
  EXPECT_NE(report.find("| Alpha | capital | no |"), std::string::npos);
  EXPECT_NE(report.find("base_not_positive"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(RunFile, CoverageIsStoredAndStatedFirstInTheReport) {
  GroupSeries s = ThreeGroups();
  s.coverage.resize(3);
  s.min_coverage = 0.75;
  s.coverage[0] = GroupCoverage{4, 4, {8}, {"1"}, {}, false, std::nan(""), CoverageStatus::kComplete};
  s.coverage[1] = GroupCoverage{8, 2, {8}, {"2"}, {}, false, 0.25, CoverageStatus::kPartial};
  s.coverage[2] = GroupCoverage{3, 0, {}, {}, {"8486 (shared with Alpha)"}, false, std::nan(""),
                                CoverageStatus::kUnrepresented};
  const BaseAnalysis a = AnalyzeGroups(s, IndexSpec{}, Thresholds{});
  RunMetadata meta;
  meta.data_label = "ingested: x.csv (customs)";
  meta.data_details = {"source: unit test", "code levels: HS8"};
  const testing::ScopedTempDir dir("run_file_coverage");
  const auto path = dir / "run.h5";
  {
    h5::File f = h5::File::Create(path);
    WriteRunBase(f.id(), meta, s, a);
  }
  h5::File f = h5::File::OpenReadOnly(path);
  const RunBaseView v = ReadRunBase(f.id(), path.string());
  EXPECT_EQ(v.coverage_status, (std::vector<std::string>{"complete", "partial", "unrepresented"}));
  EXPECT_EQ(v.lines_represented, (std::vector<int64_t>{4, 2, 0}));
  EXPECT_EQ(v.meta.data_details, meta.data_details);
  const std::string report = FormatBaseReport(v);
  const size_t coverage = report.find("**Data coverage:** 1 of 3 groups complete (at least 75% of their catalog lines), "
                                      "1 partial, 1 not in the panel");
  ASSERT_NE(coverage, std::string::npos) << report;
  EXPECT_LT(coverage, report.find("## Growth"));
  EXPECT_NE(report.find("Beta Chips (2/8 lines; 25% of the value of the headings holding them)"), std::string::npos)
      << report;
  EXPECT_NE(report.find("Gamma [8486 (shared with Alpha)]"), std::string::npos) << report;
  EXPECT_NE(report.find("- Data: source: unit test"), std::string::npos) << report;
  // The partial group's regime is marked in the matrix, the regime list and the table.
  EXPECT_NE(report.find("Beta Chips *(partial)*"), std::string::npos) << report;
  EXPECT_NE(report.find("stockpiling *partial* | 2/8 | HS8 |"), std::string::npos) << report;
}

TEST(RunFile, RejectsNonRunFile) {
  const testing::ScopedTempDir dir("not_a_run");
  const auto path = dir / "not_a_run.h5";
  { h5::File f = h5::File::Create(path); }
  h5::File f = h5::File::OpenReadOnly(path);
  EXPECT_THROW(ReadRunBase(f.id(), path.string()), Error);
  std::filesystem::remove(path);
}

// A file that opens but whose data cannot be read (a compressed chunk
// overwritten on disk) is the user's damaged input: an input error naming
// the file and the dataset, not an internal error.
TEST(RunFile, UnreadableDatasetIsAnInputErrorNamingFileAndDataset) {
  const testing::ScopedTempDir dir("damaged");
  const auto path = dir / "damaged.h5";
  std::vector<double> values(4096);
  for (size_t i = 0; i < values.size(); ++i) values[i] = std::sin(0.37 * static_cast<double>(i));
  haddr_t chunk_address = 0;
  {
    h5::File f = h5::File::Create(path);
    h5::WriteDoubles(f.id(), "/base/series", values, {}, h5::WriteOptions{.compress = true});
    f.Close();
  }
  {
    h5::File f = h5::File::OpenReadOnly(path);
    ASSERT_EQ(h5::ReadDoubles(f.id(), "/base/series"), values);  // readable before the damage
    h5::Handle ds(H5Dopen2(f.id(), "/base/series", H5P_DEFAULT));
    hsize_t offset[1] = {0}, size = 0;
    unsigned filter_mask = 0;
    h5::Handle space(H5Dget_space(ds.id()));
    ASSERT_GE(H5Dget_chunk_info(ds.id(), space.id(), 0, offset, &filter_mask, &chunk_address, &size), 0);
    ASSERT_GT(size, 16u);
  }
  {
    std::fstream bytes(path, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekp(static_cast<std::streamoff>(chunk_address));
    const std::string garbage(16, '\xff');  // no longer a deflate stream
    bytes.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  h5::File f = h5::File::OpenReadOnly(path);
  try {
    (void)h5::ReadDoubles(f.id(), "/base/series");
    FAIL() << "a damaged chunk was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("/base/series"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace chokepoint
