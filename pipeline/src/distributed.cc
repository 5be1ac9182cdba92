#include "chokepoint/pipeline/distributed.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chokepoint/core/error.h"

#ifdef CHOKEPOINT_HAVE_MPI
#include <mpi.h>
#endif

namespace chokepoint::pipeline {

namespace {
bool g_mpi = false;

[[noreturn]] void Rethrow(ErrorKind kind, const std::string& message) { throw Error(kind, message); }

// The error a throwing `work` left, as (kind, message).
struct Failure {
  bool failed = false;
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
};

Failure Capture(const std::function<std::string()>& work, std::string* out) {
  Failure f;
  try {
    *out = work();
  } catch (const Error& e) {
    f = {true, e.kind(), e.what()};
  } catch (const std::exception& e) {
    f = {true, ErrorKind::kInternal, e.what()};
  }
  return f;
}
}  // namespace

void InitDistributed(int* argc, char*** argv) {
#ifdef CHOKEPOINT_HAVE_MPI
  // Only under mpirun: a plain run never touches MPI.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMIX_RANK") == nullptr) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  g_mpi = true;
#else
  (void)argc;
  (void)argv;
#endif
}

void FinalizeDistributed() {
#ifdef CHOKEPOINT_HAVE_MPI
  if (g_mpi) {
    // Every rank has printed its line (an error the ranks agreed on, or
    // nothing) before any exits: mpirun stops the others at the first
    // non-zero exit.
    std::fflush(stderr);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
  }
  g_mpi = false;
#endif
}

Ranks CurrentRanks() {
  Ranks r;
#ifdef CHOKEPOINT_HAVE_MPI
  if (g_mpi) {
    MPI_Comm_rank(MPI_COMM_WORLD, &r.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r.size);
  }
#endif
  return r;
}

std::vector<std::string> GatherOrFail(const std::function<std::string()>& work) {
  std::string mine;
  const Failure failure = Capture(work, &mine);
  const Ranks ranks = CurrentRanks();
  if (!ranks.distributed()) {
    if (failure.failed) Rethrow(failure.kind, failure.message);
    return {std::move(mine)};
  }
#ifdef CHOKEPOINT_HAVE_MPI
  // Agree on the lowest failing rank; it tells every rank what went wrong.
  int failed_rank = failure.failed ? ranks.rank : ranks.size;
  int lowest = ranks.size;
  MPI_Allreduce(&failed_rank, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (lowest < ranks.size) {
    std::string message = failure.message;
    int length = static_cast<int>(message.size()), kind = static_cast<int>(failure.kind);
    MPI_Bcast(&length, 1, MPI_INT, lowest, MPI_COMM_WORLD);
    MPI_Bcast(&kind, 1, MPI_INT, lowest, MPI_COMM_WORLD);
    message.resize(static_cast<size_t>(length));
    MPI_Bcast(message.data(), length, MPI_CHAR, lowest, MPI_COMM_WORLD);
    Rethrow(static_cast<ErrorKind>(kind),
            "rank " + std::to_string(lowest) + " of " + std::to_string(ranks.size) + ": " + message);
  }
  // Gather every rank's bytes at rank 0.
  const long long n = static_cast<long long>(mine.size());
  std::vector<long long> sizes(static_cast<size_t>(ranks.size));
  MPI_Gather(&n, 1, MPI_LONG_LONG, sizes.data(), 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  std::vector<std::string> out;
  if (ranks.is_root()) {
    out.resize(static_cast<size_t>(ranks.size));
    out[0] = std::move(mine);
    for (int r = 1; r < ranks.size; ++r) {
      out[static_cast<size_t>(r)].resize(static_cast<size_t>(sizes[static_cast<size_t>(r)]));
      // Chunks under 1 GiB: MPI counts are int.
      size_t done = 0;
      while (done < out[static_cast<size_t>(r)].size()) {
        const int chunk = static_cast<int>(std::min<size_t>(out[static_cast<size_t>(r)].size() - done, 1u << 30));
        MPI_Recv(out[static_cast<size_t>(r)].data() + done, chunk, MPI_CHAR, r, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        done += static_cast<size_t>(chunk);
      }
    }
  } else {
    size_t done = 0;
    while (done < mine.size()) {
      const int chunk = static_cast<int>(std::min<size_t>(mine.size() - done, 1u << 30));
      MPI_Send(mine.data() + done, chunk, MPI_CHAR, 0, 7, MPI_COMM_WORLD);
      done += static_cast<size_t>(chunk);
    }
  }
  return out;
#else
  return {};
#endif
}

}  // namespace chokepoint::pipeline
