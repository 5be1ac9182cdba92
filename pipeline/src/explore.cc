#include "chokepoint/pipeline/explore.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <vector>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/json.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/core/version.h"

#ifndef CHOKEPOINT_SOURCE_DIR
#define CHOKEPOINT_SOURCE_DIR ""
#endif

namespace chokepoint::pipeline {
namespace {

using json::JsonString;

constexpr const char* kFormat = "chokepoint-explore-1";
constexpr long long kMaxElements = 300000;
// Large datasets the page does not draw (about 1.9 MB of JSON for the
// canonical run and sweep): left out to keep the page small and fast.
constexpr const char* kNotUsed[] = {
    "bootstrap/V_signal_replicates", "bootstrap/G_signal_replicates", "sweep/default/V_replicates",
    "sweep/default/G_replicates",    "sweep/regime_probability_at_default_thresholds", "sweep/ok_replicates",
};
constexpr const char* kPlaceholder = "/*__CHOKEPOINT_EXPLORE_DATA__*/null";

// Shortest text that reads back as the same double; null for NaN and inf.
void AppendNumber(std::string* out, double v) {
  if (!std::isfinite(v)) {
    *out += "null";
    return;
  }
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}


// {"name": value, ...} for the object's attributes; empty string when none.
std::string AttributesJson(hid_t file, const std::string& object) {
  const h5::Handle obj(H5Oopen(file, object.c_str(), H5P_DEFAULT));
  H5O_info_t info;
  if (H5Oget_info2(obj.id(), &info, H5O_INFO_NUM_ATTRS) < 0 || info.num_attrs == 0) return "";
  std::map<std::string, std::string> values;  // sorted by name
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    char name[512];
    if (H5Aget_name_by_idx(obj.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
    const h5::Handle attr(H5Aopen(obj.id(), name, H5P_DEFAULT));
    const h5::Handle type(H5Aget_type(attr.id()));
    const H5T_class_t cls = H5Tget_class(type.id());
    std::string v;
    if (cls == H5T_STRING) v = JsonString(h5::ReadStringAttribute(obj.id(), name));
    else if (cls == H5T_INTEGER) v = std::to_string(h5::ReadIntAttribute(obj.id(), name));
    else if (cls == H5T_FLOAT) AppendNumber(&v, h5::ReadDoubleAttribute(obj.id(), name));
    else v = JsonString("(element type not exported)");
    values[name] = v;
  }
  std::string out = "{";
  for (const auto& [name, v] : values) out += (out.size() > 1 ? "," : "") + JsonString(name) + ":" + v;
  return out + "}";
}

std::string ShapeJson(const std::vector<hsize_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
  return out + "]";
}

std::string DatasetJson(hid_t file, const std::string& path, const std::vector<hsize_t>& dims) {
  const h5::Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  const h5::Handle type(H5Dget_type(dataset.id()));
  const H5T_class_t cls = H5Tget_class(type.id());
  std::string out = "{\"data\":[";
  const char* kind = "number";
  if (cls == H5T_STRING) {
    kind = "text";
    const auto v = h5::ReadStrings(file, path);
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + JsonString(v[i]);
  } else if (cls == H5T_INTEGER) {
    kind = "integer";
    const auto v = h5::ReadInt64s(file, path);
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  } else if (cls == H5T_FLOAT) {
    const auto v = h5::ReadDoubles(file, path);
    out.reserve(out.size() + v.size() * 20);
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      AppendNumber(&out, v[i]);
    }
  } else {
    ThrowInputError(h5::FileName(file), 0, 0, "dataset /" + path + " has an element type the explorer does not know");
  }
  return out + "],\"shape\":" + ShapeJson(dims) + ",\"type\":\"" + kind + "\"}";
}

// "run" or "sweep" file: both carry the run schema; a sweep file has /sweep.
void CheckKind(hid_t file, const std::filesystem::path& path, bool want_sweep) {
  if (!h5::HasAttribute(file, "schema") || h5::ReadStringAttribute(file, "schema") != kRunSchema)
    ThrowInputError(path.string(), 0, 0,
                    std::string("not a chokepoint run or sweep file (attribute schema != \"") + kRunSchema + "\")");
  const bool is_sweep = h5::Exists(file, "sweep");
  if (want_sweep && !is_sweep)
    ThrowInputError(path.string(), 0, 0, "given as the sweep file, but it has no /sweep group (a run file?)");
  if (!want_sweep && is_sweep)
    ThrowInputError(path.string(), 0, 0,
                    "given as the run file, but it is a sweep file (it has /sweep); give the run file first: "
                    "chokepoint explore RUN.h5 SWEEP.h5");
}

std::string FileJson(const std::filesystem::path& path, bool sweep) {
  h5::File file = h5::File::OpenReadOnly(path);
  const hid_t id = file.id();
  CheckKind(id, path, sweep);
  const auto objects = h5::ListObjects(id);  // in name order
  std::string attributes, datasets, omitted;
  auto add = [](std::string* list, const std::string& item) { *list += (list->empty() ? "" : ",") + item; };
  if (std::string a = AttributesJson(id, "/"); !a.empty()) add(&attributes, "\"/\":" + a);
  std::vector<std::pair<std::string, std::string>> omitted_items;
  for (const auto& [name, type] : objects) {
    if (std::string a = AttributesJson(id, "/" + name); !a.empty()) add(&attributes, JsonString(name) + ":" + a);
    if (type != H5O_TYPE_DATASET) continue;
    const auto dims = h5::Dimensions(id, "/" + name);
    long long n = 1;
    for (hsize_t d : dims) n *= static_cast<long long>(d);
    std::string reason;
    if (std::find(std::begin(kNotUsed), std::end(kNotUsed), name) != std::end(kNotUsed))
      reason = "not used by the explorer";
    else if (n > kMaxElements)
      reason = std::to_string(n) + " elements exceed the " + std::to_string(kMaxElements) + "-element limit";
    if (!reason.empty()) {
      omitted_items.emplace_back(name, "{\"name\":" + JsonString(name) + ",\"reason\":" + JsonString(reason) +
                                           ",\"shape\":" + ShapeJson(dims) + "}");
      continue;
    }
    add(&datasets, JsonString(name) + ":" + DatasetJson(id, "/" + name, dims));
  }
  std::sort(omitted_items.begin(), omitted_items.end());
  for (const auto& [name, item] : omitted_items) add(&omitted, item);
  return "{\"attributes\":{" + attributes + "},\"datasets\":{" + datasets + "},\"omitted\":[" + omitted +
         "],\"path\":" + JsonString(path.string()) + "}";
}

// The JSON inside an inline <script>: "</" and "<!--" could end or confuse it.
std::string EscapeForScript(const std::string& json) {
  std::string out;
  out.reserve(json.size() + 64);
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else if (json.compare(i, 4, "<!--") == 0) {
      out += "<\\u0021--";
      i += 3;
    } else {
      out += json[i];
    }
  }
  return out;
}

std::filesystem::path ExecutableDirectory() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

bool IsFile(const std::filesystem::path& p) {
  std::error_code ec;
  return !p.empty() && std::filesystem::is_regular_file(p, ec);
}

std::string ReadWhole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) ThrowInputError(p.string(), 0, 0, "cannot read the file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string ExploreJson(const std::filesystem::path& run, const std::optional<std::filesystem::path>& sweep) {
  std::string files = "\"run\":" + FileJson(run, false);
  if (sweep) files += ",\"sweep\":" + FileJson(*sweep, true);
  return std::string("{\"files\":{") + files + "},\"format\":\"" + kFormat + "\",\"tool_version\":" +
         JsonString(ToolVersion()) + "}";
}

