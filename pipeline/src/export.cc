#include "chokepoint/pipeline/export.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>
#include <system_error>

#include <hdf5.h>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"

namespace chokepoint::pipeline {
namespace {

enum class ColumnType { kNumber, kInteger, kText };

std::string_view ToString(ColumnType t) {
  switch (t) {
    case ColumnType::kNumber: return "number";
    case ColumnType::kInteger: return "integer";
    case ColumnType::kText: return "text";
  }
  return "?";
}

// One dataset, read whole; cells as CSV text in row-major order.
struct Dataset {
  std::string path;    // "/bootstrap/V_point"
  std::string parent;  // "/bootstrap"
  std::string name;    // "V_point"
  std::vector<hsize_t> dims;
  ColumnType type = ColumnType::kNumber;
  std::vector<std::string> cells;
};

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string NumberText(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "" : (v > 0 ? "inf" : "-inf");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Dataset ReadDataset(hid_t file, const std::string& path) {
  Dataset d;
  d.path = path;
  const size_t slash = path.rfind('/');
  d.parent = slash == 0 ? "/" : path.substr(0, slash);
  d.name = path.substr(slash + 1);
  d.dims = h5::Dimensions(file, path);
  const h5::Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  const h5::Handle type(H5Dget_type(dataset.id()));
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls == H5T_STRING) {
    d.type = ColumnType::kText;
    for (const std::string& s : h5::ReadStrings(file, path)) d.cells.push_back(CsvField(s));
  } else if (cls == H5T_INTEGER) {
    d.type = ColumnType::kInteger;
    for (int64_t v : h5::ReadInt64s(file, path)) d.cells.push_back(std::to_string(v));
  } else if (cls == H5T_FLOAT) {
    for (double v : h5::ReadDoubles(file, path)) d.cells.push_back(NumberText(v));
  } else {
    ThrowInputError(h5::FileName(file), 0, 0, "dataset " + path + " has an element type export does not know");
  }
  return d;
}

// Meaning and unit of a column, by its dataset's name (docs/method.md).
std::string Describe(const Dataset& d) {
  static const std::map<std::string, std::string> known = {
      {"V", "volatility index V = s / mean over the window (dimensionless; §2.2)"},
      {"G", "growth index G = weighted mean / base - 1 (dimensionless; §2.3)"},
      {"V_point", "V of the observed series (§2.2)"},
      {"G_point", "G of the observed series (§2.3)"},
      {"V_replicates", "bootstrap replicates of V (§5)"},
      {"G_replicates", "bootstrap replicates of G (§5)"},
      {"V_signal_replicates", "bootstrap replicates of the signal estimand's V (§5.13)"},
      {"G_signal_replicates", "bootstrap replicates of the signal estimand's G (§5.13)"},
      {"regime", "regime: stockpiling, no_effect or substitution (§3)"},
      {"point_regime", "regime of the point estimates (§3)"},
      {"regime_probability", "share of replicates in each regime: stockpiling, no_effect, substitution (§5)"},
      {"cell_probability", "share of replicates in each of the six volatility x growth cells, row-major (§3.2)"},
      {"volatility_level", "volatility level: high, medium or low (§3.1)"},
      {"growth_level", "growth level: high or low (§3.1)"},
      {"status", "index status: ok, or why V and G are undefined (§2.6)"},
      {"name", "group name (catalog)"},
      {"group_names", "group name (catalog)"},
      {"group_ids", "group id (catalog)"},
      {"months", "month, YYYY-MM"},
      {"values", "value in US$ (panel cell or group sum)"},
      {"present", "1 if the cell was observed, 0 if missing"},
      {"semiconductor", "1 for semiconductor-related groups (override rule, §3.1)"},
      {"years", "calendar year"},
      {"block_length", "bootstrap block length used, months (§5.5)"},
      {"detail_group", "position (0-based) in groups/name of a group whose tables at every threshold point are "
                       "written (§6.10)"},
  };
  const auto it = known.find(d.name);
  std::string text = it != known.end() ? it->second : "dataset " + d.path;
  if (it == known.end()) {
    if (d.name.ends_with("_usd")) text += " (US$)";
    else if (d.name.ends_with("_pct_gdp")) text += " (% of GDP)";
  }
  return text + "; see docs/method.md §9.6 for the file layout";
}

// "/bootstrap/intervals" -> "bootstrap_intervals"; the root -> "root".
std::string TableName(const std::string& group) {
  if (group == "/") return "root";
  std::string out = group.substr(1);
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

struct Table {
  std::string file;
  std::string text;
};


// Every attribute of `object` as (name, text).
std::vector<std::pair<std::string, std::string>> Attributes(hid_t file, const std::string& object) {
  std::vector<std::pair<std::string, std::string>> out;
  const h5::Handle obj(H5Oopen(file, object.c_str(), H5P_DEFAULT));
  H5O_info_t info;
  if (H5Oget_info2(obj.id(), &info, H5O_INFO_NUM_ATTRS) < 0) return out;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    char name[512];
    if (H5Aget_name_by_idx(obj.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0)
      continue;
    const h5::Handle attr(H5Aopen(obj.id(), name, H5P_DEFAULT));
    const h5::Handle type(H5Aget_type(attr.id()));
    const H5T_class_t cls = H5Tget_class(type.id());
    std::string value;
    if (cls == H5T_STRING) value = h5::ReadStringAttribute(obj.id(), name);
    else if (cls == H5T_INTEGER) value = std::to_string(h5::ReadIntAttribute(obj.id(), name));
    else if (cls == H5T_FLOAT) value = NumberText(h5::ReadDoubleAttribute(obj.id(), name));
    else value = "(element type not exported)";
    out.emplace_back(name, value);
  }
  return out;
}

}  // namespace

ExportSummary ExportCsvTables(const std::filesystem::path& h5_file, const std::filesystem::path& out_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !(fs::is_directory(out_dir, ec) && fs::is_empty(out_dir, ec)))
    ThrowUsageError("export: " + out_dir.string() +
                    " exists and is not an empty directory; give a new directory (nothing was written)");
  h5::File file = h5::File::OpenReadOnly(h5_file);
  const hid_t id = file.id();
  if (!h5::HasAttribute(id, "tool_version"))
    ThrowInputError(h5_file.string(), 0, 0, "not a chokepoint file (no tool_version attribute at its root)");

