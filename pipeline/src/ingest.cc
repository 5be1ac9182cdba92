#include "chokepoint/pipeline/ingest.h"

#include <filesystem>

#include "chokepoint/core/error.h"

namespace chokepoint::pipeline {

IngestResult Ingest(const IngestRequest& a) {
  IngestOptions options;
  const auto format = IngestFormatFromString(a.format);
  if (!format) ThrowUsageError("--format must be auto, canonical, customs or comtrade, not '" + a.format + "'");
  options.format = *format;
  if (!a.jan_feb.empty()) {
    const auto p = JanFebPolicyFromString(a.jan_feb);
    if (!p || *p == JanFebPolicy::kReject)
      ThrowUsageError("--jan-feb must be keep-merged or split, not '" + a.jan_feb + "'");
    options.jan_feb = *p;
  }
  options.rates_file = a.rates;
  options.lenient = a.lenient;
  options.max_examples = a.max_examples;
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
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