std::filesystem::path FindExplorerTemplate(const std::string& template_override) {
  std::vector<std::filesystem::path> tried;
  auto candidate = [&](const std::filesystem::path& p) {
    tried.push_back(p);
    return IsFile(p);
  };
  if (!template_override.empty()) {
    if (candidate(template_override)) return template_override;
    ThrowUsageError("--template " + template_override + ": no such file");
  }
  if (const char* env = std::getenv("CHOKEPOINT_EXPLORER_TEMPLATE"); env && *env) {
    if (candidate(env)) return env;
    ThrowUsageError(std::string("$CHOKEPOINT_EXPLORER_TEMPLATE=") + env + ": no such file");
  }
  if (const auto p = DataDirectory() / "explorer" / "template.html"; candidate(p)) return p;
  if (const auto p = ExecutableDirectory().parent_path() / "explorer" / "template.html"; candidate(p)) return p;
  std::string where;
  for (const auto& p : tried) where += "\n  " + p.string();
  ThrowUsageError("the explorer template was not found; looked in:" + where +
                  "\nbuild it: (cd explorer && npm ci) and rebuild with node installed (scripts/setup.sh does "
                  "both), or give --template FILE");
}

ExploreSummary WriteExplorerPage(const std::filesystem::path& run, const std::optional<std::filesystem::path>& sweep,
                                 const std::filesystem::path& out, const std::string& template_override) {
  ExploreSummary summary;
  summary.template_path = FindExplorerTemplate(template_override);
  // Read everything before anything is written: bad input leaves no page.
  const std::string json = ExploreJson(run, sweep);
  const std::string tpl = ReadWhole(summary.template_path);
  const size_t at = tpl.find(std::string("\n") + kPlaceholder + "\n");
  if (at == std::string::npos || tpl.find(kPlaceholder, at + 2) != std::string::npos)
    ThrowInputError(summary.template_path.string(), 0, 0,
                    std::string("not an explorer template: it must hold the line ") + kPlaceholder + " exactly once");
  std::string page = tpl.substr(0, at + 1);
  page += EscapeForScript(json);
  page += tpl.substr(at + 1 + std::string_view(kPlaceholder).size());
  AtomicOutput output(out);
  output.Write(page);
  output.Commit();
  summary.bytes = static_cast<long long>(page.size());
  return summary;
}

