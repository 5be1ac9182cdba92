// Runs over several processes with Open MPI (docs/method.md §9.12): when the
// executable was built with MPI and started by mpirun, work units are split
// over ranks (each rank using its TBB threads), rank 0 gathers them, merges
// in unit order and writes the file, which is bit for bit the single-process
// file. Without MPI (or without mpirun) there is one rank and nothing here
// costs anything.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace chokepoint::pipeline {

// Starts MPI when the process was launched by mpirun (and the build has
// MPI); call once from main. Finalize at exit.
void InitDistributed(int* argc, char*** argv);
void FinalizeDistributed();

struct Ranks {
  int rank = 0;
  int size = 1;
  bool distributed() const { return size > 1; }
  bool is_root() const { return rank == 0; }
};
Ranks CurrentRanks();

// Runs `work` on every rank; if it throws on any rank, every rank throws the
// lowest failing rank's error ("rank R of N: message"), so every process
// exits non-zero with the same message and no rank writes. Otherwise
// returns each rank's bytes gathered at rank 0 (in rank order; empty on the
// other ranks).
std::vector<std::string> GatherOrFail(const std::function<std::string()>& work);

}  // namespace chokepoint::pipeline
