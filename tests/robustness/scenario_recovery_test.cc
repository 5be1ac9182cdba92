// Small version of the recovery study on the shipped scenarios (docs/method.md §8.7)
// (benchmarks: BM_ScenarioRecoveryStudy/500 runs the full 500 draws).
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "chokepoint/robustness/models/models.h"
#include "chokepoint/robustness/models/scenario_recovery.h"

namespace chokepoint::robustness {
namespace {

TEST(ScenarioRecovery, PlantedEventsAreRecoveredOnTheShippedScenarios) {
  ScenarioRecoveryOptions study;
  study.draws = 12;
  study.first_seed = 1001;  // not the seeds of the full study
  const ModelsOptions models;
  const ScenarioRecoveryResult r = RunScenarioRecovery(study, models.surge, models.breaks);
  EXPECT_EQ(r.surge_onset, (YearMonth{2020, 6}));
  EXPECT_DOUBLE_EQ(r.surge_half_life, 4.0);
  EXPECT_EQ(r.break_month, (YearMonth{2019, 1}));
  // Targets of the full study are 90% / 90% / <= 10%; with 12 draws allow
  // one miss more than those rates would give.
  EXPECT_GE(r.surge_recovered, 10) << r.FullReport();
  EXPECT_GE(r.break_model_recovered, 10) << r.FullReport();
  EXPECT_LE(r.none_false_any, 2) << r.FullReport();
}

TEST(ScenarioRecovery, SameCountsOnOneAndTwoThreads) {
  ScenarioRecoveryOptions study;
  study.draws = 3;
  const ModelsOptions models;
  BreakOptions breaks = models.breaks;
  breaks.compute_tests = false;
  ScenarioRecoveryResult one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = RunScenarioRecovery(study, models.surge, breaks);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = RunScenarioRecovery(study, models.surge, breaks);
  }
  EXPECT_EQ(one.surge_recovered, two.surge_recovered);
  EXPECT_EQ(one.break_bp_recovered, two.break_bp_recovered);
  EXPECT_EQ(one.none_bp_false_break, two.none_bp_false_break);
}

}  // namespace
}  // namespace chokepoint::robustness
