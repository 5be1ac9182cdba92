#include "chokepoint/core/panel_io.h"

#include <ctime>

#include <cstdio>

#include "chokepoint/core/error.h"
#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/ingest.h"
#include "chokepoint/core/version.h"

namespace chokepoint {

std::string UtcNowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void WritePanelGroup(hid_t loc, const Panel& panel) {
  h5::Handle g = h5::EnsureGroup(loc, "panel");
  std::vector<std::string> codes, months;
  for (const auto& c : panel.codes()) codes.push_back(c.ToString());
  for (int t = 0; t < panel.num_months(); ++t) months.push_back(panel.month(t).ToString());
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(panel.num_codes()),
                                     static_cast<hsize_t>(panel.num_months())};
  h5::WriteOptions compressed;
  compressed.compress = true;
  h5::WriteStrings(g.id(), "codes", codes);
  h5::WriteStrings(g.id(), "months", months);
  h5::WriteDoubles(g.id(), "values", panel.values(), dims, compressed);
  std::span<const unsigned char> mask = panel.present_mask();
  h5::WriteUint8s(g.id(), "present", std::span<const uint8_t>(mask.data(), mask.size()), dims, compressed);
  const auto& p = panel.provenance;
  h5::WriteAttribute(g.id(), "schema", "chokepoint-panel/1");
  h5::WriteAttribute(g.id(), "synthetic", static_cast<int64_t>(p.synthetic ? 1 : 0));
  h5::WriteAttribute(g.id(), "data_label", p.label);
  h5::WriteAttribute(g.id(), "scenario", p.scenario);
  h5::WriteAttribute(g.id(), "seed", static_cast<int64_t>(p.seed));
  h5::WriteLinesAttribute(g.id(), "source_files", p.source_files);
  h5::WriteLinesAttribute(g.id(), "provenance", p.details);
  std::string levels;
  for (int l : panel.hs_levels()) levels += (levels.empty() ? "" : ",") + std::to_string(l);
  h5::WriteAttribute(g.id(), "hs_levels", levels);
  if (panel.has_quantities()) {
    h5::WriteDoubles(g.id(), "quantity", panel.quantities, dims, compressed);
    h5::WriteStrings(g.id(), "quantity_unit", panel.quantity_units);
  }
}

Panel ReadPanelGroup(hid_t loc, const std::string& file_label) {
  if (!h5::Exists(loc, "panel")) ThrowInputError(file_label, 0, 0, "no /panel group: not a chokepoint panel or run file");
  h5::Handle g(H5Gopen2(loc, "panel", H5P_DEFAULT));
  const auto code_strings = h5::ReadStrings(g.id(), "codes");
  const auto month_strings = h5::ReadStrings(g.id(), "months");
  std::vector<HsCode> codes;
  for (size_t i = 0; i < code_strings.size(); ++i) {
    bool hs10 = false;
    auto c = HsCode::ParseAnyLevel(code_strings[i], &hs10);
    if (!c || hs10)
      ThrowInputError(file_label, 0, 0,
                      "/panel/codes[" + std::to_string(i) + "] is not an HS code of 2, 4, 6 or 8 digits: " + code_strings[i]);

    codes.push_back(*c);
  }
  YearMonth first{2000, 1};
  if (!month_strings.empty()) {
    auto m = YearMonth::Parse(month_strings.front());
    if (!m) ThrowInputError(file_label, 0, 0, "/panel/months[0] is not a month: " + month_strings.front());
    first = *m;
    for (size_t t = 0; t < month_strings.size(); ++t) {
      auto mt = YearMonth::Parse(month_strings[t]);
      if (!mt || *mt != first.Plus(static_cast<int>(t)))
        ThrowInputError(file_label, 0, 0, "/panel/months is not a run of consecutive months at index " + std::to_string(t));
    }
  }
  Panel panel(std::move(codes), first, static_cast<int>(month_strings.size()));
  const auto values = h5::ReadDoubles(g.id(), "values");
  const auto present = h5::ReadUint8s(g.id(), "present");
  const size_t n = static_cast<size_t>(panel.num_codes()) * panel.num_months();
  if (values.size() != n || present.size() != n)
    ThrowInputError(file_label, 0, 0, "/panel/values or /panel/present has the wrong size");
  for (int r = 0; r < panel.num_codes(); ++r)
    for (int t = 0; t < panel.num_months(); ++t) {
      const size_t i = static_cast<size_t>(r) * panel.num_months() + t;
      if (present[i]) panel.Set(r, t, values[i]);
    }
  if (h5::Exists(g.id(), "quantity")) {
    panel.quantities = h5::ReadDoubles(g.id(), "quantity");
    panel.quantity_units = h5::ReadStrings(g.id(), "quantity_unit");
    if (panel.quantities.size() != n || panel.quantity_units.size() != static_cast<size_t>(panel.num_codes()))
      ThrowInputError(file_label, 0, 0, "/panel/quantity or /panel/quantity_unit has the wrong size");
  }
  auto& p = panel.provenance;
  p.synthetic = h5::HasAttribute(g.id(), "synthetic") && h5::ReadIntAttribute(g.id(), "synthetic") != 0;
  if (h5::HasAttribute(g.id(), "data_label")) p.label = h5::ReadStringAttribute(g.id(), "data_label");
  if (h5::HasAttribute(g.id(), "scenario")) p.scenario = h5::ReadStringAttribute(g.id(), "scenario");
  if (h5::HasAttribute(g.id(), "seed")) p.seed = static_cast<unsigned long long>(h5::ReadIntAttribute(g.id(), "seed"));
  p.source_files = h5::ReadLinesAttribute(g.id(), "source_files");
  p.details = h5::ReadLinesAttribute(g.id(), "provenance");
  return panel;
}