FiguresSummary WriteFigures(const std::filesystem::path& run, const std::optional<std::filesystem::path>& sweep,
                            const std::filesystem::path& out_dir, bool png) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !(fs::is_directory(out_dir, ec) && fs::is_empty(out_dir, ec)))
    ThrowUsageError("figures: " + out_dir.string() +
                    " exists and is not an empty directory; give a new directory (nothing was written)");
  fs::path dir;
  if (const char* env = std::getenv("CHOKEPOINT_EXPLORER_DIR"); env && *env) dir = env;
  else dir = fs::path(CHOKEPOINT_SOURCE_DIR) / "explorer";
  FiguresSummary summary;
  summary.script = dir / "figures.mjs";
  if (!IsFile(summary.script) || !fs::exists(dir / "node_modules" / "vega", ec))
    ThrowUsageError("figures needs the explorer's node modules: " + summary.script.string() +
                    (IsFile(summary.script) ? " is there but " + (dir / "node_modules").string() + " is not; run npm ci there"
                                            : " not found; set $CHOKEPOINT_EXPLORER_DIR to the explorer/ directory "
                                              "of a chokepoint source tree after npm ci in it"));
  const std::string json = ExploreJson(run, sweep);  // input errors before anything is made
  const fs::path parent = out_dir.has_parent_path() ? out_dir.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  const fs::path temp = parent / (out_dir.filename().string() + ".tmp-figures-" + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  fs::create_directories(temp);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      if (!p.empty()) fs::remove_all(p, e);
    }
  } cleanup{temp};
  const fs::path data = temp / "data.json.in";
  {
    std::ofstream f(data, std::ios::binary);
    f << json;
    if (!f.flush()) ThrowInputError(data.string(), 0, 0, "cannot write (disk full?)");
  }
  const fs::path log = temp / "figures.log.in";
  std::vector<std::string> args = {"node", summary.script.string(), data.string(), temp.string()};
  if (!png) args.push_back("--no-png");
  const pid_t pid = ::fork();
  if (pid < 0) ThrowInternalError("figures: fork failed");
  if (pid == 0) {
    std::FILE* l = std::freopen(log.c_str(), "w", stdout);
    if (l) ::dup2(::fileno(stdout), 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("node", argv.data());
    std::fprintf(stderr, "cannot run node: not installed or not on PATH\n");
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  summary.log = ReadWhole(log);
  // The log names the temporary directory; the user knows the final one.
  for (size_t at; (at = summary.log.find(temp.string())) != std::string::npos;)
    summary.log.replace(at, temp.string().size(), out_dir.string());
  fs::remove(data, ec);
  fs::remove(log, ec);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const std::string what = "figures: " + summary.script.string() + " failed (exit " + std::to_string(code) + "):\n" +
                             summary.log;
    if (code == 127) ThrowUsageError(what);
    ThrowInternalError(what);
  }
  if (fs::exists(out_dir, ec)) fs::remove(out_dir, ec);  // empty, checked above
  fs::rename(temp, out_dir, ec);
  if (ec) ThrowInputError(out_dir.string(), 0, 0, "cannot rename the figures into place: " + ec.message());
  cleanup.p.clear();
  return summary;
}

}  // namespace chokepoint::pipeline
