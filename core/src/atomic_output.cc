#include "chokepoint/core/atomic_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "chokepoint/core/error.h"

namespace chokepoint {

namespace {

constexpr std::string_view kTempMarker = ".chokepoint-tmp-";

[[noreturn]] void Fail(const std::filesystem::path& destination, const std::string& what, int error_number) {
  ThrowInputError(destination.string(), 0, 0,
                  what + (error_number ? std::string(": ") + std::strerror(error_number) : std::string()) +
                      "; the previous file, if any, is untouched");
}

std::string_view FileTypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Removes ".<name>.chokepoint-tmp-<pid>-*" beside the destination whose pid
// no longer runs (kill(pid, 0) fails with ESRCH).
void RemoveStaleTemporaries(const std::filesystem::path& directory, const std::string& name) {
  const std::string prefix = "." + name + std::string(kTempMarker);
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    if (entry.size() <= prefix.size() || entry.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = entry.substr(prefix.size());
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos) continue;
    char* end_pid = nullptr;
    const long pid = std::strtol(rest.c_str(), &end_pid, 10);
    if (end_pid != rest.c_str() + dash || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    struct stat st;
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) stale.push_back(it->path());
  }
  for (const auto& p : stale) std::filesystem::remove(p, ec);
}

}  // namespace

std::filesystem::path DestinationOf(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const size_t marker = name.rfind(kTempMarker);
  if (name.empty() || name[0] != '.' || marker == std::string::npos || marker < 2) return path;
  return path.parent_path() / name.substr(1, marker - 1);
}

AtomicOutput::AtomicOutput(std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  if (final_path_.empty() || !final_path_.has_filename())
    ThrowUsageError("output path \"" + final_path_.string() + "\" names no file");
  struct stat st;
  if (::stat(final_path_.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      ThrowInputError(final_path_.string(), 0, 0,
                      "the output exists and is " + std::string(FileTypeName(st.st_mode)) +
                          "; outputs replace regular files only");
  } else if (errno != ENOENT && errno != ENOTDIR) {  // a missing directory is created (or refused) below
    Fail(final_path_, "cannot inspect the output path", errno);
  }
  // Like `mkdir -p` for the output's directory; fail before any work is done.
  const std::filesystem::path directory =
      final_path_.has_parent_path() ? final_path_.parent_path() : std::filesystem::path(".");
  if (final_path_.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec)
      ThrowInputError(final_path_.string(), 0, 0,
                      "cannot create the output directory " + directory.string() + ": " + ec.message());
  }
  const std::string name = final_path_.filename().string();
  RemoveStaleTemporaries(directory, name);
  const std::string temp_name = "." + name + std::string(kTempMarker) + std::to_string(::getpid()) + "-XXXXXX";
  std::string pattern = final_path_.has_parent_path() ? (directory / temp_name).string() : temp_name;
  fd_ = ::mkstemp(pattern.data());  // O_CREAT | O_EXCL, mode 0600
  if (fd_ < 0) Fail(final_path_, "cannot create a temporary file in " + directory.string(), errno);
  ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
  temp_path_ = pattern;
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicOutput::Write(std::string_view text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Fail(final_path_, "cannot write the output", n < 0 ? errno : ENOSPC);
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void AtomicOutput::Commit() {
  if (committed_ || fd_ < 0) ThrowInternalError("AtomicOutput::Commit called twice");
  // The name must still be the file mkstemp created: nothing swapped it for
  // a symlink or another file while the writer had it open by name.
  struct stat by_fd, by_name;
  if (::fstat(fd_, &by_fd) != 0) Fail(final_path_, "cannot inspect the temporary output", errno);
  if (::lstat(temp_path_.c_str(), &by_name) != 0 || by_fd.st_dev != by_name.st_dev || by_fd.st_ino != by_name.st_ino)
    Fail(final_path_, "the temporary output " + temp_path_.string() + " was replaced while being written", 0);
  // New files get 0666 less the umask, as any other tool's output would.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_, 0666 & ~mask) != 0) Fail(final_path_, "cannot set the output's permissions", errno);
  if (::fsync(fd_) != 0) Fail(final_path_, "cannot write the output to disk (fsync)", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) Fail(final_path_, "cannot close the output", errno);
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
    Fail(final_path_, "cannot rename the temporary output into place", errno);
  committed_ = true;
  // The rename itself is durable once the directory is.
  const std::filesystem::path directory =
      final_path_.has_parent_path() ? final_path_.parent_path() : std::filesystem::path(".");
  const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // some file systems refuse fsync on directories; the data is already safe
    ::close(dir);
  }
}

void WriteFileAtomically(const std::filesystem::path& path, std::string_view text) {
  AtomicOutput output(path);
  output.Write(text);
  output.Commit();
}

}  // namespace chokepoint
