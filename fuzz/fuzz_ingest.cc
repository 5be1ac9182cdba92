// Ingest of import files (canonical long CSV, China Customs exports in
// UTF-8 or GB18030, UN Comtrade), strict and lenient, through the same
// entry point as `chokepoint ingest` (a file: the input goes through a
// memory file, /proc/self/fd/N).
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "chokepoint/core/ingest.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chokepoint;
  const int fd = memfd_create("fuzz_ingest.csv", 0);
  if (fd < 0) return 0;
  size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  for (bool lenient : {false, true}) {
    IngestOptions options;
    options.lenient = lenient;
    options.jan_feb = lenient ? JanFebPolicy::kSplit : JanFebPolicy::kReject;
    fuzz::Expecting([&] { IngestFiles({path}, options); });
  }
  close(fd);
  return 0;
}
