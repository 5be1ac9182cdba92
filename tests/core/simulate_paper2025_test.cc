// The calibrated default scenario: every group in its cell of the talk's
// matrix with margin for seeds 1..20, and the aggregate shares of GDP of
// docs/method.md §8.4 (capital / intermediate categories from the UN BEC tables, in the
// golden file written by scripts/calibrate_paper2025.py).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/simulate.h"

namespace chokepoint {
namespace {

struct Cell {
  VolatilityLevel v;
  GrowthLevel g;
  bool semiconductor;
  Regime regime;
};

// docs/method.md §3.5: the talk's table and regimes.
const std::map<int, Cell>& ExpectedCells() {
  using V = VolatilityLevel;
  using G = GrowthLevel;
  using R = Regime;
  static const std::map<int, Cell> cells = {
      {1, {V::kMedium, G::kLow, true, R::kSubstitution}},    // Passive Components
      {2, {V::kMedium, G::kHigh, true, R::kStockpiling}},    // Integrated Circuits (override)
      {3, {V::kHigh, G::kHigh, true, R::kStockpiling}},      // Silicon Processing
      {4, {V::kHigh, G::kHigh, false, R::kStockpiling}},     // Energy Equipment
      {5, {V::kMedium, G::kHigh, false, R::kNoEffect}},      // Laser/Optical
      {6, {V::kHigh, G::kHigh, true, R::kStockpiling}},      // Lithography
      {7, {V::kMedium, G::kLow, false, R::kSubstitution}},   // Telecom
      {8, {V::kHigh, G::kHigh, true, R::kStockpiling}},      // Cleanroom
      {9, {V::kLow, G::kHigh, false, R::kNoEffect}},         // Fluid Control
      {10, {V::kLow, G::kLow, false, R::kSubstitution}},     // Bearings/Alloy Steel
      {11, {V::kHigh, G::kHigh, true, R::kStockpiling}},     // Hot/Cold
      {12, {V::kLow, G::kLow, false, R::kSubstitution}},     // Polymers
      {13, {V::kLow, G::kLow, false, R::kSubstitution}},     // Batteries
      {14, {V::kLow, G::kLow, false, R::kSubstitution}},     // Automotive/Power
      {15, {V::kMedium, G::kHigh, false, R::kNoEffect}},     // Medical/Bio
      {16, {V::kHigh, G::kLow, false, R::kSubstitution}},    // Aviation
      {17, {V::kHigh, G::kHigh, false, R::kStockpiling}},    // Medicaments
  };
  return cells;
}

// Margins to the thresholds (negative: wrong side).
double GrowthMargin(double G) { return std::abs(G - 0.5); }
double VolatilityMargin(double V) {
  return std::min({std::abs(V - 0.24), std::abs(V - 0.30)});
}

TEST(Paper2025, EveryGroupInItsCellWithMarginForSeeds1To20) {
  const Scenario sc = Scenario::Load(kDefaultScenarioName);
  ASSERT_EQ(sc.groups.size(), 17u);
  const IndexSpec spec;     // monthly, first-period base, linear weights, whole window
  const Thresholds thresholds;
  double min_g_margin = 1e9, min_v_margin = 1e9;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const SimulationResult r = Simulate(sc, seed);
    EXPECT_TRUE(r.panel.provenance.synthetic);
    for (size_t g = 0; g < sc.groups.size(); ++g) {
      const SeriesBlock& block = sc.groups[g];
      // Group series = sum of member codes (what AggregateGroups does).
      std::vector<double> x(r.panel.num_months(), 0.0);
      for (const auto& m : block.members) {
        const int row = r.panel.RowOf(m.code);
        ASSERT_GE(row, 0);
        for (int t = 0; t < r.panel.num_months(); ++t) x[t] += r.panel.value(row, t);
      }
      const IndexValues iv = ComputeSeriesIndices(x, {}, r.panel.first_month(), spec);
      ASSERT_TRUE(iv.ok());
      const Cell& want = ExpectedCells().at(block.group_id);
      const Classification c = Classify(iv.V, iv.G, want.semiconductor, thresholds);
      EXPECT_EQ(c.volatility, want.v) << block.name << " seed " << seed << " V=" << iv.V;
      EXPECT_EQ(c.growth, want.g) << block.name << " seed " << seed << " G=" << iv.G;
      EXPECT_EQ(c.regime, want.regime) << block.name << " seed " << seed;
      EXPECT_GE(GrowthMargin(iv.G), 0.05) << block.name << " seed " << seed << " G=" << iv.G;
      EXPECT_GE(VolatilityMargin(iv.V), 0.02) << block.name << " seed " << seed << " V=" << iv.V;
      min_g_margin = std::min(min_g_margin, GrowthMargin(iv.G));
      min_v_margin = std::min(min_v_margin, VolatilityMargin(iv.V));
    }
  }
  RecordProperty("min_growth_margin", std::to_string(min_g_margin));
  RecordProperty("min_volatility_margin", std::to_string(min_v_margin));
  std::printf("paper2025 seeds 1..20: min |G - 0.5| = %.4f, min V distance to 0.24/0.30 = %.4f\n",
              min_g_margin, min_v_margin);
}

struct CodeInfo {
  std::string category;
  bool semiconductor = false;
};

std::map<uint32_t, CodeInfo> ReadCategories() {
  std::ifstream in(std::string(CHOKEPOINT_TEST_DATA_DIR) + "/simulate/paper2025_code_categories.csv");
  std::map<uint32_t, CodeInfo> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("hs8", 0) == 0) continue;
    std::stringstream ss(line);
    std::string code, cat, semi;
    std::getline(ss, code, ',');
    std::getline(ss, cat, ',');
    std::getline(ss, semi, ',');
    out[static_cast<uint32_t>(std::stoul(code))] = {cat, semi == "1"};
  }
  return out;
}

