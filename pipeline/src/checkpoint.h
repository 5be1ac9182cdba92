// Side files of long runs (docs/method.md §9.12): a header naming the format
// and the resolved configuration (a resume must be of the same run), then
// records appended and fsynced as work finishes. A record cut short by a
// kill is ignored and overwritten on resume. Records are this machine's raw
// bytes: a checkpoint is resumed where it was written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace chokepoint::pipeline {

// magic (one line) + uint64 length + configuration text.
std::string CheckpointHeader(std::string_view magic, std::string_view configuration);

// The bytes after `header` of an existing checkpoint; throws a usage error
// when the file is missing ("nothing to resume") or has another header
// (`what` names the run kind in the message).
std::string ReadCheckpointBody(const std::filesystem::path& path, const std::string& header, std::string_view what);

// Throws a usage error when a checkpoint exists but no resume was asked.
void RefuseStaleCheckpoint(const std::filesystem::path& path, std::string_view what);

class CheckpointWriter {
 public:
  // Starts a new checkpoint (keep_bytes == 0: truncate and write the header)
  // or continues one whose first keep_bytes bytes are valid.
  CheckpointWriter(const std::filesystem::path& path, const std::string& header, size_t keep_bytes);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;
  // Appends one record and fsyncs it.
  void Append(std::string_view record);

 private:
  void WriteAll(const char* data, size_t n);
  void Sync();
  [[noreturn]] void Fail(const char* what);
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace chokepoint::pipeline
