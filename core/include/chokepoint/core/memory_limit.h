// The memory a command may plan to use (docs/method.md §9.5): large
// allocations are estimated from the inputs and checked here before any
// work, so an impossible request (--replicates 2147483647) is a usage error
// with the estimate and the limit, not std::bad_alloc or the kernel's OOM
// killer half-way through.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chokepoint {

// The limit in bytes: the one set for this process (run.memory_limit,
// --memory-limit), else CHOKEPOINT_MEMORY_LIMIT when set ("8G", "512M",
// "100000K" or a plain byte count), otherwise half of physical memory.
// Throws a usage error when the variable cannot be read.
uint64_t MemoryLimitBytes();

// Parses a size as the variable spells it; nullopt when it is not one.
std::optional<uint64_t> TryParseMemorySize(std::string_view text);
// The same; throws a usage error naming `field`.
uint64_t ParseMemorySize(std::string_view text, std::string_view field);

// Sets this process's limit (0: back to the variable or the default);
// `origin` names where it came from in messages ("run.memory_limit").
void SetMemoryLimit(uint64_t bytes, std::string_view origin);

// Throws a usage error naming `what` when `bytes` exceeds the limit, e.g.
// "bootstrap replicate arrays (17 groups x 2147483647 replicates x 6
// statistics) need 1.6 TB; the limit is 11.8 GB (half of physical memory;
// set CHOKEPOINT_MEMORY_LIMIT to change it)" on a 23.5 GB machine.
void CheckMemoryEstimate(std::string_view what, double bytes);

}  // namespace chokepoint
