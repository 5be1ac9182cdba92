// The aggregates' outputs: the /aggregate section of an HDF5 file and the
// Markdown report. I/O kept apart from the computation (aggregate.h).
#pragma once

#include <hdf5.h>

#include <string>

#include "chokepoint/core/aggregate.h"

namespace chokepoint {

// /aggregate: years (int32), gdp_usd, <series>_usd and <series>_pct_gdp for
// the seven series, attributes (gdp_column, gdp_file, bec, nn_rule,
// data_label, synthetic), /aggregate/rolling/{months,<series>_usd,<series>_pct_gdp},
// /aggregate/mapping/{unmapped_codes, ...} with counts as attributes.
void WriteAggregateSection(hid_t file, const AggregateResult& result);

// Reads back what WriteAggregateSection wrote (for `chokepoint report`).
AggregateResult ReadAggregateSection(hid_t file);

// Markdown: the shares table laid out like the talk's preview (first year,
// each year, last year, change in percentage points and in percent), the US$
// table, and the mapping notes; synthetic data is labelled as such.
std::string FormatAggregateReport(const AggregateResult& result);

}  // namespace chokepoint
