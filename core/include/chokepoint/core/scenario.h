// Simulation scenarios: the parameters of the data-generating process (see
// simulate.h) for every technology group and every "background" block of
// ordinary HS codes, read from TOML files under data/scenarios/.
//
// File layout (every key is documented in data/scenarios/README.md):
//
//   name = "paper2025"             first_month = "2015-01"   last_month = "2024-12"
//   benchmark_annual = true        # optional, default false
//   [defaults]                     # shape keys inherited by every block
//   [[group]]   id = 2  name = ".."  level_usd = ..  slope = ..  breaks = [..]
//               season = [12]  seasonality = ..  lny_dip = ..  surges = [..]
//               rho = ..  sigma = ..  annual_totals_usd = [..]
//               members = [ { code = "85423190", share = 0.4 }, .. ]
//   [[background]] name = ".."  category = "capital"  (same shape keys, members)
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/hs_code.h"
#include "chokepoint/core/period.h"

namespace chokepoint {

// From `month` on, the log-scale trend has slope `slope_per_year` (the trend
// stays continuous: only its slope changes).
struct SlopeBreak {
  YearMonth month;
  double slope_per_year = 0.0;
};

// A transient surge on the log scale: amplitude * 2^(-(t - onset) / half_life)
// for months t >= onset (t counted in months), 0 before the onset. A positive
// amplitude is a stockpiling rush that reverts; a negative one a slump.
struct Surge {
  YearMonth onset;
  double amplitude = 0.0;
  double half_life_months = 6.0;
};

// The noise-free shape of a block's monthly US$ path plus its AR(1) noise.
struct SeriesShape {
  // Noise-free monthly US$ value of the whole block at the scenario's first
  // month, before seasonal and surge effects (exp of the log level).
  double level_usd = 0.0;
  // Log-scale trend slope per year from the first month (0.1 ~ +10.5 %/year).
  double slope_per_year = 0.0;
  std::vector<SlopeBreak> breaks;  // sorted by month
  // Log-scale month effects, January..December, used as given (not centred),
  // each multiplied by `seasonality`.
  std::array<double, 12> season{};
  // Strength of the seasonal profile (0 switches it off).
  double seasonality = 1.0;
  // Depth of the Lunar New Year dip on the log scale (0.1 ~ -10 % over the
  // holiday window); see LunarNewYearWeights in simulate.h.
  double lny_dip = 0.0;
  std::vector<Surge> surges;
  // AR(1) noise on the log scale: u_t = rho u_{t-1} + sigma e_t, stationary
  // start; the multiplicative factor exp(u_t - var(u)/2) has mean 1.
  double rho = 0.5;     // monthly persistence, a typical trade series value
  double sigma = 0.05;  // innovation SD, about 5 % month-to-month noise
  // Optional: one US$ total per calendar year of the scenario period; the
  // noise-free path is rescaled year by year to these totals (how background
  // blocks carry the economy's annual capital / intermediate imports).
  std::vector<double> annual_totals_usd;
};

struct MemberShare {
  HsCode code;
  double share = 0.0;  // share of the block's value; shares of a block sum to 1
};

// One technology group (group_id > 0, a catalog group id) or one background
// block (group_id == 0) of ordinary codes outside the catalog.
struct SeriesBlock {
  int group_id = 0;
  std::string name;
  // Background blocks: the goods category their codes are meant to carry
  // ("capital" / "intermediate"), informational; the BEC mapping decides.
  std::string category;
  SeriesShape shape;
  std::vector<MemberShare> members;
  bool is_background() const { return group_id == 0; }
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // where it was read from ("" if built in code)
  YearMonth first_month{2015, 1};
  YearMonth last_month{2024, 12};
  // Pro-rata annual benchmarking: each simulated code's months are rescaled
  // per calendar year so that the year's total equals its noise-free total.
  // Month-to-month noise stays; year-to-year noise in annual totals goes, so
  // annual aggregates (shares of GDP) are exact. Off by default: Monte Carlo
  // studies want the plain AR(1) process.
  bool benchmark_annual = false;
  std::vector<SeriesBlock> groups;
  std::vector<SeriesBlock> background;

  int num_months() const { return MonthsBetween(first_month, last_month) + 1; }
  // Checks ranges and consistency; on failure names the field in *error
  // (e.g. "group[2].members[0].share").
  bool IsValid(std::string* error) const;
  // The resolved scenario (defaults applied), loadable again by FromToml.
  toml::table ToToml() const;

  // Parses a scenario; errors name file:line:column and the key.
  static Scenario FromToml(const toml::table& root, const std::string& file);
  static Scenario LoadFile(const std::filesystem::path& path);
  // A bare name ("paper2025") is looked up as DataDirectory()/scenarios/NAME.toml;
  // anything with a '/' or ending in ".toml" is a file path.
  static Scenario Load(std::string_view name_or_file);
  // Names of the scenarios shipped in DataDirectory()/scenarios.
  static std::vector<std::string> ListShipped();
};

// Years with tabulated Lunar New Year dates (simulate.h).
inline constexpr int kLnyTableFirstYear = 2010;
inline constexpr int kLnyTableLastYear = 2030;

// The name of the calibrated default scenario.
inline constexpr std::string_view kDefaultScenarioName = "paper2025";

}  // namespace chokepoint
