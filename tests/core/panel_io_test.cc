#include "chokepoint/core/panel_io.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

TEST(PanelIo, H5RoundTripKeepsMissingCellsAndProvenance) {
  Panel p({*HsCode::Parse("84561100"), *HsCode::Parse("01012100")}, YearMonth{2015, 11}, 3);
  p.Set(0, 0, 1.5);
  p.Set(0, 2, 2.25e9);
  p.Set(1, 1, 0.0);  // a present zero differs from a missing cell
  p.provenance.synthetic = true;
  p.provenance.label = "synthetic: scenario test, seed 7";
  p.provenance.seed = 7;
  const testing::ScopedTempDir dir("panel_io");
  const auto path = dir / "panel.h5";
  WritePanelH5(p, path);
  // No temporary file is left behind (AtomicOutput writes
  // ".panel.h5.chokepoint-tmp-<pid>-XXXXXX" beside it): the file is alone.
  std::vector<std::string> entries;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) entries.push_back(e.path().filename().string());
  EXPECT_EQ(entries, (std::vector<std::string>{"panel.h5"}));
  const Panel q = ReadPanelH5(path);
  ASSERT_EQ(q.num_codes(), 2);
  ASSERT_EQ(q.num_months(), 3);
  EXPECT_EQ(q.first_month(), (YearMonth{2015, 11}));
  EXPECT_EQ(q.codes()[1].ToString(), "01012100");
  EXPECT_TRUE(q.present(0, 0));
  EXPECT_FALSE(q.present(0, 1));
  EXPECT_DOUBLE_EQ(q.value(0, 2), 2.25e9);
  EXPECT_TRUE(q.present(1, 1));
  EXPECT_FALSE(q.present(1, 0));
  EXPECT_TRUE(q.provenance.synthetic);
  EXPECT_EQ(q.provenance.label, "synthetic: scenario test, seed 7");
  EXPECT_EQ(q.provenance.seed, 7u);
}

TEST(PanelIo, MissingFileIsAnInputError) {
  EXPECT_THROW(ReadPanelH5("/nonexistent/dir/x.h5"), Error);
}

}  // namespace
}  // namespace chokepoint
