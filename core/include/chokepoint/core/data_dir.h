// Where the shipped data (catalog, scenarios, BEC tables, GDP, policy events)
// lives. First match wins:
//   1. SetDataDirectory(), which the pipeline calls for `[data] dir` or
//      --data-dir;
//   2. the environment variable CHOKEPOINT_DATA_DIR;
//   3. ../share/chokepoint beside the running executable (an installed
//      prefix, and the build tree, where CMake links it to the source data/);
//   4. the install prefix's share/chokepoint, recorded at configure time.
// Run files and reports never record this machine's location: paths inside
// the data directory are written as "<data>/catalog" (DataRelativePath), and
// every loader resolves that spelling back (ResolveDataPath).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace chokepoint {

std::filesystem::path DataDirectory();
// Overrides the search for this process; an empty path restores it.
void SetDataDirectory(std::filesystem::path dir);

inline constexpr std::string_view kDataPrefix = "<data>/";
// "<data>/rest" for a path inside DataDirectory(); anything else unchanged.
std::string DataRelativePath(const std::filesystem::path& path);
// The inverse: "<data>/rest" becomes DataDirectory() / rest.
std::filesystem::path ResolveDataPath(std::string_view path);

}  // namespace chokepoint
