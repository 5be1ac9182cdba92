#include <sstream>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/simulate.h"
#include "chokepoint/core/version.h"

namespace chokepoint {

void WriteSimulationGroup(hid_t loc, const SimulationResult& r) {
  h5::Handle g = h5::EnsureGroup(loc, "simulation");
  std::ostringstream toml_text;
  toml_text << r.scenario.ToToml();
  h5::WriteAttribute(g.id(), "scenario", r.scenario.name);
  h5::WriteAttribute(g.id(), "seed", static_cast<int64_t>(r.seed));
  h5::WriteAttribute(g.id(), "synthetic", static_cast<int64_t>(1));
  h5::WriteAttribute(g.id(), "data_label", r.panel.provenance.label);
  h5::WriteAttribute(g.id(), "scenario_toml", toml_text.str());
  h5::WriteOptions compressed;
  compressed.compress = !r.truth.code_paths.empty();  // no chunked layout for empty data
  const hsize_t T = static_cast<hsize_t>(r.truth.num_months);
  h5::WriteDoubles(g.id(), "truth_code_paths", r.truth.code_paths,
                   {static_cast<hsize_t>(r.panel.num_codes()), T}, compressed);
  std::vector<int32_t> ids(r.truth.group_ids.begin(), r.truth.group_ids.end());
  h5::WriteInt32s(g.id(), "group_ids", ids, {static_cast<hsize_t>(ids.size())});
  h5::WriteStrings(g.id(), "group_names", r.truth.group_names);
  h5::WriteOptions group_options;
  group_options.compress = !r.truth.group_paths.empty();
  h5::WriteDoubles(g.id(), "truth_group_paths", r.truth.group_paths,
                   {static_cast<hsize_t>(ids.size()), T}, group_options);
}

void WriteSimulationH5(const SimulationResult& r, const std::filesystem::path& path) {
  AtomicOutput out(path);
  {
    h5::File f = h5::File::Create(out.temp_path());
    WritePanelGroup(f.id(), r.panel);
    WriteSimulationGroup(f.id(), r);
    h5::WriteAttribute(f.id(), "schema", "chokepoint-panel/1");
    h5::WriteAttribute(f.id(), "tool_version", ToolVersion());
    h5::WriteAttribute(f.id(), "created_utc", UtcNowIso8601());
    h5::WriteAttribute(f.id(), "data_label", r.panel.provenance.label);
    f.Close();
  }
  out.Commit();
}

}  // namespace chokepoint
