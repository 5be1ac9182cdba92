// Runs the chokepoint binary for end-to-end tests and captures its output.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "temp_dir.h"

namespace chokepoint::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A fresh directory unique to this process and test, removed (with its
// contents) at the end of the scope: see temp_dir.h.
inline ScopedTempDir TempDir(const std::string& name) { return ScopedTempDir(name); }

// Runs `chokepoint <args>` through /bin/sh; args are passed verbatim.
// `shell_prefix` (optional) runs first in the same shell, e.g.
// "ulimit -f 100; trap '' XFSZ; exec" to cap the size of files it writes.
inline CommandResult RunChokepoint(const std::string& args, const std::string& shell_prefix = "") {
  const auto dir = std::filesystem::temp_directory_path();
  static int counter = 0;
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto out_path = dir / ("cp_out_" + tag), err_path = dir / ("cp_err_" + tag);
  const std::string cmd = shell_prefix + (shell_prefix.empty() ? "" : " ") + std::string(CHOKEPOINT_BINARY) + " " +
                          args + " >" + out_path.string() + " 2>" + err_path.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

}  // namespace chokepoint::testing
