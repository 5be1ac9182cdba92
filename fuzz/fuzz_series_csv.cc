// The one CSV reader (CsvTable) and the series layer on top of it
// (ParseSeriesTable, ParseSeriesCsv): every command's single-series and
// group-series input.
#include "chokepoint/core/csv_table.h"
#include "chokepoint/core/series_csv.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chokepoint;
  const std::string_view text = fuzz::Text(data, size);
  fuzz::Expecting([&] { CsvTable::Parse(text, "fuzz.csv"); });
  fuzz::Expecting([&] {
    const SeriesTable table = ParseSeriesTable(text, "fuzz.csv");
    // Every column the table holds, as a command would select it.
    for (const auto& name : table.names) fuzz::Expecting([&] { SelectSeries(table, name); });
  });
  fuzz::Expecting([&] { ParseSeriesCsv(text, "fuzz.csv"); });
  return 0;
}
