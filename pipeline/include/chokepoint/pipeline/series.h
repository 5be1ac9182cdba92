// Single-series analyses: what `chokepoint bootstrap`, `blocklength`,
// `breaks`, `hac` and `surge` do to one monthly series, shared by the CLI and
// the Python module so both take the same options with the same defaults,
// fail with the same messages and print the same JSON.
//
// Options arrive as the words the CLI and TOML use ("trend", "bartlett",
// "huber", ...); each request resolves them and names the bad one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/bootstrap/block_length.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/period.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/robustness/models/breaks.h"
#include "chokepoint/robustness/models/hac.h"
#include "chokepoint/robustness/models/ols.h"
#include "chokepoint/robustness/models/surge.h"

namespace chokepoint::pipeline {

// One monthly series and where it came from.
struct Series {
  std::vector<double> values;
  std::optional<YearMonth> start;  // first month, when known
  std::string name = "series";     // the column's name
  std::string source;              // file name (or "<python>"): errors and JSON "input" name it
};

// Single-series bootstrap's first month when the series has none: the
// index values do not depend on the calendar, only windows do.
inline constexpr YearMonth kDefaultFirstMonth{2015, 1};

// `bootstrap`: the [index], [thresholds] and [bootstrap] tables of `config`
// (threads limited to [bootstrap] threads). Throws an input error naming
// the source when the series cannot be bootstrapped.
bootstrap::BootstrapResult BootstrapSeries(const Series& series, const PipelineConfig& config);

// `blocklength`: on the series as given (`scheme` empty) or on the object
// the residual, growth or levels scheme resamples.
bootstrap::BlockLengthSelection SeriesBlockLength(const Series& series, std::string_view scheme = {});

// `breaks`.
struct BreaksRequest {
  robustness::BreakOptions options;  // trim, max_breaks, seasonal_fixed, significance, test_replicates, seed, ci_level
  std::string regressors = "trend";  // level | trend
  std::string null_errors = "iid";   // iid | ar1
  bool tests = true;                 // supF/UDmax/WDmax/F(l+1|l) and p-values
};
robustness::BreakResult SeriesBreaks(const Series& series, BreaksRequest request);
std::string FormatBreaksJson(const robustness::BreakResult& result, std::string_view input);

// `hac`.
struct HacRequest {
  std::string regressors = "trend";  // level | trend
  bool seasonal = false;             // 11 month dummies
  std::string kernel = "bartlett";   // bartlett | parzen | qs
  std::string lag = "auto";          // auto, or the lag / bandwidth
  std::string bandwidth_rule;        // with lag auto: nw1994 | andrews (empty: nw1994 for bartlett)
  bool prewhite = false;
  bool adjust = false;
};
struct HacOutcome {
  robustness::OlsResult ols;
  robustness::HacResult hac;
};
HacOutcome SeriesHac(const Series& series, const HacRequest& request);
std::string FormatHacJson(const HacOutcome& outcome, const Series& series, const HacRequest& request);

// `surge`: needs the first month.
struct SurgeRequest {
  std::string events;             // policy events CSV; implies onsets = events
  std::string onsets = "free";    // free | events
  std::string loss = "huber";     // none | huber | cauchy
  double loss_scale = 1.345;      // multiple of the pilot residual scale
  int max_surges = robustness::SurgeOptions{}.max_surges;
  bool ar1 = true;
  bool seasonal = true;
};
robustness::SurgeResult SeriesSurge(const Series& series, const SurgeRequest& request);
std::string FormatSurgeJson(const robustness::SurgeResult& result);

}  // namespace chokepoint::pipeline
