#include "chokepoint/core/memory_limit.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "chokepoint/core/error.h"

namespace chokepoint {

namespace {

std::string FormatBytes(double bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) {
    bytes /= 1024.0;
    ++u;
  }
  char out[64];
  std::snprintf(out, sizeof out, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return out;
}

}  // namespace

uint64_t MemoryLimitBytes() {
  if (const char* text = std::getenv("CHOKEPOINT_MEMORY_LIMIT"); text && *text) {
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    double scale = 1.0;
    if (end && *end) {
      switch (std::toupper(static_cast<unsigned char>(*end))) {
        case 'K': scale = 1024.0; break;
        case 'M': scale = 1024.0 * 1024.0; break;
        case 'G': scale = 1024.0 * 1024.0 * 1024.0; break;
        case 'T': scale = 1024.0 * 1024.0 * 1024.0 * 1024.0; break;
        default: scale = 0.0;
      }
      if (scale > 0.0 && end[1] != '\0' && !(std::toupper(static_cast<unsigned char>(end[1])) == 'B' && end[2] == '\0'))
        scale = 0.0;
    }
    if (!(value > 0.0) || scale == 0.0 || end == text)
      ThrowUsageError(std::string("CHOKEPOINT_MEMORY_LIMIT must be a size such as 8G, 512M or a byte count, got \"") +
                      text + "\"");
    return static_cast<uint64_t>(value * scale);
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;  // unknown: no limit
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 2;
}

void CheckMemoryEstimate(std::string_view what, double bytes) {
  const uint64_t limit = MemoryLimitBytes();
  if (bytes <= static_cast<double>(limit)) return;
  const bool from_env = std::getenv("CHOKEPOINT_MEMORY_LIMIT") && *std::getenv("CHOKEPOINT_MEMORY_LIMIT");
  ThrowUsageError(std::string(what) + " need " + FormatBytes(bytes) + "; the limit is " +
                  FormatBytes(static_cast<double>(limit)) +
                  (from_env ? " (CHOKEPOINT_MEMORY_LIMIT)" : " (half of physical memory; set CHOKEPOINT_MEMORY_LIMIT to change it)"));
}

}  // namespace chokepoint
