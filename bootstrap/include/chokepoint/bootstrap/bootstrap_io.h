// The bootstrap's part of a run file (HDF5 group /bootstrap), its Markdown
// report table, and the JSON printed by `chokepoint bootstrap --json` and
// `chokepoint blocklength --json`.
//
// /bootstrap layout (groups = rows in GroupSeries order):
//   attributes: scheme, block_method, block_length_rule, replicates, seed, level,
//               threads_given, threads_used, index_spec, report_interval, stream_keying
//   group_names (str), group_ids (int32), ok (uint8), note (str)
//   V_point, G_point, V_mean, V_sd, G_mean, G_sd, V_acceleration, G_acceleration,
//   V_z0, G_z0, block_length, regime_stability, valid_replicates (per group)
//   point_regime (str, per group)
//   V_replicates, G_replicates  groups x B (chunked, deflate) when kept
//   intervals/<percentile|basic|normal|bca>  groups x 4: V_lower, V_upper, G_lower, G_upper (NaN = failed)
//   regime_probability  groups x 3: stockpiling, no_effect, substitution
//   cell_probability    groups x 6: CellName(0..5)
#pragma once

#include <hdf5.h>

#include <string>

#include "chokepoint/bootstrap/block_length.h"
#include "chokepoint/bootstrap/engine.h"

namespace chokepoint::bootstrap {

void WriteBootstrapSection(hid_t file, const BootstrapResult& result);
// Reads what WriteBootstrapSection wrote (options, summaries, probabilities,
// replicates when present). Throws chokepoint::Error when /bootstrap is absent.
BootstrapResult ReadBootstrapSection(hid_t file);

// Markdown: group | V [interval] | G [interval] | P(stockpiling) | P(no_effect) | P(substitution),
// with the interval of options.report_interval.
std::string FormatBootstrapReport(const BootstrapResult& result);

// {"n", "scheme", "blocks", "block_length", "replicates", "seed", "V": {...}, "G": {...}}
// for one group (the single-series mode of the CLI).
std::string FormatSeriesJson(const BootstrapResult& result, int group = 0);
// {"n", "stationary", "circular", ...every tuning constant}
std::string FormatBlockLengthJson(const BlockLengthSelection& selection);

}  // namespace chokepoint::bootstrap
