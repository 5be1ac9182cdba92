// Writing an HDF5 output through an AtomicOutput: the file is created under
// the temporary name, filled by `write`, closed, and only then renamed over
// the destination (a failure anywhere leaves the previous file untouched).
#pragma once

#include <functional>

#include <hdf5.h>

#include "chokepoint/core/h5.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "chokepoint/core/error.h"

namespace chokepoint::pipeline {

// Refuses an output that is the same file as an input (by device and inode,
// not by name): writing it would destroy the data the run reads.
inline void RefuseOutputOverInput(const std::filesystem::path& out, const std::filesystem::path& input,
                                  const std::string& input_flag) {
  if (out.empty() || input.empty()) return;
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && std::filesystem::exists(input, ec) &&
      std::filesystem::equivalent(out, input, ec))
    ThrowUsageError("the output " + out.string() + " is the input given by " + input_flag +
                    ": writing it would destroy the data; choose another output");
}

inline void WriteAndCommit(h5::AtomicOutput& output, const std::function<void(hid_t file)>& write) {
  {
    h5::File file = h5::File::Create(output.temp_path());
    write(file.id());
    file.Close();
  }
  output.Commit();
}

}  // namespace chokepoint::pipeline
