// The sweep's outputs: the /sweep section of an HDF5 file and the Markdown
// referee report. I/O kept apart from the engine (sweep.h).
#pragma once

#include <string>

#include <hdf5.h>

#include "chokepoint/robustness/sweep/sweep.h"

namespace chokepoint::robustness {

// HDF5 /sweep (chunked + compressed arrays).
void WriteSweepSection(hid_t file, const SweepResult& result);
bool HasSweepSection(hid_t file);
// Reads back what the report needs (options, grid, point estimates, tipping
// scans, ambiguities, shares, default probabilities; not the bin counts or
// clouds), so `chokepoint report` can format a stored sweep.
SweepResult ReadSweepSection(hid_t file);
// Referee report (Markdown).
std::string FormatSweepReport(const SweepResult& result);

}  // namespace chokepoint::robustness
