#include "chokepoint/pipeline/data.h"

#include <algorithm>
#include <system_error>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/series_csv.h"
#include "chokepoint/core/simulate.h"

namespace chokepoint::pipeline {

void RefuseOutputOverInput(const std::filesystem::path& out, const std::filesystem::path& input,
                           std::string_view input_flag) {
  if (out.empty() || input.empty()) return;
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && std::filesystem::exists(input, ec) &&
      std::filesystem::equivalent(out, input, ec))
    ThrowUsageError("the output " + out.string() + " is the input given by " + std::string(input_flag) +
                    ": writing it would destroy the data; choose another output");
}

void UseDataDirectory(const DataOptions& data) {
  if (!data.dir.empty()) SetDataDirectory(data.dir);
}

Catalog LoadCatalog(const DataOptions& data) {
  if (data.catalog.empty()) return Catalog::LoadDefault();
  return Catalog::LoadDirectory(ResolveDataPath(data.catalog));
}

Panel LoadPanel(const DataOptions& data, uint64_t seed) {
  if (!data.file.empty()) return ReadPanelFile(data.file);
  return Simulate(Scenario::Load(data.scenario), seed).panel;
}

GroupData LoadPanelGroups(const DataOptions& data, uint64_t seed) {
  GroupData d;
  d.catalog = LoadCatalog(data);
  d.panel = LoadPanel(data, seed);
  GroupingOptions grouping;
  grouping.min_coverage = data.min_coverage;
  if (!data.code_map.empty()) {
    grouping.assignments = ReadCodeAssignments(data.code_map, *d.catalog);
    grouping.assignments_source = data.code_map;
  }
  d.series = AggregateGroups(*d.panel, *d.catalog, grouping);
  d.label = d.panel->provenance.label.empty() ? "data: " + data.file : d.panel->provenance.label;
  d.synthetic = d.panel->provenance.synthetic;
  d.details = d.panel->provenance.details;
  if (!data.code_map.empty()) d.details.push_back("coarse codes assigned to groups by " + data.code_map);
  return d;
}

GroupData LoadSeriesGroups(const std::string& path, const Catalog& catalog, std::optional<YearMonth> start,
                           const std::optional<std::vector<std::string>>& semiconductor,
                           std::string_view semiconductor_flag) {
  const SeriesTable table = ReadSeriesTable(path);
  if (semiconductor)
    for (const std::string& name : *semiconductor)
      if (table.ColumnIndex(name) < 0)
        ThrowUsageError(std::string(semiconductor_flag) + " \"" + name + "\" is not a column of " + path);
  const auto is_semiconductor = [&](std::string_view name) {
    if (semiconductor) return std::find(semiconductor->begin(), semiconductor->end(), name) != semiconductor->end();
    for (const TechnologyGroup& g : catalog.groups())
      if (g.name == name || g.short_name == name) return g.semiconductor;
    return false;
  };
  GroupData d;
  d.series = ToGroupSeries(table, ResolveFirstMonth(table, start), is_semiconductor);
  // A column named like a catalog group takes that group's category too.
  for (TechnologyGroup& g : d.series.groups)
    for (const TechnologyGroup& c : catalog.groups())
      if (c.name == g.name || c.short_name == g.name) g.category = c.category;
  d.label = "series: " + path;
  return d;
}

}  // namespace chokepoint::pipeline
