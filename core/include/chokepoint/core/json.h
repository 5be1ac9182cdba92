// Small helpers for hand-written JSON output (the CLI's --json, the Python
// module's to_dict): full double precision (%.17g) and null for non-finite
// values (JSON has no NaN).
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace chokepoint::json {

inline std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

inline std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

template <typename T, typename F>
std::string JsonArray(const std::vector<T>& values, F&& format) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + format(values[i]);
  return out + "]";
}

inline std::string JsonNumbers(const std::vector<double>& v) { return JsonArray(v, JsonNumber); }
inline std::string JsonInts(const std::vector<int>& v) {
  return JsonArray(v, [](int x) { return std::to_string(x); });
}

}  // namespace chokepoint::json
