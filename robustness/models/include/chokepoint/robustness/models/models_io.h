// The models stage's outputs: /models of an HDF5 run file (hac, breaks,
// surge, adjusted, panel) and the reports. I/O kept apart from the models.
#pragma once

#include <string>

#include <hdf5.h>

#include "chokepoint/robustness/models/breaks.h"
#include "chokepoint/robustness/models/hac.h"
#include "chokepoint/robustness/models/models.h"

namespace chokepoint::robustness {

// /models/surge/<gNN>, /models/hac/<gNN>, /models/breaks/<gNN>, /models/adjusted,
// /models/panel, /models/agreement.
void WriteModelsSection(hid_t file, const ModelsResult& result);

// Markdown section for `chokepoint report`. WriteModelsSection stores it as
// the /models attribute report_markdown, so a report of a run file shows
// exactly what the run computed; ReadModelsReport returns it.
std::string FormatModelsReport(const ModelsResult& result);

std::string ReadModelsReport(hid_t file);

// Run-file section: writes into `group` (created by the caller, e.g.
// /models/breaks/<group name>) attributes (n, q, p, trim, trim_obs,
// max_breaks, selected_bic/lwz/sequential, ud_max(_p), wd_max(_p),
// pvalue_source, options) and datasets rss, bic, lwz (m = 0..M),
// breakpoints (int32), breakpoints_by_m (M x M int32, row m-1 padded with 0),
// confidence_intervals (k x 3 int32, -1 when not computable), sup_f, sup_f_p,
// sup_f_critical_5, seq_f, seq_f_p, warnings, and breakdates (strings) when
// the start month is known.
void WriteBreakResult(hid_t group, const BreakResult& result);

// Run-file section: writes into `group` (created by the caller, e.g.
// /models/hac/<group name>) attributes estimator, kernel, bandwidth_rule,
// prewhite, adjust, bandwidth, bandwidth_automatic, n, k and datasets names,
// coefficients, standard_errors, t, p, vcov (k x k).
void WriteHacResult(hid_t group, const HacResult& result);

}  // namespace chokepoint::robustness
