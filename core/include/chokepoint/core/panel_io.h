// Panel files: HDF5 (group /panel) and the canonical long CSV hs8,period,value_usd.
// Writers go through a temporary name and rename, so a failure leaves no file.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <hdf5.h>

#include "chokepoint/core/ingest.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/simulate.h"

namespace chokepoint {

// /panel/codes (HS8 strings), /panel/months ("YYYY-MM"), /panel/values
// (codes x months float64, US$, 0 where missing), /panel/present (uint8 mask);
// attributes schema = "chokepoint-panel/1", synthetic, data_label, scenario,
// seed, tool_version, created_utc.
void WritePanelH5(const Panel& panel, const std::filesystem::path& path);
// Same, and `extra(file)` adds more objects (e.g. /panel/ingest) before the
// file is committed; if it throws, no output file is left.
void WritePanelH5(const Panel& panel, const std::filesystem::path& path,
                  const std::function<void(hid_t file)>& extra);
Panel ReadPanelH5(const std::filesystem::path& path);
// Writes the panel into an open file/group (used by run files too).
void WritePanelGroup(hid_t loc, const Panel& panel);
Panel ReadPanelGroup(hid_t loc, const std::string& file_label);

// Canonical long CSV; missing cells are omitted. Synthetic panels start with a
// "# synthetic: ..." comment line, which the canonical reader skips.
void WritePanelCsv(const Panel& panel, const std::filesystem::path& path);

// Reads a panel by extension: .h5/.hdf5 (a panel file or a run file with
// /panel) or .csv (canonical long CSV, through the ingest module).
Panel ReadPanelFile(const std::filesystem::path& path);

// "2026-11-28T12:34:56Z"
std::string UtcNowIso8601();

// HDF5 group /simulation: attributes scenario, seed, data_label, synthetic,
// scenario_toml (the resolved scenario); datasets truth_code_paths (codes x
// months, rows as /panel/codes), group_ids (int32), group_names,
// truth_group_paths (groups x months), all US$. Monte Carlo studies read the
// truth back from here.
void WriteSimulationGroup(hid_t loc, const SimulationResult& result);

// /panel/ingest: attributes (format, jan_feb_policy, counts) and datasets
// (files, problem_class, problem_count, examples, jan_feb_combined).
void WriteIngestSection(hid_t panel_group, const IngestReport& report);

}  // namespace chokepoint
