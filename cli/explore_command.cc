// `chokepoint explore RUN.h5 [SWEEP.h5] --out page.html` and
// `chokepoint figures RUN.h5 [SWEEP.h5] --out DIR` (pipeline/explore.h).
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/error.h"
#include "chokepoint/pipeline/explore.h"
#include "commands.h"

namespace chokepoint::cli {

namespace {
struct ExploreArgs {
  std::vector<std::string> files;  // RUN [SWEEP]
  std::string out;
  std::string template_file;
  bool no_png = false;
};

std::optional<std::filesystem::path> SweepOf(const ExploreArgs& a) {
  if (a.files.size() == 2) return std::filesystem::path(a.files[1]);
  return std::nullopt;
}

void AddFileArguments(CLI::App* cmd, ExploreArgs* a) {
  cmd->add_option("files", a->files, "RUN.h5 (from chokepoint run) and optionally SWEEP.h5 (from chokepoint sweep)")
      ->required()
      ->expected(1, 2)
      ->check(CLI::ExistingFile);
}
}  // namespace

void RegisterExploreCommand(CLI::App& app) {
  auto a = std::make_shared<ExploreArgs>();
  auto* cmd = app.add_subcommand(
      "explore",
      "Write the referee's explorer: one self-contained HTML page (data and charting library inlined; opens "
      "offline from disk) with the V-G plane and movable thresholds, index-specification pickers, the "
      "specification curve, stability heatmaps, each group's series with its models, and the aggregate shares.");
  AddFileArguments(cmd, a.get());
  cmd->add_option("--out,-o", a->out, "Output HTML file")->required();
  cmd->add_option("--template", a->template_file,
                  "Explorer template (default: the one built from explorer/ with the toolkit)");
  cmd->callback([a] {
    const auto s = pipeline::WriteExplorerPage(a->files[0], SweepOf(*a), a->out, a->template_file);
    std::cout << "wrote " << a->out << " (" << s.bytes << " bytes; template " << s.template_path.string() << ")\n";
  });
}

void RegisterFiguresCommand(CLI::App& app) {
  auto a = std::make_shared<ExploreArgs>();
  auto* cmd = app.add_subcommand(
      "figures",
      "Write the explorer's charts as SVG and PNG files for papers (the same Vega-Lite specifications as the "
      "page, rendered with node; needs node and `npm ci` in explorer/).");
  AddFileArguments(cmd, a.get());
  cmd->add_option("--out,-o", a->out, "New directory for the figures")->required();
  cmd->add_flag("--no-png", a->no_png, "SVG only");
  cmd->callback([a] {
    const auto s = pipeline::WriteFigures(a->files[0], SweepOf(*a), a->out, !a->no_png);
    std::cerr << s.log;
    std::cout << "wrote figures to " << a->out << "\n";
  });
}

}  // namespace chokepoint::cli
