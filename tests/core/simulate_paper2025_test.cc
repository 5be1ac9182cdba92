// Calibration checks of the default scenario, named as such: the scenario was
// fitted (scripts/calibrate_paper2025.py) to put every group in its cell of
// the talk's matrix and to give the talk's shares of GDP, so these tests show
// the fit holds (for seeds 1..20, and seeds 1, 2 and 17), not that the method
// is right. The share targets and GDP are read from the targets file the
// calibration wrote (tests/data/simulate/paper2025_targets.csv); capital /
// intermediate categories come from the UN BEC tables (docs/method.md §8.4).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

TEST(Paper2025Calibration, EveryGroupInItsCellWithMarginForSeeds1To20) {
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

// year -> column -> value, from the calibration's targets file.
std::map<int, std::map<std::string, double>> ReadTargets() {
  std::ifstream in(std::string(CHOKEPOINT_TEST_DATA_DIR) + "/simulate/paper2025_targets.csv");
  std::map<int, std::map<std::string, double>> out;
  std::vector<std::string> header;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::vector<std::string> cells;
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    if (header.empty()) {
      header = cells;
      continue;
    }
    for (size_t k = 1; k < cells.size() && k < header.size(); ++k) out[std::stoi(cells[0])][header[k]] = std::stod(cells[k]);
  }
  return out;
}

TEST(Paper2025Calibration, AggregateSharesOfGdpMatchTheTargetsFile) {
  const auto categories = ReadCategories();
  ASSERT_FALSE(categories.empty());
  const auto targets = ReadTargets();
  ASSERT_EQ(targets.size(), 10u);  // 2015..2024
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
    // Every year and every target column, within 0.02 points of GDP.
    const double tol = 0.02;
    double peak_semi_intermediate = 0, peak_target = 0;
    for (const auto& [year, want] : targets) {
      const int y = year - 2015;
      ASSERT_GE(y, 0);
      ASSERT_LT(y, 10);
      const double gdp = want.at("gdp_usd");
      auto pct = [&](double usd) { return 100.0 * usd / gdp; };
      EXPECT_NEAR(pct(cap[y] - cap_semi[y]), want.at("adjusted_capital"), tol) << year << " seed " << seed;
      EXPECT_NEAR(pct(inter[y] - inter_semi[y]), want.at("adjusted_intermediate"), tol) << year << " seed " << seed;
      EXPECT_NEAR(pct(cap_semi[y]), want.at("semi_capital"), tol) << year << " seed " << seed;
      EXPECT_NEAR(pct(inter_semi[y]), want.at("semi_intermediate"), tol) << year << " seed " << seed;
      peak_semi_intermediate = std::max(peak_semi_intermediate, pct(inter_semi[y]));
      peak_target = std::max(peak_target, want.at("semi_intermediate"));
    }
    EXPECT_NEAR(peak_semi_intermediate, peak_target, tol);
    // The talk's 2024 uptick of the adjusted total.
    const double gdp23 = targets.at(2023).at("gdp_usd"), gdp24 = targets.at(2024).at("gdp_usd");
    EXPECT_GT((cap[9] - cap_semi[9] + inter[9] - inter_semi[9]) / gdp24,
              (cap[8] - cap_semi[8] + inter[8] - inter_semi[8]) / gdp23);
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
