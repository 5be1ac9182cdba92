// Each subcommand lives in its own file and registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace chokepoint::cli {

void RegisterVersionCommand(CLI::App& app);
void RegisterSweepCommand(CLI::App& app);

}  // namespace chokepoint::cli
