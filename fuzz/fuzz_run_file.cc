// Run files as `chokepoint report` reads them: the base section, the
// bootstrap, aggregate and batches sections (ReadRunBase, ReadBootstrapSection,
// ReadAggregateSection, ReadBatchesSection, and each Format*Report).
//
// Structure-aware: HDF5 1.10 parses a file's bytes before any of our checks,
// so random bytes would mostly exercise HDF5. Instead each input is a list of
// edits applied, through the HDF5 API, to an in-memory copy of a real run
// file (fuzz/templates/run_small.h5): delete an object or attribute, replace
// a dataset by one of another shape or element type, overwrite elements with
// extreme values (NaN, inf, 1e308, negative counts, out-of-range codes) or
// strings with arbitrary bytes. Whatever the edits, a reader must either
// accept the file or throw chokepoint::Error; a crash, a sanitizer report or
// any other exception is a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/core/aggregate_io.h"
#include "chokepoint/core/batches_io.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_file.h"
#include "fuzz_util.h"

namespace {

using chokepoint::h5::Handle;

std::vector<char>& Template() {
  static std::vector<char> bytes;
  return bytes;
}

// Objects (datasets and groups, relative paths) and attributes (object path,
// name) of the template, in name order: edits address them by index.
struct Inventory {
  std::vector<std::string> datasets;
  std::vector<std::string> groups;
  std::vector<std::pair<std::string, std::string>> attributes;
};

std::vector<std::string> AttributeNames(hid_t obj) {
  std::vector<std::string> names;
  H5O_info_t info;
  if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) return names;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    char name[256];
    if (H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) > 0)
      names.emplace_back(name);
  }
  return names;
}

Handle OpenImage(const std::vector<char>& image) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_core(fapl.id(), 1 << 16, 0);  // in memory, never written back
  H5Pset_file_image(fapl.id(), const_cast<char*>(image.data()), image.size());
  return Handle(H5Fopen("fuzz_run.h5", H5F_ACC_RDWR, fapl.id()));
}

Inventory Survey(hid_t file) {
  Inventory inv;
  for (const std::string& a : AttributeNames(file)) inv.attributes.emplace_back("/", a);
  for (const auto& [path, type] : chokepoint::h5::ListObjects(file)) {
    if (type == H5O_TYPE_DATASET) inv.datasets.push_back(path);
    if (type == H5O_TYPE_GROUP) inv.groups.push_back(path);
    Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
    for (const std::string& a : AttributeNames(obj.id())) inv.attributes.emplace_back(path, a);
  }
  return inv;
}

const Inventory& TemplateInventory() {
  static const Inventory inventory = [] {
    Handle file = OpenImage(Template());
    return Survey(file.id());
  }();
  return inventory;
}

double ExtremeDouble(FuzzedDataProvider& in) {
  static const double kValues[] = {std::numeric_limits<double>::quiet_NaN(),
                                   std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(),
                                   1e308,
                                   -1e308,
                                   0.0,
                                   -1.0,
                                   -0.0,
                                   1e-310,
                                   4.0e9,
                                   -2147483649.0,
                                   9.3e18,
                                   17.0,
                                   99.0};
  if (in.ConsumeBool()) return in.ConsumeFloatingPoint<double>();
  return kValues[in.ConsumeIntegralInRange<size_t>(0, std::size(kValues) - 1)];
}

int64_t ExtremeInteger(FuzzedDataProvider& in) {
  static const int64_t kValues[] = {-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 255, 256, 65535, 2147483647,
                                    -2147483648LL, std::numeric_limits<int64_t>::max(),
                                    std::numeric_limits<int64_t>::min()};
  if (in.ConsumeBool()) return in.ConsumeIntegral<int64_t>();
  return kValues[in.ConsumeIntegralInRange<size_t>(0, std::size(kValues) - 1)];
}

std::vector<hsize_t> DatasetDims(hid_t file, const std::string& path) {
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  Handle space(H5Dget_space(ds.id()));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  return dims;
}

H5T_class_t DatasetClass(hid_t file, const std::string& path) {
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  Handle type(H5Dget_type(ds.id()));
  return H5Tget_class(type.id());
}