  const auto objects = h5::ListObjects(id);

  std::vector<Table> tables;
  ExportSummary summary;
  std::string dictionary = "table,column,source,type,description\n";
  std::string attributes = "object,name,value\n";
  for (const auto& [name, value] : Attributes(id, "/"))
    attributes += "/," + CsvField(name) + "," + CsvField(value) + "\n";

  // Datasets by group, in path order.
  std::map<std::string, std::vector<Dataset>> by_group;
  for (const auto& [name, type] : objects) {
    const std::string path = "/" + name;
    if (type == H5O_TYPE_DATASET) {
      Dataset d = ReadDataset(id, path);
      by_group[d.parent].push_back(std::move(d));
    }
    for (const auto& [attribute, value] : Attributes(id, path))
      attributes += CsvField(path) + "," + CsvField(attribute) + "," + CsvField(value) + "\n";
  }
  // Sibling groups holding the same kind of result (the models' per-group
  // fits /models/surge/<group>, the two estimands) merge into one table with
  // a `member` column naming the sibling: one surge table, not one per group.
  std::map<std::string, std::vector<std::string>> children;  // parent -> member groups
  for (const auto& [group, datasets] : by_group) {
    if (group == "/") continue;
    const size_t slash = group.rfind('/');
    children[slash == 0 ? "/" : group.substr(0, slash)].push_back(group);
  }
  // Siblings merge when they hold mostly the same datasets (names shared by
  // all of them are at least half of all their names): the per-group fits
  // do, unrelated sections under one parent (/models/adjusted, /models/panel)
  // do not.
  std::map<std::string, bool> alike;
  for (const auto& [parent, members] : children) {
    if (parent == "/" || members.size() < 2) continue;
    std::map<std::string, size_t> count;
    for (const std::string& m : members)
      for (const Dataset& d : by_group[m]) ++count[d.name];
    size_t shared = 0;
    for (const auto& [name, n] : count) shared += n == members.size();
    alike[parent] = 2 * shared >= count.size();
  }
  auto member_parent = [&](const std::string& group) -> std::string {
    if (group == "/") return "";
    const size_t slash = group.rfind('/');
    const std::string parent = slash == 0 ? "/" : group.substr(0, slash);
    return alike.count(parent) && alike[parent] ? parent : "";
  };
  // Table name -> (columns, rows); rows hold cells by column name.
  struct Rows {
    std::vector<std::string> columns;                // in first-seen order
    std::map<std::string, std::string> sources;     // column -> HDF5 path (pattern)
    std::map<std::string, ColumnType> types;
    std::map<std::string, std::string> meanings;
    std::vector<std::map<std::string, std::string>> rows;
    void AddColumn(const std::string& c, const std::string& source, ColumnType type, const std::string& meaning) {
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) {
        columns.push_back(c);
        sources[c] = source;
        types[c] = type;
        meanings[c] = meaning;
      }
    }
  };
  std::map<std::string, Rows> built;
  std::vector<std::string> order;
  auto table = [&](const std::string& name) -> Rows& {
    if (!built.count(name)) order.push_back(name);
    return built[name];
  };
  for (auto& [group, datasets] : by_group) {
    const std::string parent = member_parent(group);
    const std::string member = parent.empty() ? "" : group.substr(group.rfind('/') + 1);
    const std::string base = parent.empty() ? TableName(group)
                             : by_group.count(parent) ? TableName(parent) + "_members"
                                                      : TableName(parent);
    const std::string pattern = parent.empty() ? group : parent + "/*";
    // The group's unit count: the most common length of its 1-D datasets.
    std::map<hsize_t, int> lengths;
    for (const Dataset& d : datasets)
      if (d.dims.size() == 1) ++lengths[d.dims[0]];
    hsize_t rows = 0;
    int best = 0;
    for (const auto& [length, count] : lengths)
      if (count > best) best = count, rows = length;
    std::vector<const Dataset*> wide;
    for (const Dataset& d : datasets)
      if (best > 0 && d.dims.size() == 1 && d.dims[0] == rows) wide.push_back(&d);
    if (!wide.empty()) {
      Rows& t = table(base + ".csv");
      if (!member.empty()) t.AddColumn("member", pattern, ColumnType::kText, "the sibling group of " + parent);
      t.AddColumn("row", "", ColumnType::kInteger, "0-based row within " + pattern);
      for (const Dataset* d : wide)
        t.AddColumn(d->name, pattern + "/" + d->name, d->type, Describe(*d));
      for (hsize_t r = 0; r < rows; ++r) {
        std::map<std::string, std::string> row;
        if (!member.empty()) row["member"] = CsvField(member);
        row["row"] = std::to_string(r);
        for (const Dataset* d : wide) row[d->name] = d->cells[r];
        t.rows.push_back(std::move(row));
      }
      summary.values += static_cast<long long>(rows * wide.size());
    }
    for (const Dataset& d : datasets) {
      if (std::find(wide.begin(), wide.end(), &d) != wide.end()) continue;
      Rows& t = table(base + "__" + d.name + ".csv");
      const size_t rank = d.dims.size();
      if (!member.empty()) t.AddColumn("member", pattern, ColumnType::kText, "the sibling group of " + parent);
      for (size_t k = 0; k < rank; ++k)
        t.AddColumn("index_" + std::to_string(k), "", ColumnType::kInteger,
                    "0-based index " + std::to_string(k) + " of " + pattern + "/" + d.name);
      t.AddColumn("value", pattern + "/" + d.name, d.type, Describe(d));
      std::vector<hsize_t> index(rank, 0);
      for (const std::string& cell : d.cells) {
        std::map<std::string, std::string> row;
        if (!member.empty()) row["member"] = CsvField(member);
        for (size_t k = 0; k < rank; ++k) row["index_" + std::to_string(k)] = std::to_string(index[k]);
        row["value"] = cell;
        t.rows.push_back(std::move(row));
        for (size_t k = rank; k-- > 0;) {  // row-major odometer
          if (++index[k] < d.dims[k]) break;
          index[k] = 0;
        }
      }
      summary.values += static_cast<long long>(d.cells.size());
    }
  }
  for (const std::string& name : order) {
    const Rows& t = built[name];
    std::string text;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      text += (c ? "," : "") + CsvField(t.columns[c]);
      dictionary += name + "," + CsvField(t.columns[c]) + "," + CsvField(t.sources.at(t.columns[c])) + "," +
                    std::string(ToString(t.types.at(t.columns[c]))) + "," + CsvField(t.meanings.at(t.columns[c])) +
                    "\n";
    }
    text += "\n";
    for (const auto& row : t.rows) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const auto it = row.find(t.columns[c]);
        text += (c ? "," : "") + (it == row.end() ? std::string() : it->second);
      }
      text += "\n";
    }
    tables.push_back({name, std::move(text)});
  }
  tables.push_back({"attributes.csv", std::move(attributes)});
  tables.push_back({"dictionary.csv", std::move(dictionary)});

  // Written whole into a temporary directory, renamed when complete.
  const fs::path parent = out_dir.parent_path().empty() ? fs::path(".") : out_dir.parent_path();
  fs::create_directories(parent, ec);
  const fs::path temp = parent / ("." + out_dir.filename().string() + ".chokepoint-tmp-" + std::to_string(getpid()));
  fs::remove_all(temp, ec);
  if (!fs::create_directory(temp, ec) || ec)
    ThrowInputError(out_dir.string(), 0, 0, "cannot create the output directory: " + ec.message());
  try {
    for (const Table& t : tables) {
      WriteFileAtomically(temp / t.file, t.text);
      summary.tables.push_back(t.file);
    }
    if (fs::exists(out_dir)) fs::remove(out_dir);  // empty (checked above)
    fs::rename(temp, out_dir);
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
  return summary;
}

}  // namespace chokepoint::pipeline
