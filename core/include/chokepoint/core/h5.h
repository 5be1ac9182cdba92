// A small RAII layer over the HDF5 C API, enough for run files: groups,
// scalar attributes, numeric and UTF-8 string datasets (1-D and 2-D,
// optionally chunked + deflate-compressed), and read-back. Errors throw
// chokepoint::Error naming the file and object.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chokepoint::h5 {

// Owns an hid_t and closes it with the right H5*close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() {  // gives up ownership
    const hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
};

// For executables, before any other HDF5 call: HDF5 then does not close
// files from an exit handler. After a close that failed (disk full) that
// handler crashes the process on a file it can no longer flush; every file
// the tool writes is closed, with its status checked, before exit anyway.
void SkipLibraryCleanupAtExit();

class File {
 public:
  static File Create(const std::filesystem::path& path);  // truncates
  static File OpenReadOnly(const std::filesystem::path& path);
  static File OpenReadWrite(const std::filesystem::path& path);
  hid_t id() const { return handle_.id(); }
  const std::filesystem::path& path() const { return path_; }
  // Flushes and closes, checking both: a write HDF5 could only complete at
  // close (disk full, file size limit) throws, naming the destination the
  // file stands for (DestinationOf). Further use is an error.
  void Close();

 private:
  Handle handle_;
  std::filesystem::path path_;
};

struct WriteOptions {
  // Chunk + deflate (level 4) + shuffle; used for large arrays.
  bool compress = false;
  // Chunk shape; empty picks rows of up to 1 MiB.
  std::vector<hsize_t> chunk;
};

// Creates every missing group on the path ("/bootstrap/intervals").
Handle EnsureGroup(hid_t loc, std::string_view path);
bool Exists(hid_t loc, std::string_view path);

void WriteAttribute(hid_t obj, std::string_view name, std::string_view value);
void WriteAttribute(hid_t obj, std::string_view name, const char* value);
void WriteAttribute(hid_t obj, std::string_view name, int64_t value);
void WriteAttribute(hid_t obj, std::string_view name, double value);
std::string ReadStringAttribute(hid_t obj, std::string_view name);
int64_t ReadIntAttribute(hid_t obj, std::string_view name);
double ReadDoubleAttribute(hid_t obj, std::string_view name);
bool HasAttribute(hid_t obj, std::string_view name);
// A list of strings kept in one string attribute, one item per line (file
// names, provenance lines); an absent attribute reads as an empty list.
void WriteLinesAttribute(hid_t obj, std::string_view name, const std::vector<std::string>& lines);
std::vector<std::string> ReadLinesAttribute(hid_t obj, std::string_view name);

// Every group and dataset under `loc` with its path relative to it
// ("bootstrap/V_point"), in name order; throws an input error when the
// file cannot be listed.
std::vector<std::pair<std::string, H5O_type_t>> ListObjects(hid_t loc);

// dims empty means 1-D of data.size(); otherwise the product must match.
void WriteDoubles(hid_t loc, std::string_view path, std::span<const double> data,
                  std::vector<hsize_t> dims = {}, const WriteOptions& options = {});
void WriteInt64s(hid_t loc, std::string_view path, std::span<const int64_t> data,
                 std::vector<hsize_t> dims = {}, const WriteOptions& options = {});
void WriteInt32s(hid_t loc, std::string_view path, std::span<const int32_t> data,
                 std::vector<hsize_t> dims = {}, const WriteOptions& options = {});
void WriteUint8s(hid_t loc, std::string_view path, std::span<const uint8_t> data,
                 std::vector<hsize_t> dims = {}, const WriteOptions& options = {});
// Variable-length UTF-8 strings (h5py reads them as str / bytes objects).
void WriteStrings(hid_t loc, std::string_view path, const std::vector<std::string>& data,
                  std::vector<hsize_t> dims = {});

// Readers check the element type (numbers or strings) before reading; the
// overloads taking a Shape also check the dataset's rank and extents
// (kAnyExtent matches any length in its dimension). A mismatch is an input
// error naming the file, the dataset, and the expected and found shapes,
// never an out-of-bounds read later.
inline constexpr hsize_t kAnyExtent = ~hsize_t{0};
using Shape = std::vector<hsize_t>;

// The name of the file holding an object ("" if unknown), for messages.
std::string FileName(hid_t loc);

std::vector<hsize_t> Dimensions(hid_t loc, std::string_view path);
std::vector<double> ReadDoubles(hid_t loc, std::string_view path);
std::vector<int64_t> ReadInt64s(hid_t loc, std::string_view path);
std::vector<uint8_t> ReadUint8s(hid_t loc, std::string_view path);
std::vector<std::string> ReadStrings(hid_t loc, std::string_view path);
std::vector<double> ReadDoubles(hid_t loc, std::string_view path, const Shape& expected);
std::vector<int64_t> ReadInt64s(hid_t loc, std::string_view path, const Shape& expected);
std::vector<uint8_t> ReadUint8s(hid_t loc, std::string_view path, const Shape& expected);
std::vector<std::string> ReadStrings(hid_t loc, std::string_view path, const Shape& expected);


}  // namespace chokepoint::h5
