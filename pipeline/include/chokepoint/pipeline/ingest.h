// `ingest`: import files -> an HS8 x month panel (core/ingest.h), with the
// options as the CLI and the Python module spell them, resolved once here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/ingest.h"

namespace chokepoint::pipeline {

// Options as given; a preset (data/ingest_presets/NAME.toml or a file) is
// applied first and every option given here overrides it ("auto", empty and
// unset mean "not given").
struct IngestRequest {
  std::vector<std::string> inputs;
  std::string preset;           // china-customs | comtrade | partner-exports | FILE.toml
  std::string format = "auto";  // auto | canonical | customs | comtrade | columns
  std::string jan_feb;          // keep-merged | split; empty: combined periods are an error
  std::string rates;            // CSV period,cny_per_usd for RMB-only Customs files
  bool lenient = false;         // skip bad rows, counting them
  int max_examples = 20;        // bad-row examples kept with lenient
  std::string columns;          // "code=HS,period=Date,value=Value[,flow=..,quantity=..,unit=..]"
  std::string period_format = "auto";  // e.g. YYYY/M, M/YYYY, YYYYMM
  std::optional<double> scale;  // 1000: values in thousands of US$
  std::vector<std::string> where;  // COLUMN=VALUE filters (repeatable)
  std::string flow;             // the flow value read as imports
  std::string source;           // free text naming the source
};

// The request resolved to core options (preset applied, flags on top).
IngestOptions ResolveIngestOptions(const IngestRequest& request);

// Validates the request (usage errors name the flag) and reads the files.
IngestResult Ingest(const IngestRequest& request);

// Ingest, then the panel file `out` (.h5 or .hdf5, written atomically).
IngestResult IngestToFile(const IngestRequest& request, const std::string& out);

}  // namespace chokepoint::pipeline
