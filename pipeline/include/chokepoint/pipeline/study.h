// `study`: a planted-truth Monte Carlo design (robustness/models/study.h)
// from a TOML file, run and written to an HDF5 study file (docs/method.md §8.8,
// §9.6): /study/design (one row per design point: parameters and truths),
// /study/draws (one row per draw), /study/summary (per point), /study/confusion,
// and the resolved design, seed, tool version and report as attributes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "chokepoint/robustness/models/study.h"

namespace chokepoint::pipeline {

inline constexpr const char* kStudySchema = "chokepoint-study/1";

// The design: `design_file` ([study] table) or, when empty, the shipped
// default (data/studies/default.toml); then `--set study.KEY=VALUE`
// assignments. Errors name the file, line and key.
robustness::StudyDesign LoadStudyDesign(const std::string& design_file, const std::vector<std::string>& set);

// Runs the study with `threads` (0 = all cores) and writes `out` atomically.
// Finished design points are appended to the checkpoint OUT.checkpoint as
// they complete (fsynced); it is removed when the file is written. With
// `resume` the run continues from that checkpoint (which must hold the same
// resolved design) and the file is identical to an uninterrupted run's;
// without it an existing checkpoint is an error (resume it or remove it).
// SIGINT/SIGTERM stop at the next block of points with the checkpoint kept.
robustness::StudyResult RunStudyToFile(const robustness::StudyDesign& design, const std::filesystem::path& out,
                                       int threads, const robustness::StudyProgress& progress = {},
                                       bool resume = false);

// OUT.checkpoint.
std::filesystem::path StudyCheckpointPath(const std::filesystem::path& out);

// The report stored in a study file (its `report_markdown` attribute).
std::string ReadStudyReport(const std::filesystem::path& path);

}  // namespace chokepoint::pipeline
