#include "chokepoint/robustness/models/policy_events.h"

#include "chokepoint/core/csv_table.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"

namespace chokepoint::robustness {

std::vector<PolicyEvent> ReadPolicyEvents(const std::filesystem::path& path) {
  const CsvTable table = CsvTable::ReadFile(path);
  const int month_col = table.RequireColumn("month");
  const int label_col = table.ColumnIndex("label");
  const int source_col = table.ColumnIndex("source");
  std::vector<PolicyEvent> events;
  for (const CsvRecord& r : table.records()) {
    const CsvField& m = table.Field(r, month_col);
    const auto month = YearMonth::Parse(m.text);
    if (!month) table.Fail(r, month_col, "month must be YYYY-MM, got '" + m.text + "'");
    PolicyEvent e;
    e.month = *month;
    e.label = table.OptionalText(r, label_col);
    e.source = table.OptionalText(r, source_col);
    events.push_back(std::move(e));
  }
  return events;
}

std::filesystem::path DefaultPolicyEventsPath() { return DataDirectory() / "events" / "policy_events.csv"; }

}  // namespace chokepoint::robustness
