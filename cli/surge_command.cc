// chokepoint surge: the trend + surge model on one monthly series from CSV.
#include <iostream>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/robustness/models/policy_events.h"
#include "chokepoint/robustness/models/surge.h"
#include "commands.h"
#include "flags.h"

namespace chokepoint::cli {



void RegisterSurgeCommand(CLI::App& app) {
  struct Args {
    SeriesInputFlags series;
    pipeline::SurgeRequest request;  // the flags write into it (defaults there)
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("surge", "Trend + transient-surge model (Ceres, AR(1) errors, robust loss) on one "
                                          "monthly series; model chosen by BIC; verdict.");
  AddSeriesInputFlags(sub, &args->series);
  sub->add_option("--events", args->request.events, "policy events CSV (month,label,source); implies --onsets events");
  sub->add_option("--onsets", args->request.onsets, "free | events")->capture_default_str();
  sub->add_option("--loss", args->request.loss, "none | huber | cauchy")->capture_default_str();
  sub->add_option("--loss-scale", args->request.loss_scale, "loss scale, multiple of the pilot residual scale")
      ->capture_default_str();
  sub->add_option("--max-surges", args->request.max_surges,
                  "surge pulses searched one after another (1 = the single-pulse model)")
      ->capture_default_str();
  sub->add_flag_function("--no-ar1", [args](int64_t) { args->request.ar1 = false; },
                         "independent errors instead of AR(1)");
  sub->add_flag_function("--no-seasonal", [args](int64_t) { args->request.seasonal = false; }, "no month effects");
  sub->callback([args, sub] {
    const pipeline::Series series = LoadPipelineSeries(args->series);
    robustness::SurgeResult r;
    RunNamingFlags(sub, {{"surge.loss_scale", "--loss-scale"}, {"surge.max_surges", "--max-surges"},
                         {"surge.loss", "--loss"}, {"surge.onsets", "--onsets"}},
                   [&] { r = pipeline::SeriesSurge(series, args->request); });
    std::cout << (args->series.json ? pipeline::FormatSurgeJson(r) : r.FullReport());
  });
}

}  // namespace chokepoint::cli
