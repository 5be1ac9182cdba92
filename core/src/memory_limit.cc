#include "chokepoint/core/memory_limit.h"

#include <unistd.h>

#include <cctype>
#include <cmath>
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

namespace {
uint64_t g_limit = 0;  // set by SetMemoryLimit (0 = none); configuration is resolved before work starts
std::string g_origin;
}  // namespace

std::optional<uint64_t> TryParseMemorySize(std::string_view text_view) {
  const std::string text(text_view);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
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
  if (!(value > 0.0) || scale == 0.0 || end == text.c_str() || !std::isfinite(value * scale) || value * scale > 1e19)
    return std::nullopt;
  return static_cast<uint64_t>(value * scale);
}

uint64_t ParseMemorySize(std::string_view text, std::string_view field) {
  if (auto v = TryParseMemorySize(text)) return *v;
  ThrowUsageError(std::string(field) + " must be a size such as 8G, 512M or a byte count, got \"" + std::string(text) +
                  "\"");
}

void SetMemoryLimit(uint64_t bytes, std::string_view origin) {
  g_limit = bytes;
  g_origin = bytes ? std::string(origin) : std::string();
}

uint64_t MemoryLimitBytes() {
  if (g_limit > 0) return g_limit;
  if (const char* text = std::getenv("CHOKEPOINT_MEMORY_LIMIT"); text && *text)
    return ParseMemorySize(text, "CHOKEPOINT_MEMORY_LIMIT");
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;  // unknown: no limit
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 2;
}

void CheckMemoryEstimate(std::string_view what, double bytes) {
  const uint64_t limit = MemoryLimitBytes();
  if (bytes <= static_cast<double>(limit)) return;
  const bool from_env = std::getenv("CHOKEPOINT_MEMORY_LIMIT") && *std::getenv("CHOKEPOINT_MEMORY_LIMIT");
  const std::string origin =
      g_limit > 0 ? " (" + g_origin + ")"
      : from_env  ? std::string(" (CHOKEPOINT_MEMORY_LIMIT)")
                  : std::string(" (half of physical memory; set run.memory_limit, --memory-limit or "
                                "CHOKEPOINT_MEMORY_LIMIT to change it)");
  ThrowUsageError(std::string(what) + " need " + FormatBytes(bytes) + "; the limit is " +
                  FormatBytes(static_cast<double>(limit)) + origin);
}

}  // namespace chokepoint
