#include "checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "chokepoint/core/error.h"

namespace chokepoint::pipeline {

std::string CheckpointHeader(std::string_view magic, std::string_view configuration) {
  const uint64_t n = configuration.size();
  std::string h(magic);
  h.append(reinterpret_cast<const char*>(&n), sizeof n);
  h += configuration;
  return h;
}

std::string ReadCheckpointBody(const std::filesystem::path& path, const std::string& header, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowUsageError("--resume: no checkpoint " + path.string() + " (nothing to resume)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.compare(0, header.size(), header) != 0)
    ThrowUsageError("--resume: " + path.string() + " is the checkpoint of another " + std::string(what) +
                    " (or not a checkpoint); resume with the same configuration, data and seed, or remove it");
  return bytes.substr(header.size());
}

void RefuseStaleCheckpoint(const std::filesystem::path& path, std::string_view what) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec))
    ThrowUsageError("a checkpoint of an unfinished " + std::string(what) + " exists: " + path.string() +
                    "; continue it with --resume (same configuration and seed) or remove it");
}

CheckpointWriter::CheckpointWriter(const std::filesystem::path& path, const std::string& header, size_t keep_bytes)
    : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) ThrowInputError(path.string(), 0, 0, std::string("cannot open the checkpoint: ") + std::strerror(errno));
  if (keep_bytes == 0) {
    if (::ftruncate(fd_, 0) != 0) Fail("truncate");
    WriteAll(header.data(), header.size());
  } else if (::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0) {
    Fail("truncate");
  }
  if (::lseek(fd_, 0, SEEK_END) < 0) Fail("seek");
  Sync();
}

CheckpointWriter::~CheckpointWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void CheckpointWriter::Append(std::string_view record) {
  WriteAll(record.data(), record.size());
  Sync();
}

void CheckpointWriter::WriteAll(const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) Fail("write");
    data += w;
    n -= static_cast<size_t>(w);
  }
}

void CheckpointWriter::Sync() {
  if (::fsync(fd_) != 0) Fail("fsync");
}

void CheckpointWriter::Fail(const char* what) {
  ThrowInputError(path_.string(), 0, 0, std::string("checkpoint ") + what + " failed: " + std::strerror(errno));
}

}  // namespace chokepoint::pipeline
