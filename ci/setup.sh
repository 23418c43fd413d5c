#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine: a JDK 17 and the notebooks' Python packages (each if
# missing). Maven itself comes through the wrapper, and every Java dependency through Maven.
set -euo pipefail

if ! command -v javac >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q openjdk-17-jdk-headless
fi
# The notebooks (notebooks/run.sh): Python with pandas and matplotlib, executed by jupyter-nbconvert.
notebook_packages=(python3-pandas python3-matplotlib python3-ipykernel jupyter-nbconvert)
if [[ $(dpkg-query -W -f='${db:Status-Abbrev}\n' "${notebook_packages[@]}" 2>/dev/null | grep -c '^ii') \
    -lt ${#notebook_packages[@]} ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${notebook_packages[@]}"
fi
java -version 2>&1 | head -1

# The PyTorch proof of the training exports (ci/test-training-export.sh) loads them with NumPy and PyTorch alone,
# Debian's packages for Debian's python3 (another python3 may come first on the PATH).
if ! /usr/bin/python3 -c 'import numpy, torch' >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q python3-numpy python3-torch
fi
