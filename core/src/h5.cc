#include "chokepoint/core/h5.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <system_error>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/error.h"

namespace chokepoint::h5 {

namespace {

void CloseId(hid_t id) {
  if (id < 0) return;
  switch (H5Iget_type(id)) {
    case H5I_FILE: H5Fclose(id); break;
    case H5I_GROUP: H5Gclose(id); break;
    case H5I_DATASET: H5Dclose(id); break;
    case H5I_DATASPACE: H5Sclose(id); break;
    case H5I_DATATYPE: H5Tclose(id); break;
    case H5I_ATTR: H5Aclose(id); break;
    case H5I_GENPROP_LST: H5Pclose(id); break;
    default: break;
  }
}

hid_t Check(hid_t id, std::string_view what) {
  if (id < 0) ThrowInternalError("HDF5: " + std::string(what));
  return id;
}
void CheckStatus(herr_t s, std::string_view what) {
  if (s < 0) ThrowInternalError("HDF5: " + std::string(what));
}

std::string Str(std::string_view s) { return std::string(s); }

// Silences HDF5's automatic error stack printing (our errors say what
// failed). Called when a file is first created or opened, not by a static
// initialiser: initialising HDF5 before main() would make an executable's
// SkipLibraryCleanupAtExit() come too late.
void QuietErrors() {
  static const bool quiet = (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), true);
  (void)quiet;
}

Handle StringType() {
  Handle t(Check(H5Tcopy(H5T_C_S1), "copy string type"));
  CheckStatus(H5Tset_size(t.id(), H5T_VARIABLE), "set string size");
  CheckStatus(H5Tset_cset(t.id(), H5T_CSET_UTF8), "set UTF-8");
  return t;
}

std::vector<hsize_t> ResolveDims(std::vector<hsize_t> dims, size_t n, std::string_view path) {
  if (dims.empty()) return {static_cast<hsize_t>(n)};
  const hsize_t prod = std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
  if (prod != n) ThrowInternalError("HDF5: dims of " + Str(path) + " do not match data size");
  return dims;
}

// Splits "a/b/c" into parent "a/b" and leaf "c" and creates the parent.
Handle ParentOf(hid_t loc, std::string_view path, std::string* leaf) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    *leaf = Str(path);
    return Handle(Check(H5Oopen(loc, ".", H5P_DEFAULT), "open location"));
  }
  *leaf = Str(path.substr(slash + 1));
  std::string_view parent = path.substr(0, slash);
  if (parent.empty()) return Handle(Check(H5Gopen2(loc, "/", H5P_DEFAULT), "open root"));
  return EnsureGroup(loc, parent);
}

void WriteNumeric(hid_t loc, std::string_view path, const void* data, size_t n, hid_t mem_type,
                  hid_t file_type, std::vector<hsize_t> dims, const WriteOptions& options,
                  size_t elem_size) {
  dims = ResolveDims(std::move(dims), n, path);
  std::string leaf;
  Handle parent = ParentOf(loc, path, &leaf);
  if (H5Lexists(parent.id(), leaf.c_str(), H5P_DEFAULT) > 0)
    CheckStatus(H5Ldelete(parent.id(), leaf.c_str(), H5P_DEFAULT), "replace " + Str(path));
  Handle space(Check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"));
  Handle dcpl(Check(H5Pcreate(H5P_DATASET_CREATE), "dcpl"));
  if (options.compress && n > 0) {
    std::vector<hsize_t> chunk = options.chunk;
    if (chunk.empty()) {
      chunk = dims;
      // Rows of at most ~1 MiB per chunk, at least one element per dimension.
      const size_t max_elems = std::max<size_t>(1, (1u << 20) / elem_size);
      size_t elems = 1;
      for (size_t d = dims.size(); d-- > 0;) {
        chunk[d] = std::max<hsize_t>(1, std::min<hsize_t>(dims[d], max_elems / std::max<size_t>(1, elems)));
        elems *= chunk[d];
      }
    }
    CheckStatus(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), "chunk");
    CheckStatus(H5Pset_shuffle(dcpl.id()), "shuffle");
    CheckStatus(H5Pset_deflate(dcpl.id(), 4), "deflate");
  }
  Handle ds(Check(H5Dcreate2(parent.id(), leaf.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(),
                             H5P_DEFAULT),
                  "create dataset " + Str(path)));
  if (n > 0)
    CheckStatus(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + Str(path));
}

}  // namespace

