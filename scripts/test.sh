#!/usr/bin/env bash
# Set-up command 2: the whole test suite (RTL, hub engine, every backend, tools,
# examples, install, and the KiCad board checks), from a clean clone too; then
# the asan lane (AddressSanitizer + UBSan, CMakePresets.json).
#   PAPERS_ASAN_LANE=ci    (default) the labels of the asan-ci presets: core, shm,
#                          udp, papersrun, api, sim, failure (CI stays within 30
#                          minutes on 2 cores; docs/reliability.md has the times)
#   PAPERS_ASAN_LANE=all   the whole suite under ASan + UBSan
#   PAPERS_ASAN_LANE=off   no asan lane
#   PAPERS_TSAN_LANE=ci    also the tsan lane (tsan-ci presets), before the asan lane
#   PAPERS_TSAN_LANE=off   (default) no tsan lane
# Arguments go to the first lane's ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPAPERS_BOARD_CHECKS=ON
cmake --build build -j"$(nproc)"
# As many tests at a time as cores: the suite is written for a loaded 2-core machine (no tight
# timing), and CI stays within its 30 minutes only this way (docs/reliability.md has the times).
(cd build && ctest --output-on-failure --timeout 300 -j"$(nproc)" "$@")

# The tsan lane (ThreadSanitizer: udp, shm, the simulator, papersrun; docs/reliability.md
# has its times). PAPERS_TSAN_LANE=ci runs it, off (the default) does not.
case ${PAPERS_TSAN_LANE:-off} in
  off) ;;
  ci) echo "== tsan lane (tsan-ci)"
      cmake --preset tsan
      cmake --build --preset tsan-ci
      ctest --preset tsan-ci --output-on-failure -j"$(nproc)" ;;
  *) echo "PAPERS_TSAN_LANE must be ci or off, not '$PAPERS_TSAN_LANE'" >&2; exit 2 ;;
esac

lane=${PAPERS_ASAN_LANE:-ci}
case $lane in
  off) exit 0 ;;
  ci)  preset=asan-ci ;;
  all) preset=asan ;;
  *) echo "PAPERS_ASAN_LANE must be ci, all or off, not '$lane'" >&2; exit 2 ;;
esac
echo "== asan lane ($preset)"
cmake --preset asan
cmake --build --preset "$preset"
ctest --preset "$preset" --output-on-failure -j"$(nproc)"
