// Shared by the fuzz targets: run one input through a parser; a
// chokepoint::Error is the parser rejecting bad input (expected), anything
// else escaping is a finding (libFuzzer reports the uncaught exception as a
// crash, as it does sanitizer reports).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chokepoint/core/error.h"

namespace chokepoint::fuzz {

template <typename F>
void Expecting(F&& parse) {
  try {
    parse();
  } catch (const Error&) {
  }
}

inline std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace chokepoint::fuzz