std::string FileName(hid_t loc) {
  const ssize_t size = H5Fget_name(loc, nullptr, 0);
  if (size <= 0) return "";
  std::string name(static_cast<size_t>(size) + 1, '\0');
  H5Fget_name(loc, name.data(), name.size());
  name.resize(static_cast<size_t>(size));
  return name;
}

namespace {

// The absolute name of an object ("/bootstrap/V_point"), or `fallback`.
std::string ObjectNameOf(hid_t obj, std::string_view fallback) {
  const ssize_t size = H5Iget_name(obj, nullptr, 0);
  if (size <= 0) return Str(fallback);
  std::string name(static_cast<size_t>(size) + 1, '\0');
  H5Iget_name(obj, name.data(), name.size());
  name.resize(static_cast<size_t>(size));
  return name;
}

// A step of reading an object (an id, or a status) that failed although the
// file opened: the file is damaged (or written by another program), which is
// the user's input, so an input error naming the file and the object.
hid_t CheckInFile(hid_t id_or_status, hid_t obj, std::string_view what) {
  if (id_or_status < 0)
    ThrowInputError(FileName(obj), 0, 0, "HDF5 " + Str(what) + " cannot be read (a damaged file?)");
  return id_or_status;
}

std::string FormatShape(const std::vector<hsize_t>& dims) {
  std::string out = "(";
  for (size_t k = 0; k < dims.size(); ++k) {
    if (k) out += ", ";
    out += dims[k] == kAnyExtent ? std::string("any") : std::to_string(dims[k]);
  }
  return out + (dims.size() == 1 ? ",)" : ")");
}

// Opens a dataset for reading and checks what the reader needs before any
// byte is read: numbers (integer or float) or variable-length strings, and,
// when `expected` is given, the shape. Errors are input errors naming the
// file and the dataset (a damaged or foreign file is the user's input).
Handle OpenForRead(hid_t loc, std::string_view path, bool strings, const Shape* expected, hssize_t* count) {
  Handle ds(H5Lexists(loc, Str(path).c_str(), H5P_DEFAULT) > 0 ? H5Dopen2(loc, Str(path).c_str(), H5P_DEFAULT)
                                                              : H5I_INVALID_HID);
  const std::string file = FileName(loc);
  if (!ds.valid()) ThrowInputError(file, 0, 0, "HDF5 dataset " + ObjectNameOf(loc, "") + "/" + Str(path) + " not found");
  const std::string name = ObjectNameOf(ds.id(), path);
  Handle type(CheckInFile(H5Dget_type(ds.id()), ds.id(), "the type of dataset " + name));
  const H5T_class_t type_class = H5Tget_class(type.id());
  const bool ok_type = strings ? type_class == H5T_STRING && H5Tis_variable_str(type.id()) > 0
                               : type_class == H5T_INTEGER || type_class == H5T_FLOAT;
  if (!ok_type)
    ThrowInputError(file, 0, 0,
                    "HDF5 dataset " + name + " holds " +
                        (type_class == H5T_STRING ? "strings" : type_class == H5T_INTEGER || type_class == H5T_FLOAT
                                                                    ? "numbers"
                                                                    : "another type") +
                        ", expected " + (strings ? "variable-length strings" : "numbers"));
  Handle space(CheckInFile(H5Dget_space(ds.id()), ds.id(), "the shape of dataset " + name));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  if (expected) {
    bool match = dims.size() == expected->size();
    for (size_t k = 0; match && k < dims.size(); ++k) match = (*expected)[k] == kAnyExtent || (*expected)[k] == dims[k];
    if (!match)
      ThrowInputError(file, 0, 0,
                      "HDF5 dataset " + name + " has shape " + FormatShape(dims) + ", expected " +
                          FormatShape(*expected) + " (a damaged file, or one another program changed)");
  }
  *count = H5Sget_simple_extent_npoints(space.id());
  return ds;
}

template <typename T>
std::vector<T> ReadNumeric(hid_t loc, std::string_view path, hid_t mem_type, const Shape* expected = nullptr) {
  hssize_t n = 0;
  Handle ds = OpenForRead(loc, path, false, expected, &n);
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0)
    CheckInFile(H5Dread(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), ds.id(),
                    "dataset " + ObjectNameOf(ds.id(), path));
  return out;
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    CloseId(id_);
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}
Handle::~Handle() { CloseId(id_); }

