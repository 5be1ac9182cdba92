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
robustness::StudyResult RunStudyToFile(const robustness::StudyDesign& design, const std::filesystem::path& out,
                                       int threads, const robustness::StudyProgress& progress = {});

// The report stored in a study file (its `report_markdown` attribute).
std::string ReadStudyReport(const std::filesystem::path& path);

}  // namespace chokepoint::pipeline
