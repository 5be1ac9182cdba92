#!/bin/sh
# Installs the build into a fresh prefix and imports the package from there:
# the module, the pure-Python files and the data must all come from the prefix.
# usage: check_install_prefix.sh BUILD_DIR PYTHON SITE_DIR_RELATIVE_TO_PREFIX WORK_DIR
set -eu
build=$1 python=$2 site=$3
prefix=$4/py_prefix_$$
rm -rf "$prefix"
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd /
PREFIX=$prefix PYTHONPATH=$prefix/$site "$python" - <<'PY'
import os
import numpy
import chokepoint
prefix = os.environ["PREFIX"]
assert chokepoint.__file__.startswith(prefix), chokepoint.__file__
assert chokepoint._core.__file__.startswith(prefix), chokepoint._core.__file__
assert chokepoint._core.data_directory().startswith(prefix), chokepoint._core.data_directory()
x = numpy.exp(numpy.linspace(0, 1, 48)) * (1 + 0.1 * numpy.sin(numpy.arange(48)))
r = chokepoint.bootstrap(x, replicates=99)
print("bootstrap from", prefix, "V point", r.to_dict()["V"]["point"])
PY
