// The tool version recorded in every run file and report. Defined in one
// translation unit (core/src/version.cc), so a new commit rebuilds that file
// alone, not every file that prints the version.
#pragma once

namespace chokepoint {

// "chokepoint <project version> (<git describe>)".
const char* ToolVersion();
// The install prefix's data directory recorded at configure time.
const char* InstalledDataDirectory();

}  // namespace chokepoint
