#include <iostream>

#include "chokepoint/core/version.h"
#include "commands.h"

namespace chokepoint::cli {

void RegisterVersionCommand(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the tool version and build.");
  sub->callback([] { std::cout << ToolVersion() << "\n"; });
}

}  // namespace chokepoint::cli
