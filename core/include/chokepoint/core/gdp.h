// Annual GDP in current US$, one vintage (one column of a CSV file) at a
// time, so an import/GDP ratio never mixes vintages.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace chokepoint {

struct GdpSeries {
  std::string file;     // where it was read from
  std::string column;   // the vintage: "gdp_usd_worldbank", "gdp_usd_imf_weo_2025_10", "gdp_usd"
  std::map<int, double> usd_by_year;
  std::map<int, std::string> notes;  // per-year notes for this vintage (e.g. a rounded figure)

  std::optional<double> Get(int year) const;
  // "gdp_usd_worldbank from data/gdp/china_gdp.csv"
  std::string Describe() const;
};

inline constexpr const char* kDefaultGdpColumn = "gdp_usd_worldbank";

// Reads `year` and `column` from a CSV (blank cells = no value for that year;
// a file with a plain "gdp_usd" column is accepted whatever column is asked
// for only when the asked column is absent). A "<vintage>_note" column such as
// "worldbank_note" is attached as per-year notes. Values must be positive.
GdpSeries ReadGdpFile(const std::filesystem::path& path, const std::string& column = kDefaultGdpColumn);
// data/gdp/china_gdp.csv.
GdpSeries LoadDefaultGdp(const std::string& column = kDefaultGdpColumn);

}  // namespace chokepoint
