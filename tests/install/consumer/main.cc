// Uses the installed library the way another project would: resolve a
// configuration, load the shipped synthetic panel from the installed data
// directory, classify the groups and print one line per group. The expected
// regimes are the talk's (docs/method.md §3.5), which the default scenario
// reproduces.
#include <cstdio>
#include <string>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/data.h"

int main() {
  try {
    // A library user's executable is not beside share/chokepoint: it names
    // the data directory the package reported.
    chokepoint::SetDataDirectory(CHOKEPOINT_INSTALLED_DATA);
    chokepoint::pipeline::ConfigOverrides overrides;
    const chokepoint::pipeline::PipelineConfig config = chokepoint::pipeline::ResolveConfig(overrides);
    const chokepoint::pipeline::GroupData data = chokepoint::pipeline::LoadPanelGroups(config.data, config.run.seed);
    const chokepoint::BaseAnalysis analysis =
        chokepoint::AnalyzeGroups(data.series, config.index, config.thresholds);
    std::printf("data_dir %s\n", chokepoint::DataDirectory().c_str());
    for (int g = 0; g < data.series.num_groups(); ++g)
      std::printf("%s\t%s\n", data.series.groups[g].name.c_str(),
                  analysis.classes[g] ? std::string(chokepoint::ToString(analysis.classes[g]->regime)).c_str()
                                      : "undefined");
    return 0;
  } catch (const chokepoint::Error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 2;
  }
}