void SkipLibraryCleanupAtExit() { H5dont_atexit(); }

File File::Create(const std::filesystem::path& path) {
  QuietErrors();
  File f;
  f.path_ = path;
  f.handle_ = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  if (!f.handle_.valid())
    ThrowInputError(DestinationOf(path).string(), 0, 0,
                    "cannot create the HDF5 output (is its directory writable?); nothing was written");
  return f;
}
File File::OpenReadOnly(const std::filesystem::path& path) {
  QuietErrors();
  File f;
  f.path_ = path;
  f.handle_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.handle_.valid()) ThrowInputError(path.string(), 0, 0, "cannot open as an HDF5 file");
  return f;
}
File File::OpenReadWrite(const std::filesystem::path& path) {
  QuietErrors();
  File f;
  f.path_ = path;
  f.handle_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  if (!f.handle_.valid()) ThrowInputError(path.string(), 0, 0, "cannot open HDF5 file for writing");
  return f;
}
void File::Close() {
  if (!handle_.valid()) return;
  const hid_t id = handle_.release();
  errno = 0;
  const herr_t flushed = H5Fflush(id, H5F_SCOPE_LOCAL);
  int error_number = errno;
  const herr_t closed = H5Fclose(id);
  if (!error_number) error_number = errno;
  if (flushed < 0 || closed < 0)
    ThrowInputError(DestinationOf(path_).string(), 0, 0,
                    std::string("HDF5 could not write the file out (disk full, file size limit or I/O error") +
                        (error_number ? std::string(": ") + std::strerror(error_number) : std::string()) +
                        "); the previous file, if any, is untouched");
}

Handle EnsureGroup(hid_t loc, std::string_view path) {
  std::string current;
  size_t pos = 0;
  if (!path.empty() && path.front() == '/') { current = "/"; pos = 1; }
  Handle g(Check(H5Oopen(loc, current.empty() ? "." : current.c_str(), H5P_DEFAULT), "open group"));
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    const std::string part = Str(path.substr(pos, next - pos));
    pos = next + 1;
    if (part.empty()) continue;
    if (H5Lexists(g.id(), part.c_str(), H5P_DEFAULT) > 0) {
      g = Handle(Check(H5Gopen2(g.id(), part.c_str(), H5P_DEFAULT), "open group " + part));
    } else {
      g = Handle(Check(H5Gcreate2(g.id(), part.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "create group " + part));
    }
  }
  return g;
}

