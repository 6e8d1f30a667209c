#!/usr/bin/env bash
# Set-up command 2: the whole test suite (RTL, hub engine, every backend, tools,
# examples, install, and the KiCad board checks), from a clean clone too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPAPERS_BOARD_CHECKS=ON
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure --timeout 300 "$@"
