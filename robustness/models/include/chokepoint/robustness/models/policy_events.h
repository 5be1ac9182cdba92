// Dated policy events (data/events/policy_events.csv: month,label,source):
// pinned surge onsets for the models and markers in reports.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "chokepoint/core/period.h"

namespace chokepoint::robustness {

// A dated policy event (data/events/policy_events.csv: month,label,source).
struct PolicyEvent {
  YearMonth month;
  std::string label;
  std::string source;
};
// Reads month,label,source rows (header required; '#' lines skipped).
// Throws chokepoint::Error (input) naming file and line on bad rows.
std::vector<PolicyEvent> ReadPolicyEvents(const std::filesystem::path& path);
// DataDirectory() / "events/policy_events.csv".
std::filesystem::path DefaultPolicyEventsPath();

}  // namespace chokepoint::robustness
