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
    std::string events, onsets = "free", loss = "huber";
    double loss_scale = 1.345;
    int max_surges = pipeline::SurgeRequest{}.max_surges;
    bool no_ar1 = false, no_seasonal = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("surge", "Trend + transient-surge model (Ceres, AR(1) errors, robust loss) on one "
                                          "monthly series; model chosen by BIC; verdict.");
  AddSeriesInputFlags(sub, &args->series);
  sub->add_option("--events", args->events, "policy events CSV (month,label,source); implies --onsets events");
  sub->add_option("--onsets", args->onsets, "free | events")->capture_default_str();
  sub->add_option("--loss", args->loss, "none | huber | cauchy")->capture_default_str();
  sub->add_option("--loss-scale", args->loss_scale, "loss scale, multiple of the pilot residual scale")
      ->capture_default_str();
  sub->add_option("--max-surges", args->max_surges,
                  "surge pulses searched one after another (1 = the single-pulse model)")
      ->capture_default_str();
  sub->add_flag("--no-ar1", args->no_ar1, "independent errors instead of AR(1)");
  sub->add_flag("--no-seasonal", args->no_seasonal, "no month effects");
  sub->callback([args] {
    const pipeline::Series series = LoadPipelineSeries(args->series);
    pipeline::SurgeRequest request;
    request.events = args->events;
    request.onsets = args->onsets;
    request.loss = args->loss;
    request.loss_scale = args->loss_scale;
    request.max_surges = args->max_surges;
    request.ar1 = !args->no_ar1;
    request.seasonal = !args->no_seasonal;
    const robustness::SurgeResult r = pipeline::SeriesSurge(series, request);
    std::cout << (args->series.json ? pipeline::FormatSurgeJson(r) : r.FullReport());
  });
}

}  // namespace chokepoint::cli