void WritePanelH5(const Panel& panel, const std::filesystem::path& path) {
  WritePanelH5(panel, path, nullptr);
}

void WritePanelH5(const Panel& panel, const std::filesystem::path& path,
                  const std::function<void(hid_t file)>& extra) {
  AtomicOutput out(path);
  {
    h5::File f = h5::File::Create(out.temp_path());
    WritePanelGroup(f.id(), panel);
    if (extra) extra(f.id());
    h5::WriteAttribute(f.id(), "schema", "chokepoint-panel/1");
    h5::WriteAttribute(f.id(), "tool_version", ToolVersion());
    h5::WriteAttribute(f.id(), "created_utc", UtcNowIso8601());
    h5::WriteAttribute(f.id(), "data_label", panel.provenance.label);
    f.Close();
  }
  out.Commit();
}

Panel ReadPanelH5(const std::filesystem::path& path) {
  h5::File f = h5::File::OpenReadOnly(path);
  return ReadPanelGroup(f.id(), path.string());
}

void WritePanelCsv(const Panel& panel, const std::filesystem::path& path) {
  AtomicOutput out(path);
  std::string buffer;
  if (panel.provenance.synthetic) buffer += "# " + panel.provenance.label + "\n";
  buffer += "hs8,period,value_usd\n";
  char value[64];
  for (int r = 0; r < panel.num_codes(); ++r) {
    const std::string code = panel.codes()[r].ToString();
    for (int t = 0; t < panel.num_months(); ++t) {
      if (!panel.present(r, t)) continue;
      std::snprintf(value, sizeof value, "%.17g", panel.value(r, t));
      buffer += code;
      buffer += ',';
      buffer += panel.month(t).ToString();
      buffer += ',';
      buffer += value;
      buffer += '\n';
    }
    if (buffer.size() > (1u << 20)) {  // written in pieces of about 1 MiB
      out.Write(buffer);
      buffer.clear();
    }
  }
  out.Write(buffer);
  out.Commit();
}

Panel ReadPanelFile(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".h5" || ext == ".hdf5") return ReadPanelH5(path);
  if (ext == ".csv") {
    IngestOptions options;
    options.format = IngestFormat::kCanonical;
    return IngestFiles({path}, options).panel;
  }
  ThrowInputError(path.string(), 0, 0, "unsupported panel file type '" + ext + "' (expected .h5 or .csv)");
}

}  // namespace chokepoint
