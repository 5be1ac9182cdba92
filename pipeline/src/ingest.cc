#include "chokepoint/pipeline/ingest.h"

#include <filesystem>

#include "chokepoint/core/error.h"

namespace chokepoint::pipeline {

IngestOptions ResolveIngestOptions(const IngestRequest& a) {
  IngestOptions options;
  if (!a.preset.empty()) options = LoadIngestPreset(a.preset);
  const auto format = IngestFormatFromString(a.format);
  if (!format)
    ThrowUsageError("--format must be auto, canonical, customs, comtrade or columns, not '" + a.format + "'");
  if (*format != IngestFormat::kAuto || a.preset.empty()) options.format = *format;
  if (!a.jan_feb.empty()) {
    const auto p = JanFebPolicyFromString(a.jan_feb);
    if (!p || *p == JanFebPolicy::kReject)
      ThrowUsageError("--jan-feb must be keep-merged or split, not '" + a.jan_feb + "'");
    options.jan_feb = *p;
  }
  if (!a.rates.empty()) options.rates_file = a.rates;
  options.lenient = options.lenient || a.lenient;
  options.max_examples = a.max_examples;
  if (!a.columns.empty()) options.columns = a.columns;
  if (a.period_format != "auto") options.period_format = a.period_format;
  if (a.scale) options.scale = *a.scale;
  options.where.insert(options.where.end(), a.where.begin(), a.where.end());
  if (!a.flow.empty()) options.flow = a.flow;
  if (!a.source.empty()) options.source = a.source;
  std::string error;
  if (!options.IsValid(&error)) {
    // Name the flag rather than the TOML key: "ingest.scale" -> "--scale".
    for (const auto& [key, flag] : {std::pair{"ingest.period_format", "--period-format"},
                                    std::pair{"ingest.max_examples", "--max-examples"},
                                    std::pair{"ingest.", "--"}})
      if (const size_t at = error.find(key); at != std::string::npos) {
        error.replace(at, std::string_view(key).size(), flag);
        break;
      }
    ThrowUsageError(error);
  }
  return options;
}

IngestResult Ingest(const IngestRequest& a) {
  const IngestOptions options = ResolveIngestOptions(a);
  if (a.inputs.empty()) ThrowUsageError("ingest: give at least one input file");
  std::vector<std::filesystem::path> inputs(a.inputs.begin(), a.inputs.end());
  return IngestFiles(inputs, options);
}

IngestResult IngestToFile(const IngestRequest& request, const std::string& out) {
  const std::string ext = std::filesystem::path(out).extension().string();
  if (ext != ".h5" && ext != ".hdf5") ThrowUsageError("--out must name an HDF5 file (.h5 or .hdf5): " + out);
  IngestResult result = Ingest(request);
  WriteIngestedPanelH5(result, out);
  return result;
}

}  // namespace chokepoint::pipeline
