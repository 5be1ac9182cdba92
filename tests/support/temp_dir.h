// Temporary directories for tests, unique per process and per test and
// removed afterwards, so that two test runs at once (two build trees, or
// ctest -j running the same executable's tests in parallel) never share or
// delete each other's files, and no file of an earlier run can make a test
// pass.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <system_error>

namespace chokepoint::testing {

// A fresh, empty directory
//   <tmp>/chokepoint_test_<name>_<Suite.Test>_<pid>_<n>
// (n counts the directories made by this process), removed with everything
// in it when the object goes out of scope. It converts to the path, and
// `dir / "file"` is a path inside it.
class ScopedTempDir {
 public:
  explicit ScopedTempDir(const std::string& name) {
    static int counter = 0;  // tests run on one thread
    std::string test = "no_test";
    if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info())
      test = std::string(info->test_suite_name()) + "." + info->name();
    std::string leaf = "chokepoint_test_" + name + "_" + test + "_" + std::to_string(::getpid()) + "_" +
                       std::to_string(counter++);
    for (char& c : leaf)  // parameterised test names hold '/'
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '_';
    path_ = std::filesystem::temp_directory_path() / leaf;
    std::filesystem::remove_all(path_);  // a dead process with the same pid
    std::filesystem::create_directories(path_);
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  operator const std::filesystem::path&() const { return path_; }  // NOLINT: implicit by design
  std::string string() const { return path_.string(); }
  friend std::filesystem::path operator/(const ScopedTempDir& dir, const std::filesystem::path& leaf) {
    return dir.path_ / leaf;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace chokepoint::testing
