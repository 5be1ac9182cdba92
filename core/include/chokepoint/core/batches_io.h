// The batch validation's outputs: the /batches section of an HDF5 file and
// the Markdown report. I/O kept apart from the computation (batches.h).
#pragma once

#include <hdf5.h>

#include <string>

#include "chokepoint/core/batches.h"

namespace chokepoint {

// /batches: summary per batch, /batches/overlap, /batches/codes,
// /batches/persistence, /batches/event_study, /batches/series.
void WriteBatchesSection(hid_t file, const BatchesResult& result);

// Reads back what WriteBatchesSection wrote (for `chokepoint report`): enough
// for FormatBatchesReport (V/G, levels, regimes, overlaps, codes, persistence,
// event study, series).
BatchesResult ReadBatchesSection(hid_t file);

// Markdown: overlap table, batch patterns, persistence, event study, batch-2 codes.
std::string FormatBatchesReport(const BatchesResult& result);

}  // namespace chokepoint
