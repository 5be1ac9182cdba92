#!/usr/bin/env bash
# Installs the Debian 12 packages chokepoint needs to build, test and run.
# Idempotent: when every package is already installed nothing is run.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libeigen3-dev libceres-dev libtbb-dev libhdf5-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libcli11-dev libtomlplusplus-dev libfast-float-dev librandom123-dev
  libboost-math-dev
  python3-h5py python3-pandas python3-numpy
  python3-dev pybind11-dev python3-pybind11 python3-pytest
  r-base-core r-cran-hdf5r
  python3-matplotlib jupyter-nbconvert python3-ipykernel
  clang libclang-rt-14-dev libfuzzer-14-dev
  chromium fonts-dejavu-core
  libopenmpi-dev openmpi-bin
)
# node and npm: Debian's unless a node is already on PATH (e.g. NodeSource's,
# whose nodejs package bundles npm and conflicts with Debian's npm).
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi
# The notebooks' tests need nbconvert, ipykernel and matplotlib (installed
# here, so CI executes them), as are chromium and node for the explorer's
# browser tests and Open MPI for the distributed study test. Golden-file
# generation is not needed to build or test: scripts/setup-dev.sh installs it.

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The explorer's JavaScript (explorer/package-lock.json, pinned): installed
# once per lock file, never a browser download (puppeteer-core drives Debian's
# chromium).
explorer="$(dirname "$0")/../explorer"
stamp="$explorer/node_modules/.chokepoint-lock.sha256"
want="$(sha256sum "$explorer/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci in explorer/" >&2
  (cd "$explorer" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