bool Exists(hid_t loc, std::string_view path) {
  std::string walked;
  size_t pos = 0;
  if (!path.empty() && path.front() == '/') { walked = "/"; pos = 1; }
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (!walked.empty() && walked.back() != '/') walked += '/';
    walked += Str(path.substr(pos, next - pos));
    pos = next + 1;
    if (H5Lexists(loc, walked.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

namespace {
void DeleteAttrIfExists(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
}
}  // namespace

void WriteAttribute(hid_t obj, std::string_view name, std::string_view value) {
  const std::string n = Str(name), v = Str(value);
  DeleteAttrIfExists(obj, n);
  Handle type = StringType();
  Handle space(Check(H5Screate(H5S_SCALAR), "scalar space"));
  Handle attr(Check(H5Acreate2(obj, n.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + n));
  const char* ptr = v.c_str();
  CheckStatus(H5Awrite(attr.id(), type.id(), &ptr), "write attribute " + n);
}
void WriteAttribute(hid_t obj, std::string_view name, const char* value) {
  WriteAttribute(obj, name, std::string_view(value));
}
void WriteAttribute(hid_t obj, std::string_view name, int64_t value) {
  const std::string n = Str(name);
  DeleteAttrIfExists(obj, n);
  Handle space(Check(H5Screate(H5S_SCALAR), "scalar space"));
  Handle attr(Check(H5Acreate2(obj, n.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + n));
  CheckStatus(H5Awrite(attr.id(), H5T_NATIVE_INT64, &value), "write attribute " + n);
}
void WriteAttribute(hid_t obj, std::string_view name, double value) {
  const std::string n = Str(name);
  DeleteAttrIfExists(obj, n);
  Handle space(Check(H5Screate(H5S_SCALAR), "scalar space"));
  Handle attr(Check(H5Acreate2(obj, n.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + n));
  CheckStatus(H5Awrite(attr.id(), H5T_NATIVE_DOUBLE, &value), "write attribute " + n);
}

bool HasAttribute(hid_t obj, std::string_view name) { return H5Aexists(obj, Str(name).c_str()) > 0; }

void WriteLinesAttribute(hid_t obj, std::string_view name, const std::vector<std::string>& lines) {
  std::string joined;
  for (const auto& l : lines) joined += (joined.empty() ? "" : "\n") + l;
  WriteAttribute(obj, name, std::string_view(joined));
}

std::vector<std::string> ReadLinesAttribute(hid_t obj, std::string_view name) {
  std::vector<std::string> lines;
  if (!HasAttribute(obj, name)) return lines;
  const std::string s = ReadStringAttribute(obj, name);
  for (size_t start = 0; start < s.size();) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

namespace {
herr_t CollectObject(hid_t, const char* name, const H5O_info_t* info, void* data) {
  auto* out = static_cast<std::vector<std::pair<std::string, H5O_type_t>>*>(data);
  if (std::string_view(name) != ".") out->emplace_back(name, info->type);
  return 0;
}
}  // namespace

std::vector<std::pair<std::string, H5O_type_t>> ListObjects(hid_t loc) {
  std::vector<std::pair<std::string, H5O_type_t>> objects;
  if (H5Ovisit2(loc, H5_INDEX_NAME, H5_ITER_INC, CollectObject, &objects, H5O_INFO_BASIC) < 0)
    ThrowInputError(FileName(loc), 0, 0, "cannot list the file's objects");
  return objects;
}

namespace {
std::string AttributeLabel(hid_t obj, std::string_view name) {
  return "attribute " + ObjectNameOf(obj, "") + ":" + Str(name);
}

// An attribute opened for reading one value: it must exist, hold exactly one
// element (an array attribute read into one value would overrun it) and be
// of the class asked for (numbers: integer or float); anything else is a
// damaged file, an input error naming the attribute.
Handle OpenOneValueAttribute(hid_t obj, std::string_view name, bool want_string) {
  Handle attr(H5Aopen(obj, Str(name).c_str(), H5P_DEFAULT));
  const std::string what = AttributeLabel(obj, name), label = "HDF5 " + what;
  if (!attr.valid()) ThrowInputError(FileName(obj), 0, 0, label + " not found");
  Handle space(CheckInFile(H5Aget_space(attr.id()), obj, "the shape of " + what));
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  if (points != 1)
    ThrowInputError(FileName(obj), 0, 0, label + " holds " + std::to_string(points) + " values, expected one");
  Handle type(CheckInFile(H5Aget_type(attr.id()), obj, "the type of " + what));
  const H5T_class_t c = H5Tget_class(type.id());
  const bool ok = want_string ? c == H5T_STRING : (c == H5T_INTEGER || c == H5T_FLOAT);
  if (!ok) ThrowInputError(FileName(obj), 0, 0, label + (want_string ? " is not a string" : " is not a number"));
  return attr;
}
}  // namespace

std::string ReadStringAttribute(hid_t obj, std::string_view name) {
  Handle attr = OpenOneValueAttribute(obj, name, true);
  const std::string what = AttributeLabel(obj, name);
  Handle ftype(CheckInFile(H5Aget_type(attr.id()), obj, "the type of " + what));
  if (H5Tis_variable_str(ftype.id()) > 0) {
    Handle mtype = StringType();
    char* ptr = nullptr;
    CheckInFile(H5Aread(attr.id(), mtype.id(), &ptr), obj, what);
    std::string out = ptr ? ptr : "";
    H5free_memory(ptr);
    return out;
  }
  const size_t size = H5Tget_size(ftype.id());
  std::string out(size, '\0');
  Handle mtype(Check(H5Tcopy(H5T_C_S1), "type"));
  H5Tset_size(mtype.id(), size);
  CheckInFile(H5Aread(attr.id(), mtype.id(), out.data()), obj, what);
  out.resize(std::strlen(out.c_str()));
  return out;
}
int64_t ReadIntAttribute(hid_t obj, std::string_view name) {
  Handle attr = OpenOneValueAttribute(obj, name, false);
  int64_t v = 0;
  CheckInFile(H5Aread(attr.id(), H5T_NATIVE_INT64, &v), obj, AttributeLabel(obj, name));
  return v;
}
double ReadDoubleAttribute(hid_t obj, std::string_view name) {
  Handle attr = OpenOneValueAttribute(obj, name, false);
  double v = 0;
  CheckInFile(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), obj, AttributeLabel(obj, name));
  return v;
}

void WriteDoubles(hid_t loc, std::string_view path, std::span<const double> data, std::vector<hsize_t> dims,
                  const WriteOptions& options) {
  WriteNumeric(loc, path, data.data(), data.size(), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, std::move(dims),
               options, sizeof(double));
}
void WriteInt64s(hid_t loc, std::string_view path, std::span<const int64_t> data, std::vector<hsize_t> dims,
                 const WriteOptions& options) {
  WriteNumeric(loc, path, data.data(), data.size(), H5T_NATIVE_INT64, H5T_STD_I64LE, std::move(dims), options,
               sizeof(int64_t));
}
void WriteInt32s(hid_t loc, std::string_view path, std::span<const int32_t> data, std::vector<hsize_t> dims,
                 const WriteOptions& options) {
  WriteNumeric(loc, path, data.data(), data.size(), H5T_NATIVE_INT32, H5T_STD_I32LE, std::move(dims), options,
               sizeof(int32_t));
}
void WriteUint8s(hid_t loc, std::string_view path, std::span<const uint8_t> data, std::vector<hsize_t> dims,
                 const WriteOptions& options) {
  WriteNumeric(loc, path, data.data(), data.size(), H5T_NATIVE_UINT8, H5T_STD_U8LE, std::move(dims), options,
               sizeof(uint8_t));
}

void WriteStrings(hid_t loc, std::string_view path, const std::vector<std::string>& data,
                  std::vector<hsize_t> dims) {
  dims = ResolveDims(std::move(dims), data.size(), path);
  std::string leaf;
  Handle parent = ParentOf(loc, path, &leaf);
  if (H5Lexists(parent.id(), leaf.c_str(), H5P_DEFAULT) > 0)
    CheckStatus(H5Ldelete(parent.id(), leaf.c_str(), H5P_DEFAULT), "replace " + Str(path));
  Handle type = StringType();
  Handle space(Check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"));
  Handle ds(Check(H5Dcreate2(parent.id(), leaf.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT),
                  "create dataset " + Str(path)));
  std::vector<const char*> ptrs;
  ptrs.reserve(data.size());
  for (const auto& s : data) ptrs.push_back(s.c_str());
  if (ptrs.empty()) return;
  // Variable-length strings go through HDF5's type conversion, whose buffer
  // (1 MiB by default) is allocated and zeroed on every write: with the
  // hundreds of small string datasets of a run file that was half of a short
  // run's time, in page faults. 64 KiB holds any of them at once.
  Handle transfer(Check(H5Pcreate(H5P_DATASET_XFER), "transfer properties"));
  CheckStatus(H5Pset_buffer(transfer.id(), 64 * 1024, nullptr, nullptr), "conversion buffer");
  CheckStatus(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, transfer.id(), ptrs.data()), "write " + Str(path));
}

std::vector<hsize_t> Dimensions(hid_t loc, std::string_view path) {
  Handle ds(H5Dopen2(loc, Str(path).c_str(), H5P_DEFAULT));
  if (!ds.valid()) ThrowInputError(FileName(loc), 0, 0, "HDF5 dataset " + Str(path) + " not found");
  Handle space(CheckInFile(H5Dget_space(ds.id()), ds.id(), "the shape of dataset " + ObjectNameOf(ds.id(), path)));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  return dims;
}

std::vector<double> ReadDoubles(hid_t loc, std::string_view path) {
  return ReadNumeric<double>(loc, path, H5T_NATIVE_DOUBLE);
}
std::vector<double> ReadDoubles(hid_t loc, std::string_view path, const Shape& expected) {
  return ReadNumeric<double>(loc, path, H5T_NATIVE_DOUBLE, &expected);
}
std::vector<int64_t> ReadInt64s(hid_t loc, std::string_view path, const Shape& expected) {
  return ReadNumeric<int64_t>(loc, path, H5T_NATIVE_INT64, &expected);
}
std::vector<uint8_t> ReadUint8s(hid_t loc, std::string_view path, const Shape& expected) {
  return ReadNumeric<uint8_t>(loc, path, H5T_NATIVE_UINT8, &expected);
}
std::vector<int64_t> ReadInt64s(hid_t loc, std::string_view path) {
  return ReadNumeric<int64_t>(loc, path, H5T_NATIVE_INT64);
}
std::vector<uint8_t> ReadUint8s(hid_t loc, std::string_view path) {
  return ReadNumeric<uint8_t>(loc, path, H5T_NATIVE_UINT8);
}

namespace {
std::vector<std::string> ReadStringData(hid_t loc, std::string_view path, const Shape* expected) {
  hssize_t n = 0;
  Handle ds = OpenForRead(loc, path, true, expected, &n);
  Handle space(CheckInFile(H5Dget_space(ds.id()), ds.id(), "the shape of dataset " + ObjectNameOf(ds.id(), path)));
  Handle type = StringType();
  std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
  if (n > 0)
    CheckInFile(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), ds.id(),
                    "dataset " + ObjectNameOf(ds.id(), path));
  std::vector<std::string> out;
  out.reserve(ptrs.size());
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (n > 0) H5Dvlen_reclaim(type.id(), space.id(), H5P_DEFAULT, ptrs.data());
  return out;
}
}  // namespace

std::vector<std::string> ReadStrings(hid_t loc, std::string_view path) { return ReadStringData(loc, path, nullptr); }
std::vector<std::string> ReadStrings(hid_t loc, std::string_view path, const Shape& expected) {
  return ReadStringData(loc, path, &expected);
}

}  // namespace chokepoint::h5
