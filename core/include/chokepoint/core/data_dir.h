// Where the embedded data (catalog, scenarios, reference series) lives:
// $CHOKEPOINT_DATA_DIR if set, else the source tree's data/ recorded at build.
#pragma once

#include <filesystem>

namespace chokepoint {
std::filesystem::path DataDirectory();
}  // namespace chokepoint
