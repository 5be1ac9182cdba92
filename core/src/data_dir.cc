#include "chokepoint/core/data_dir.h"

#include <cstdlib>
#include <mutex>
#include <system_error>

#include "chokepoint/core/version.h"

namespace chokepoint {

namespace {

std::mutex& OverrideMutex() {
  static std::mutex m;
  return m;
}
std::filesystem::path& OverridePath() {
  static std::filesystem::path p;
  return p;
}

// ../share/chokepoint beside /proc/self/exe, when it holds a catalog.
std::filesystem::path BesideExecutable() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const std::filesystem::path dir = exe.parent_path().parent_path() / "share" / "chokepoint";
  if (std::filesystem::exists(dir / "catalog" / "groups.csv", ec)) return dir;
  return {};
}

}  // namespace

std::filesystem::path DataDirectory() {
  {
    std::lock_guard<std::mutex> lock(OverrideMutex());
    if (!OverridePath().empty()) return OverridePath();
  }
  if (const char* env = std::getenv("CHOKEPOINT_DATA_DIR"); env && *env) return env;
  static const std::filesystem::path beside = BesideExecutable();
  if (!beside.empty()) return beside;
  return InstalledDataDirectory();
}

void SetDataDirectory(std::filesystem::path dir) {
  std::lock_guard<std::mutex> lock(OverrideMutex());
  OverridePath() = std::move(dir);
}

std::string DataRelativePath(const std::filesystem::path& path) {
  if (path.empty()) return {};
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::weakly_canonical(DataDirectory(), ec);
  if (ec) return path.string();
  const std::filesystem::path full = std::filesystem::weakly_canonical(path, ec);
  if (ec) return path.string();
  const std::filesystem::path rel = full.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return path.string();
  return std::string(kDataPrefix) + (rel == "." ? std::string() : rel.generic_string());
}

std::filesystem::path ResolveDataPath(std::string_view path) {
  if (path.substr(0, kDataPrefix.size()) == kDataPrefix) return DataDirectory() / path.substr(kDataPrefix.size());
  if (path == "<data>") return DataDirectory();
  return std::filesystem::path(path);
}

}  // namespace chokepoint