TEST(Paper2025, AggregateSharesOfGdpReproduceTheTalk) {
  const auto categories = ReadCategories();
  ASSERT_FALSE(categories.empty());
  // World Bank GDP, current US$ (reference/gdp_china.csv; 2024 = 18.74 trillion).
  const double gdp[10] = {11061572618579, 11233313730349, 12310491333981, 13894907857881, 14279968506272,
                          14687744162801, 17820459508852, 17881783387001, 17794781986104, 18.74e12};
  for (uint64_t seed : {1u, 2u, 17u}) {
    const SimulationResult r = Simulate(Scenario::Load(kDefaultScenarioName), seed);
    double cap[10] = {}, cap_semi[10] = {}, inter[10] = {}, inter_semi[10] = {};
    for (int row = 0; row < r.panel.num_codes(); ++row) {
      auto it = categories.find(r.panel.codes()[row].value());
      ASSERT_NE(it, categories.end()) << r.panel.codes()[row].ToString() << " has no category";
      for (int t = 0; t < r.panel.num_months(); ++t) {
        const int y = r.panel.month(t).year - 2015;
        const double v = r.panel.value(row, t);
        if (it->second.category == "capital") {
          cap[y] += v;
          if (it->second.semiconductor) cap_semi[y] += v;
        } else if (it->second.category == "intermediate") {
          inter[y] += v;
          if (it->second.semiconductor) inter_semi[y] += v;
        }
      }
    }
    auto pct = [&](const double* a, int y) { return 100.0 * a[y] / gdp[y]; };
    double adj_cap[10], adj_int[10], combined[10];
    for (int y = 0; y < 10; ++y) {
      adj_cap[y] = cap[y] - cap_semi[y];
      adj_int[y] = inter[y] - inter_semi[y];
      combined[y] = adj_cap[y] + adj_int[y];
    }
    const double tol = 0.02;
    EXPECT_NEAR(pct(adj_cap, 0), 2.06, tol);
    EXPECT_NEAR(pct(adj_cap, 9), 1.27, tol);
    EXPECT_NEAR(pct(adj_int, 0), 6.40, tol);
    EXPECT_NEAR(pct(adj_int, 9), 5.26, tol);
    EXPECT_NEAR(pct(combined, 0), 8.46, tol);
    EXPECT_NEAR(pct(combined, 9), 6.53, tol);
    EXPECT_GT(pct(combined, 9), pct(combined, 8));  // the 2024 uptick
    EXPECT_NEAR(pct(cap_semi, 0), 0.09, tol);
    EXPECT_NEAR(pct(cap_semi, 9), 0.16, tol);
    EXPECT_NEAR(pct(inter_semi, 0), 1.85, tol);
    EXPECT_NEAR(pct(inter_semi, 9), 1.64, tol);
    double peak = 0;
    for (int y = 0; y < 10; ++y) peak = std::max(peak, pct(inter_semi, y));
    EXPECT_NEAR(peak, 2.12, tol);
  }
}

TEST(Paper2025, DefaultPanelIsLabelledSynthetic) {
  const Panel p = DefaultPanel();
  EXPECT_TRUE(p.provenance.synthetic);
  EXPECT_EQ(p.provenance.label, "synthetic: scenario paper2025, seed 1");
  EXPECT_EQ(p.first_month(), (YearMonth{2015, 1}));
  EXPECT_EQ(p.num_months(), 120);
  EXPECT_EQ(p.num_present(), static_cast<size_t>(p.num_codes()) * 120);
}

}  // namespace
}  // namespace chokepoint

namespace chokepoint {
namespace {

// The scenario's groups hold exactly the catalog's member codes, so that
// AggregateGroups over the default catalog sums what the calibration summed.
TEST(Paper2025, GroupMembersAreTheDefaultCatalogs) {
  // data/catalog/members.csv ships with the project; the tests find the data
  // as the installed tool does (build/share/chokepoint links to data/).
  const auto path = DataDirectory() / "catalog" / "members.csv";
  ASSERT_TRUE(std::filesystem::is_regular_file(path)) << "the shipped catalog " << path << " is missing";
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header: code,group_id,...
  ASSERT_EQ(line.rfind("code,group_id", 0), 0u) << line;
  std::map<int, std::set<uint32_t>> catalog;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t c1 = line.find(',');
    const size_t c2 = line.find(',', c1 + 1);
    catalog[std::stoi(line.substr(c1 + 1, c2 - c1 - 1))].insert(
        static_cast<uint32_t>(std::stoul(line.substr(0, c1))));
  }
  ASSERT_EQ(catalog.size(), ExpectedCells().size()) << "groups in " << path;
  const Scenario sc = Scenario::Load(kDefaultScenarioName);
  std::map<int, std::set<uint32_t>> scenario;
  for (const auto& g : sc.groups)
    for (const auto& m : g.members) scenario[g.group_id].insert(m.code.value());
  EXPECT_EQ(scenario, catalog) << "re-run scripts/calibrate_paper2025.py after a catalog change";
}

}  // namespace
}  // namespace chokepoint
