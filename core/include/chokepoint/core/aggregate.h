// The talk's macro result (docs/method.md §4): imports of capital goods and of
// intermediates per year, in US$ and as % of GDP, with the semiconductor-
// related groups subtracted ("adjusted").
//
// Rule (decided for the project; the paper2025 scenario is calibrated to it):
// every panel code gets one goods category from its BEC mapping (core/bec.h).
// capital_total / intermediate_total sum the panel codes of that category.
// The semiconductor part of a category sums the panel codes that belong to a
// semiconductor-related group of the catalog (members, and their concordance
// predecessors with their weights before the change) AND whose BEC category is
// that category. adjusted = total - semiconductor part;
// combined_adjusted = capital_adjusted + intermediate_adjusted. Missing panel
// cells count as 0 (and are counted); unmapped codes are listed, never summed.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/bec.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/gdp.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint {

// The seven series of /aggregate, in this order.
enum class AggregateSeries {
  kCapitalTotal,
  kCapitalSemiconductor,
  kCapitalAdjusted,
  kIntermediateTotal,
  kIntermediateSemiconductor,
  kIntermediateAdjusted,
  kCombinedAdjusted,
};
inline constexpr int kNumAggregateSeries = 7;
std::string_view ToString(AggregateSeries s);  // "capital_total", ..., "combined_adjusted"
std::optional<AggregateSeries> AggregateSeriesFromString(std::string_view s);
std::string_view DisplayName(AggregateSeries s);  // "Capital goods, adjusted", ...

// [aggregate] in the run configuration.
struct AggregateOptions {
  // HS -> BEC tables in priority order; empty: data/bec HS2022 then HS2017
  // (HS2022 decides for codes it lists, HS2017 is the fallback).
  std::vector<std::string> bec_tables;
  // Override table (hs6,bec,note); empty: data/bec/overrides.csv (ICs as BEC
  // 42, like the talk); "none": no overrides.
  std::string bec_overrides;
  // How n:n codes get one class; "majority" is documented in data/bec/ORIGIN.md.
  BecNnRule nn_rule = BecNnRule::kMajority;
  // GDP file; empty: data/gdp/china_gdp.csv.
  std::string gdp_file;
  // The one GDP vintage used in every ratio (World Bank, as the talk).
  std::string gdp_column = kDefaultGdpColumn;
  // Years reported; 0: the first / last complete calendar year of the panel.
  int first_year = 0;
  int last_year = 0;

  bool IsValid(std::string* error) const;
  static AggregateOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
  BecMapper LoadBec() const;
  GdpSeries LoadGdp() const;
};

struct AggregateResult {
  // What the data was.
  std::string data_label;
  bool synthetic = false;
  std::string catalog_source;
  std::string bec_description;
  std::string gdp_column;  // the vintage used
  std::string gdp_file;
  std::vector<std::string> gdp_notes;  // e.g. "2024: rounded ..."

  // Per year.
  std::vector<int> years;
  std::vector<double> gdp_usd;
  std::array<std::vector<double>, kNumAggregateSeries> usd;
  std::array<std::vector<double>, kNumAggregateSeries> pct_gdp;

  // 12-month rolling sums ending in each month whose window lies in the
  // reported years; % of GDP against the matching 12 months of annual GDP
  // (each month weighted GDP_year / 12).
  std::vector<YearMonth> rolling_end;
  std::array<std::vector<double>, kNumAggregateSeries> rolling_usd;
  std::array<std::vector<double>, kNumAggregateSeries> rolling_pct_gdp;

  // Mapping diagnostics (panel codes).
  int codes_in_panel = 0;
  int codes_capital = 0;
  int codes_intermediate = 0;
  int codes_consumption = 0;
  int codes_nn = 0;                      // mapped through an n:n row or an override
  std::vector<std::string> unmapped_codes;
  double unmapped_value_usd = 0.0;       // over the reported years
  std::vector<std::string> nn_assignments;  // "85423190: override BEC 42", for catalog codes
  std::vector<std::string> semiconductor_codes_capital;
  std::vector<std::string> semiconductor_codes_intermediate;
  std::vector<std::string> semiconductor_codes_other;  // semiconductor-group codes mapped to consumption
  long missing_cells = 0;                // absent panel cells in the reported years (counted as 0)

  AggregateOptions options;

  const std::vector<double>& Usd(AggregateSeries s) const { return usd[static_cast<int>(s)]; }
  const std::vector<double>& Pct(AggregateSeries s) const { return pct_gdp[static_cast<int>(s)]; }
  // Plain-text summary: what ran, the mapping and the table.
  std::string FullReport() const;
};

AggregateResult ComputeAggregates(const Panel& panel, const Catalog& catalog, const BecMapper& bec,
                                  const GdpSeries& gdp, const AggregateOptions& options = {});

}  // namespace chokepoint
