// Each subcommand lives in its own file and registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace chokepoint::cli {

void RegisterVersionCommand(CLI::App& app);
void RegisterRunCommand(CLI::App& app);
void RegisterConfigCommand(CLI::App& app);
void RegisterReportCommand(CLI::App& app);
void RegisterAggregateCommand(CLI::App& app);
void RegisterBatchesCommand(CLI::App& app);
void RegisterIngestCommand(CLI::App& app);
void RegisterExploreCommand(CLI::App& app);
void RegisterStudyCommand(CLI::App& app);     // pipeline/study.h   // pipeline/explore.h
void RegisterFiguresCommand(CLI::App& app);
void RegisterSimulateCommand(CLI::App& app);
void RegisterBootstrapCommand(CLI::App& app);    // bootstrap/ (single series)
void RegisterBlocklengthCommand(CLI::App& app);  // bootstrap/
void RegisterBreaksCommand(CLI::App& app);
void RegisterHacCommand(CLI::App& app);
void RegisterSurgeCommand(CLI::App& app);
void RegisterModelsCommand(CLI::App& app);
void RegisterSweepCommand(CLI::App& app);
void RegisterCoverageCommand(CLI::App& app);
void RegisterExportCommand(CLI::App& app);

}  // namespace chokepoint::cli
