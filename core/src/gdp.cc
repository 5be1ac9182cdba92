#include "chokepoint/core/gdp.h"

#include <cmath>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/csv_table.h"

namespace chokepoint {


std::optional<double> GdpSeries::Get(int year) const {
  auto it = usd_by_year.find(year);
  if (it == usd_by_year.end()) return std::nullopt;
  return it->second;
}

std::string GdpSeries::Describe() const { return column + " from " + file; }

GdpSeries ReadGdpFile(const std::filesystem::path& path, const std::string& column) {
  const CsvTable t = CsvTable::ReadFile(path);
  GdpSeries out;
  out.file = DataRelativePath(path);
  const int c_year = t.RequireColumn("year");
  int c_val = t.ColumnIndex(column);
  out.column = column;
  if (c_val < 0 && t.ColumnIndex("gdp_usd") >= 0) {
    c_val = t.ColumnIndex("gdp_usd");
    out.column = "gdp_usd";
  }
  if (c_val < 0) c_val = t.RequireColumn(column);  // reports the header
  // "gdp_usd_worldbank" -> "worldbank_note".
  int c_note = -1;
  if (const std::string prefix = "gdp_usd_"; out.column.rfind(prefix, 0) == 0)
    c_note = t.ColumnIndex(out.column.substr(prefix.size()) + "_note");
  for (const auto& r : t.records()) {
    const std::string& ytext = t.Field(r, c_year).text;
    auto year = ParseInteger(ytext);
    if (!year || *year < 1900 || *year > 2200) t.Fail(r, c_year, "invalid year '" + ytext + "'");
    const std::string vtext = t.OptionalText(r, c_val);
    if (vtext.empty()) continue;  // no value in this vintage
    auto v = ParseDouble(vtext);
    if (!v || !std::isfinite(*v) || *v <= 0)
      t.Fail(r, c_val, "invalid GDP value '" + vtext + "' (expected a positive number of US$)");
    const int y = static_cast<int>(*year);
    if (out.usd_by_year.count(y)) t.Fail(r, c_year, "year " + ytext + " is listed twice");
    out.usd_by_year[y] = *v;
    if (const std::string note = t.OptionalText(r, c_note); !note.empty()) out.notes[y] = note;
  }
  if (out.usd_by_year.empty()) t.FailAtLine(1, "no values in column '" + out.column + "'");
  return out;
}

GdpSeries LoadDefaultGdp(const std::string& column) {
  return ReadGdpFile(DataDirectory() / "gdp" / "china_gdp.csv", column);
}

}  // namespace chokepoint