// A new dataset at `path` (the old one deleted) of element kind `kind`
// (0 double, 1 int64, 2 uint8, 3 int32, 4 float, 5 string) and shape dims,
// filled from the input.
void Replace(hid_t file, const std::string& path, int kind, const std::vector<hsize_t>& dims,
             FuzzedDataProvider& in) {
  H5Ldelete(file, path.c_str(), H5P_DEFAULT);
  size_t count = 1;
  for (hsize_t d : dims) count *= static_cast<size_t>(d);
  using namespace chokepoint::h5;
  switch (kind) {
    case 0: {
      std::vector<double> v(count);
      for (double& x : v) x = in.remaining_bytes() > 0 ? ExtremeDouble(in) : 0.0;
      WriteDoubles(file, path, v, dims);
      return;
    }
    case 1: {
      std::vector<int64_t> v(count);
      for (int64_t& x : v) x = in.remaining_bytes() > 0 ? ExtremeInteger(in) : 0;
      WriteInt64s(file, path, v, dims);
      return;
    }
    case 2: {
      std::vector<uint8_t> v(count);
      for (uint8_t& x : v) x = in.ConsumeIntegral<uint8_t>();
      WriteUint8s(file, path, v, dims);
      return;
    }
    case 3: {
      std::vector<int32_t> v(count);
      for (int32_t& x : v) x = static_cast<int32_t>(in.remaining_bytes() > 0 ? ExtremeInteger(in) : 0);
      WriteInt32s(file, path, v, dims);
      return;
    }
    case 4: {  // 32-bit floats: a type the writer never uses
      std::vector<float> v(count);
      for (float& x : v) x = static_cast<float>(in.remaining_bytes() > 0 ? ExtremeDouble(in) : 0.0);
      std::vector<hsize_t> d = dims.empty() ? std::vector<hsize_t>{count} : dims;
      Handle space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr));
      Handle ds(H5Dcreate2(file, path.c_str(), H5T_NATIVE_FLOAT, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (ds.valid()) H5Dwrite(ds.id(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      return;
    }
    default: {
      std::vector<std::string> v(count);
      for (std::string& x : v) x = in.ConsumeRandomLengthString(24);
      WriteStrings(file, path, v, dims);
      return;
    }
  }
}

void ApplyEdit(hid_t file, const Inventory& inv, FuzzedDataProvider& in) {
  const int op = in.ConsumeIntegralInRange<int>(0, 7);
  auto pick = [&](const auto& list) -> const auto& {
    return list[in.ConsumeIntegralInRange<size_t>(0, list.size() - 1)];
  };
  if (op <= 4 && inv.datasets.empty()) return;
  switch (op) {
    case 0:  // delete a dataset
      H5Ldelete(file, pick(inv.datasets).c_str(), H5P_DEFAULT);
      return;
    case 1: {  // same element kind, another shape
      const std::string& path = pick(inv.datasets);
      if (!chokepoint::h5::Exists(file, path)) return;
      std::vector<hsize_t> dims = DatasetDims(file, path);
      const int rank = in.ConsumeIntegralInRange<int>(0, 3);
      dims.resize(static_cast<size_t>(rank), 1);
      for (hsize_t& d : dims) {
        const int how = in.ConsumeIntegralInRange<int>(0, 3);
        if (how == 0) d = 0;
        else if (how == 1) d = d > 0 ? d - 1 : 0;
        else if (how == 2) d = d + 1;
        else d = in.ConsumeIntegralInRange<hsize_t>(0, 40);
      }
      size_t count = 1;
      for (hsize_t d : dims) count *= static_cast<size_t>(d);
      if (count > 20000) return;
      const H5T_class_t c = DatasetClass(file, path);
      const int kind = c == H5T_STRING ? 5 : c == H5T_FLOAT ? 0 : 1;
      Replace(file, path, kind, dims, in);
      return;
    }
    case 2: {  // same shape, another element type
      const std::string& path = pick(inv.datasets);
      if (!chokepoint::h5::Exists(file, path)) return;
      const std::vector<hsize_t> dims = DatasetDims(file, path);
      size_t count = 1;
      for (hsize_t d : dims) count *= static_cast<size_t>(d);
      if (count > 20000) return;
      Replace(file, path, in.ConsumeIntegralInRange<int>(0, 5), dims, in);
      return;
    }
    case 3:
    case 4: {  // same shape and kind, some elements extreme
      const std::string& path = pick(inv.datasets);
      if (!chokepoint::h5::Exists(file, path)) return;
      const std::vector<hsize_t> dims = DatasetDims(file, path);
      size_t count = 1;
      for (hsize_t d : dims) count *= static_cast<size_t>(d);
      if (count == 0 || count > 20000) return;
      // Read, overwrite 1-4 elements with `next()`, write back in place.
      auto overwrite = [&](auto values, auto next, auto write) {
        const int edits = in.ConsumeIntegralInRange<int>(1, 4);
        for (int e = 0; e < edits && !values.empty(); ++e)
          values[in.ConsumeIntegralInRange<size_t>(0, values.size() - 1)] = next();
        H5Ldelete(file, path.c_str(), H5P_DEFAULT);
        write(file, path, values, dims);
      };
      using namespace chokepoint::h5;
      const H5T_class_t c = DatasetClass(file, path);
      if (c == H5T_STRING)
        overwrite(ReadStrings(file, path), [&] { return in.ConsumeRandomLengthString(32); },
                  [](hid_t f, const std::string& p, const auto& v, const auto& d) { WriteStrings(f, p, v, d); });
      else if (c == H5T_FLOAT)
        overwrite(ReadDoubles(file, path), [&] { return ExtremeDouble(in); },
                  [](hid_t f, const std::string& p, const auto& v, const auto& d) { WriteDoubles(f, p, v, d); });
      else if (c == H5T_INTEGER)
        overwrite(ReadInt64s(file, path), [&] { return ExtremeInteger(in); },
                  [](hid_t f, const std::string& p, const auto& v, const auto& d) { WriteInt64s(f, p, v, d); });
      return;
    }
    case 5:  // delete a group
      if (!inv.groups.empty()) H5Ldelete(file, pick(inv.groups).c_str(), H5P_DEFAULT);
      return;
    case 6:
    case 7: {  // delete an attribute, or give it another type or value
      if (inv.attributes.empty()) return;
      const auto& [object, name] = pick(inv.attributes);
      if (object != "/" && !chokepoint::h5::Exists(file, object)) return;
      Handle obj(H5Oopen(file, object.c_str(), H5P_DEFAULT));
      if (!obj.valid()) return;
      if (H5Aexists(obj.id(), name.c_str()) > 0) H5Adelete(obj.id(), name.c_str());
      if (op == 6) return;
      switch (in.ConsumeIntegralInRange<int>(0, 2)) {
        case 0:
          chokepoint::h5::WriteAttribute(obj.id(), name, in.ConsumeRandomLengthString(48));
          return;
        case 1:
          chokepoint::h5::WriteAttribute(obj.id(), name, ExtremeInteger(in));
          return;
        default:
          chokepoint::h5::WriteAttribute(obj.id(), name, ExtremeDouble(in));
          return;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // HDF5's own error stack print: noise here
  std::ifstream in(CHOKEPOINT_FUZZ_RUN_TEMPLATE, std::ios::binary);
  Template().assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (Template().empty()) __builtin_trap();  // no template: nothing to fuzz
  (void)TemplateInventory();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chokepoint;
  FuzzedDataProvider in(data, size);
  Handle file = OpenImage(Template());
  if (!file.valid()) __builtin_trap();
  const Inventory& inv = TemplateInventory();
  const int edits = in.ConsumeIntegralInRange<int>(1, 8);
  for (int e = 0; e < edits && in.remaining_bytes() > 0; ++e) {
    try {
      ApplyEdit(file.id(), inv, in);
    } catch (const Error&) {
      // an edit the HDF5 layer refused (e.g. a string that is not UTF-8): keep going
    }
  }
  // What `chokepoint report` does, section by section.
  fuzz::Expecting([&] { (void)FormatBaseReport(ReadRunBase(file.id(), "fuzz_run.h5")); });
  fuzz::Expecting([&] {
    if (h5::Exists(file.id(), "/bootstrap"))
      (void)bootstrap::FormatBootstrapReport(bootstrap::ReadBootstrapSection(file.id()));
  });
  fuzz::Expecting([&] {
    if (h5::Exists(file.id(), "/aggregate")) (void)FormatAggregateReport(ReadAggregateSection(file.id()));
  });
  fuzz::Expecting([&] {
    if (h5::Exists(file.id(), "/batches")) (void)FormatBatchesReport(ReadBatchesSection(file.id()));
  });
  // Every object a reader opened must be closed again: a leaked id would keep
  // this in-memory file open, and the next input would reopen it, edits and
  // all (HDF5 shares an open file by name), so inputs would not replay.
  file = Handle();
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) __builtin_trap();
  return 0;
}
