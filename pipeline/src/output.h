// Writing an HDF5 output through an AtomicOutput: the file is created under
// the temporary name, filled by `write`, closed, and only then renamed over
// the destination (a failure anywhere leaves the previous file untouched).
#pragma once

#include <functional>

#include <hdf5.h>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/pipeline/data.h"

namespace chokepoint::pipeline {

inline void WriteAndCommit(AtomicOutput& output, const std::function<void(hid_t file)>& write) {
  {
    h5::File file = h5::File::Create(output.temp_path());
    write(file.id());
    file.Close();
  }
  output.Commit();
}

}  // namespace chokepoint::pipeline
