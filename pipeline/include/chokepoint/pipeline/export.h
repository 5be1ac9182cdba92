// `export`: every dataset of a chokepoint HDF5 file (run, sweep, stage and
// study files alike) as CSV tables a spreadsheet, Stata or R user opens with
// nothing else (docs/method.md §9.10):
//
//   <group>.csv          one row per unit of an HDF5 group (a group of the
//                        panel, a year, a batch): column `row` (0-based) and
//                        one column per one-dimensional dataset of the
//                        group's common length;
//   <group>__<name>.csv  every other dataset in long form: one row per
//                        element, columns index_0 .. index_{k-1} and value
//                        (bootstrap replicates, probability matrices, ...);
//   attributes.csv       every attribute: object, name, value (the run's
//                        configuration, seed, tool version among them);
//   dictionary.csv       every column of every table: its HDF5 source, type
//                        (number, integer, text) and meaning/unit.
//
// Numbers are written with 17 significant digits, so every value reads back
// as the double the file holds; NaN is an empty cell. The tables are written
// into a temporary directory beside `out_dir` and renamed to it when all are
// complete; `out_dir` must not exist or be empty.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace chokepoint::pipeline {

struct ExportSummary {
  std::vector<std::string> tables;  // file names written, in order
  long long values = 0;             // data cells written
};

// Throws chokepoint::Error: input (not a chokepoint file, unreadable
// dataset), usage (out_dir exists and is not an empty directory).
ExportSummary ExportCsvTables(const std::filesystem::path& h5_file, const std::filesystem::path& out_dir);

}  // namespace chokepoint::pipeline
