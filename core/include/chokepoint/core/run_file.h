// The HDF5 run file's base contract (docs/method.md §9.6). Later stages add their
// own groups (/bootstrap, /sweep, /models, /aggregate, /batches) to the same
// file without changing this part:
//   attributes: schema = "chokepoint-run/1", tool_version, created_utc,
//               config_toml, seed, data_label, synthetic
//   /groups/name, /groups/category (UTF-8 strings), /groups/semiconductor (uint8)
//   /series/months ("YYYY-MM"), /series/values (float64 groups x months, US$)
//   /indices/V, /indices/G (float64), /indices/volatility_level, growth_level,
//   regime (strings), /indices/status (strings: "ok" or why undefined; V, G are
//   NaN and the levels "undefined" only then), attributes index_spec and the
//   thresholds.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"

namespace chokepoint {

inline constexpr const char* kRunSchema = "chokepoint-run/1";

// Indices and classification of every group under one spec and thresholds.
struct BaseAnalysis {
  IndexSpec spec;
  Thresholds thresholds;
  std::vector<IndexValues> indices;                     // per group
  std::vector<std::optional<Classification>> classes;   // empty where indices failed
};
BaseAnalysis AnalyzeGroups(const GroupSeries& series, const IndexSpec& spec, const Thresholds& thresholds);

struct RunMetadata {
  std::string config_toml;
  uint64_t seed = 0;
  std::string data_label;
  bool synthetic = false;
  // How real data were read (source, layout, filters, scale, code levels),
  // one line each; empty for synthetic data.
  std::vector<std::string> data_details;
  std::string tool_version;   // filled on read; the writer uses the build's version
  std::string created_utc;    // filled on read
};

void WriteRunBase(hid_t file, const RunMetadata& meta, const GroupSeries& series, const BaseAnalysis& analysis);

// What `report` needs of the base contract, read back from a file.
struct RunBaseView {
  RunMetadata meta;
  std::vector<std::string> group_names, group_categories;
  std::vector<uint8_t> semiconductor;
  std::vector<std::string> months;
  std::vector<double> V, G;
  std::vector<std::string> volatility_level, growth_level, regime, status;
  std::string index_spec;
  Thresholds thresholds;
  // Per group, when the series came from a panel (else empty).
  std::vector<std::string> coverage_status, coverage_levels, coverage_excluded;
  std::vector<int64_t> lines_listed, lines_represented;
  std::vector<uint8_t> broader_than_catalog;
  std::vector<double> value_share_of_headings;  // NaN unknown
  double min_coverage = 0;
};
RunBaseView ReadRunBase(hid_t file, const std::string& file_label);

// Markdown: the data label first; the 2 x 3 matrix laid out like the talk's
// table with group names in the cells; the three regimes with their groups;
// a per-group table of V, G, category and semiconductor flag.
std::string FormatBaseReport(const RunBaseView& view);

}  // namespace chokepoint
