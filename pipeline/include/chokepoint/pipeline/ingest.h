// `ingest`: import files -> an HS8 x month panel (core/ingest.h), with the
// options as the CLI and the Python module spell them, resolved once here.
#pragma once

#include <string>
#include <vector>

#include "chokepoint/core/ingest.h"

namespace chokepoint::pipeline {

struct IngestRequest {
  std::vector<std::string> inputs;
  std::string format = "auto";  // auto | canonical | customs | comtrade
  std::string jan_feb;          // keep-merged | split; empty: combined periods are an error
  std::string rates;            // CSV period,cny_per_usd for RMB-only Customs files
  bool lenient = false;         // skip bad rows, counting them
  int max_examples = 20;        // bad-row examples kept with lenient
};

// Validates the request (usage errors name the flag) and reads the files.
IngestResult Ingest(const IngestRequest& request);

// Ingest, then the panel file `out` (.h5 or .hdf5, written atomically).
IngestResult IngestToFile(const IngestRequest& request, const std::string& out);

}  // namespace chokepoint::pipeline
