#!/usr/bin/env bash
# Set-up command 1: installs missing Debian packages, builds everything into
# build/, and runs the pi example on a simulated 4-PC hub.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
echo "--- papersrun -np 4 build/bin/pi (4 PEs on the Verilated hub) ---"
build/bin/papersrun -np 4 build/bin/pi
