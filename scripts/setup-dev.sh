#!/usr/bin/env bash
# Extra Debian packages for maintainers: R (to regenerate golden files),
# statsmodels, Open MPI, notebooks. Not needed to build or test.
set -euo pipefail
"$(dirname "$0")/setup.sh"
PACKAGES=(r-base-core r-cran-strucchange r-cran-boot r-cran-sandwich
          python3-statsmodels python3-matplotlib jupyter-nbconvert
          libopenmpi-dev openmpi-bin hyperfine)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
