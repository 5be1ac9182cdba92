// chokepoint: technology import substitution and how robust its measurement is.
// Exit codes: 0 ok, 2 bad usage or input, 1 internal error, 130/143 stopped by
// SIGINT/SIGTERM.
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/version.h"
#include "chokepoint/pipeline/distributed.h"
#include "commands.h"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // glibc serves a block of 128 KB or more (its threshold then drifts up to
  // 32 MiB) by a fresh mmap, so each stage's per-run arrays (17 groups x
  // 1,000 replicates of doubles is 136 KB, several per stage) were new pages,
  // faulted in on first touch and unmapped after. A fixed 32 MiB threshold
  // lets them reuse the heap pages earlier stages freed: the default run's
  // bootstrap stage went from 15.7 to 14.5 ms (benchmarks/README.md). Blocks
  // over 32 MiB are still mapped and returned on free; smaller freed blocks
  // stay with the process (the top of the heap is still trimmed past 128 KiB).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
  CLI::App app{"chokepoint: measures technology import substitution (Naughton and Fang) and how robust "
               "that measurement is.",
               "chokepoint"};
  app.set_version_flag("--version", std::string(chokepoint::ToolVersion()));
  app.require_subcommand(1);
  app.fallthrough(false);

  chokepoint::cli::RegisterRunCommand(app);
  chokepoint::cli::RegisterReportCommand(app);
  chokepoint::cli::RegisterExportCommand(app);
  chokepoint::cli::RegisterExploreCommand(app);
  chokepoint::cli::RegisterStudyCommand(app);
  chokepoint::cli::RegisterFiguresCommand(app);
  chokepoint::cli::RegisterConfigCommand(app);
  chokepoint::cli::RegisterVersionCommand(app);
  chokepoint::cli::RegisterAggregateCommand(app);
  chokepoint::cli::RegisterBatchesCommand(app);
  chokepoint::cli::RegisterIngestCommand(app);
  chokepoint::cli::RegisterSimulateCommand(app);
  chokepoint::cli::RegisterBootstrapCommand(app);
  chokepoint::cli::RegisterBlocklengthCommand(app);
  chokepoint::cli::RegisterBreaksCommand(app);
  chokepoint::cli::RegisterHacCommand(app);
  chokepoint::cli::RegisterSurgeCommand(app);
  chokepoint::cli::RegisterModelsCommand(app);
  chokepoint::cli::RegisterSweepCommand(app);
  chokepoint::cli::RegisterCoverageCommand(app);

  chokepoint::InstallInterruptHandlers();
  chokepoint::h5::SkipLibraryCleanupAtExit();
  // Under mpirun (and with an MPI build) the ranks share the work of
  // `study`; MPI is finalised on every return below.
  chokepoint::pipeline::InitDistributed(&argc, &argv);
  struct FinalizeAtExit {
    ~FinalizeAtExit() { chokepoint::pipeline::FinalizeDistributed(); }
  } finalize_at_exit;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The same prefix as every other error (CLI11's own message only names the flag).
    std::cerr << "chokepoint: error: " << e.what() << "\nRun with --help for more information.\n";
    return 2;
  } catch (const chokepoint::Error& e) {
    std::cerr << "chokepoint: " << (e.kind() == chokepoint::ErrorKind::kInterrupted ? "" : "error: ") << e.what()
              << "\n";
    return chokepoint::ExitCodeFor(e.kind());
  } catch (const std::filesystem::filesystem_error& e) {
    // Paths and permissions are the user's to fix, not a bug.
    std::cerr << "chokepoint: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "chokepoint: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
