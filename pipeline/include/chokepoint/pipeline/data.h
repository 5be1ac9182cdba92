// Data loading for every driver: the catalog, the panel (a file, or the
// synthetic default simulated from the run's scenario and seed), the group
// series aggregated through the catalog, or a wide CSV of group series whose
// semiconductor flags come from the catalog.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/core/catalog.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/run_config.h"

namespace chokepoint::pipeline {

// Refuses an output that is the same file as an input (by device and inode,
// not by name): writing it would destroy the data being read. `input_flag`
// names the input in the message.
void RefuseOutputOverInput(const std::filesystem::path& out, const std::filesystem::path& input,
                           std::string_view input_flag);

// Makes `[data] dir` the data directory of this process (when set).
void UseDataDirectory(const DataOptions& data);

// The catalog named by [data] catalog, or the shipped one.
Catalog LoadCatalog(const DataOptions& data);

// The panel named by [data] file, or the synthetic default simulated from
// [data] scenario with `seed` (the run's seed: `run` and `sweep` given one
// configuration analyse the same panel).
Panel LoadPanel(const DataOptions& data, uint64_t seed);

// What a driver analyses: group x month series and where they came from.
struct GroupData {
  GroupSeries series;
  std::string label;       // "synthetic: scenario paper2025, seed 1" or "data: FILE" / "series: FILE"
  bool synthetic = false;
  std::vector<std::string> details;  // how real data were read (panel provenance)
  std::optional<Panel> panel;  // when the series came from a panel (aggregates, batches need it)
  std::optional<Catalog> catalog;
};

// The panel of `data` aggregated through its catalog.
GroupData LoadPanelGroups(const DataOptions& data, uint64_t seed);

// A wide CSV of group series (month column + one column per group, empty
// cells missing). A group is semiconductor-related when `semiconductor`
// names it, or (no list given) when the catalog's group of that name or
// short name has the flag. Names in `semiconductor` that are not columns are
// an error naming `semiconductor_flag`.
GroupData LoadSeriesGroups(const std::string& path, const Catalog& catalog, std::optional<YearMonth> start,
                           const std::optional<std::vector<std::string>>& semiconductor,
                           std::string_view semiconductor_flag = "--semiconductor");

}  // namespace chokepoint::pipeline
