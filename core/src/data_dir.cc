#include "chokepoint/core/data_dir.h"

#include <cstdlib>

#include "chokepoint/version.h"

namespace chokepoint {
std::filesystem::path DataDirectory() {
  if (const char* env = std::getenv("CHOKEPOINT_DATA_DIR"); env && *env) return env;
  return kSourceDataDir;
}
}  // namespace chokepoint
