// `chokepoint report RUN.h5`: Markdown report of a run file, section by section.
#include <iostream>

#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_file.h"
#include "commands.h"

namespace chokepoint::cli {

void RegisterReportCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("report", "Print a Markdown report of a run file.");
  cmd->add_option("run_file", *path, "HDF5 run file written by `chokepoint run`")->required()->check(CLI::ExistingFile);
  cmd->callback([path] {
    h5::File file = h5::File::OpenReadOnly(*path);
    const RunBaseView base = ReadRunBase(file.id(), *path);
    std::cout << FormatBaseReport(base);
  });
}

}  // namespace chokepoint::cli
