// `explore` and `figures`: a run file (and a sweep file) as the referee's
// explorer page and as publication figures (docs/method.md §9.11).
//
// The page is explorer/template.html built by `node explorer/build.mjs`
// (Vega-Lite inlined; explorer/README.md); ExploreJson is the data it embeds,
// the `chokepoint-explore-1` document: every attribute and every dataset of
// each file, flat row-major, NaN as null, except datasets over 300,000
// elements and the few large ones the page does not use (listed in
// `omitted`). scripts/explore_dump.py writes the same document with h5py.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace chokepoint::pipeline {

// The JSON document for a run file and an optional sweep file. Throws an
// input error when `run` is not a run file (or is a sweep file) or `sweep`
// is not a sweep file.
std::string ExploreJson(const std::filesystem::path& run, const std::optional<std::filesystem::path>& sweep);

// The template page: `template_override` when given, else
// $CHOKEPOINT_EXPLORER_TEMPLATE, else <data>/explorer/template.html (an
// installed tree), else explorer/template.html beside the executable's
// directory (the build tree). Throws a usage error saying how to build it.
std::filesystem::path FindExplorerTemplate(const std::string& template_override = "");

struct ExploreSummary {
  std::filesystem::path template_path;
  long long bytes = 0;  // size of the page written
};
// Writes the page (template with the data substituted) to `out`, atomically.
ExploreSummary WriteExplorerPage(const std::filesystem::path& run, const std::optional<std::filesystem::path>& sweep,
                                 const std::filesystem::path& out, const std::string& template_override = "");

struct FiguresSummary {
  std::filesystem::path script;  // the figures.mjs that ran
  std::string log;               // what it printed
};
// Runs `node explorer/figures.mjs` on the data into a temporary directory
// beside `out_dir` and renames it to `out_dir` when every figure is written
// (`out_dir` must not exist or be empty). The explorer directory is
// $CHOKEPOINT_EXPLORER_DIR, else the source tree's explorer/ this build came
// from; it needs `npm ci` there. Throws a usage error when node or the
// modules are missing.
FiguresSummary WriteFigures(const std::filesystem::path& run, const std::optional<std::filesystem::path>& sweep,
                            const std::filesystem::path& out_dir, bool png = true);

}  // namespace chokepoint::pipeline
