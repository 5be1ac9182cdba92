// An output file that appears whole or not at all (docs/method.md §9.5).
//
// The file is written under a temporary name in the destination's own
// directory, created exclusively with an unpredictable name (mkstemp: never
// through a planted symlink), made durable (fsync of the file, then of the
// directory after the rename) and renamed over the destination only when the
// writer has closed it without error. On any failure, or if Commit() is
// never reached (an exception, Ctrl-C), the temporary is removed and the
// previous destination is untouched.
//
// Invariants:
//  - the destination, when it exists, is a regular file (or a symlink to
//    one); a directory, device, FIFO or socket is refused before any work;
//  - the temporary is ".<name>.chokepoint-tmp-<pid>-XXXXXX" beside the
//    destination; temporaries left by processes that no longer run (a
//    SIGKILL) are recognised by that name and removed by the next output to
//    the same destination;
//  - every error names the destination the user gave and the system's reason.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace chokepoint {

class AtomicOutput {
 public:
  // Checks the destination, creates missing parent directories, removes
  // stale temporaries, and creates the temporary (empty, mode 0600 until
  // committed). Throws chokepoint::Error (input) naming the destination.
  explicit AtomicOutput(std::filesystem::path final_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }

  // Writes all of `text` to the temporary (for text outputs); a short write
  // (disk full, file size limit) throws naming the destination.
  void Write(std::string_view text);

  // Call after every other handle on the temporary is closed (an HDF5 file
  // closed with its status checked). Verifies the temporary is still the
  // file created here, fsyncs it, gives it the permissions a new file gets
  // (0666 less the umask), renames it over the destination and fsyncs the
  // directory. Throws on any failure, leaving the destination untouched.
  void Commit();

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// The destination a temporary of AtomicOutput stands for, so an error raised
// while writing it (by HDF5, say) names the file the user asked for; any
// other path is returned unchanged.
std::filesystem::path DestinationOf(const std::filesystem::path& path);

// Writes `text` to `path` through an AtomicOutput.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view text);

}  // namespace chokepoint
