// The data-generating process (docs/method.md §8.1-8.3): HS8 x month
// panels with a known truth, for the embedded default run, demos, tests and
// Monte Carlo studies of the method.
//
// Per block b (a technology group or a background block) and month t = 0..T-1
// of the scenario, on the log scale:
//
//   log m_b(t) = log level_usd                                    (level)
//              + trend(t)                                         (piecewise linear)
//              + seasonality * season[month(t)]                   (12 month effects)
//              - lny_dip * LunarNewYearWeight(month(t))           (moving holiday)
//              + sum_k A_k 2^(-(t - onset_k) / h_k) [t >= onset_k] (transient surges)
//   trend(t)   = sum over segments of slope_per_year / 12 * (months of t spent in the segment),
//                a kink at each break month B (continuous trend): with one break,
//                trend(t) = s0/12 min(t, B) + s1/12 max(0, t - B), t and B in months;
//   m_b(t)    *= annual_totals_usd[y] / sum_{t in year y} m_b(t)  if totals are given.
//
// Member code c with share s_c: truth_c(t) = s_c m_b(t) (the noise-free path).
// Observed: x_c(t) = truth_c(t) exp(u_c(t) - var(u)/2), with AR(1) noise
// u_c(t) = rho u_c(t-1) + sigma e_c(t), u_c(0) ~ N(0, sigma^2 / (1 - rho^2)),
// so E[x_c(t)] = truth_c(t). With benchmark_annual, x_c is then rescaled per
// calendar year so that its year total equals truth_c's.
//
// Randomness: code c's normals come only from RandomStream(seed, c as an
// 8-digit integer, 0), so a code's values do not depend on the order of codes
// in the scenario nor on the thread count (codes are simulated in parallel).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chokepoint/core/panel.h"
#include "chokepoint/core/scenario.h"

namespace chokepoint {

// Lunar New Year (first day of the first lunar month) for 2010..2030.
std::optional<int> LunarNewYearDayOfYear(int year);  // 1-based day of year, nullopt outside the table
// Share of the Lunar New Year holiday window that falls in each month of
// `year`: the window is the 21 days from 7 days before LNY to 13 days after
// (factory closures before, slow restart after), so the shares over January,
// February and March sum to 1. Throws a usage error outside 2010..2030.
std::array<double, 12> LunarNewYearWeights(int year);

// The noise-free components of one block, each T months long, log scale.
struct BlockTruth {
  int group_id = 0;          // 0 for background
  std::string name;
  std::string category;      // background blocks: intended goods category
  std::vector<HsCode> codes; // its member codes
  std::vector<double> shares;
  std::vector<double> log_level_trend;  // log level + trend(t)
  std::vector<double> log_season;       // seasonality * season - lny_dip * LNY weight
  std::vector<double> log_surge;        // sum of surge pulses
  std::vector<double> log_annual;       // log of the annual_totals rescaling (0 when unused)
  std::vector<double> path;             // m_b(t) in US$ = exp(sum of the four)
};

struct SimulationTruth {
  YearMonth first_month;
  int num_months = 0;
  // Noise-free path of every panel code (same row order as the panel), US$.
  std::vector<double> code_paths;       // codes x months
  // Technology groups in scenario order: ids, names, noise-free sums of members.
  std::vector<int> group_ids;
  std::vector<std::string> group_names;
  std::vector<double> group_paths;      // groups x months
  // Every block (groups first, then background) with its components.
  std::vector<BlockTruth> blocks;

  std::span<const double> group_path(int g) const {
    return std::span<const double>(group_paths).subspan(static_cast<size_t>(g) * num_months, num_months);
  }
  std::span<const double> code_path(int row) const {
    return std::span<const double>(code_paths).subspan(static_cast<size_t>(row) * num_months, num_months);
  }
};

struct SimulationResult {
  Panel panel;              // codes sorted ascending, every cell present
  SimulationTruth truth;
  Scenario scenario;        // the scenario that ran (defaults applied)
  uint64_t seed = 0;
  std::string FullReport() const;  // text: scenario, seed, blocks, codes, totals
};

// Simulates the scenario. Codes are sorted ascending in the panel; provenance
// says synthetic, with the scenario name and the seed.
SimulationResult Simulate(const Scenario& scenario, uint64_t seed);
// Noise-free path of one block (exposed for tests and calibration scripts).
BlockTruth BlockNoiseFreePath(const SeriesBlock& block, YearMonth first_month, int num_months);
// "synthetic: scenario paper2025, seed 1"
std::string SyntheticLabel(const std::string& scenario_name, uint64_t seed);

// A panel file (WritePanelH5's layout) plus /simulation, written atomically.
void WriteSimulationH5(const SimulationResult& result, const std::filesystem::path& path);

// The embedded default panel: scenario paper2025 from DataDirectory(), seed.
Panel DefaultPanel(uint64_t seed = 1);
SimulationResult DefaultSimulation(uint64_t seed = 1);

}  // namespace chokepoint
