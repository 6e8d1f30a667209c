#!/usr/bin/env bash
# Installs the Debian 12 packages papers needs, only those missing.
#   scripts/deps.sh          build + run (compilers, Verilator, Boost, MPI, ...)
#   scripts/deps.sh --test   also what the full test suite needs (KiCad for the board checks)
#   scripts/deps.sh --doc    also what regenerates the docs' pictures and packages: GTKWave
#                            under Xvfb (scripts/trace-screenshot.sh), gnuplot (bench plots),
#                            lintian (Debian packages); gtkwave's vcd2fst serves --trace FILE.fst
set -euo pipefail
pkgs=(build-essential cmake g++ pkg-config verilator iverilog yosys libieee1284-3-dev
      libboost-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
      openmpi-bin libopenmpi-dev libsodium-dev clang libclang-rt-14-dev)
lean=()  # installed without their recommends
if [[ "${1:-}" == "--test" ]]; then
  lean+=(kicad)  # --no-install-recommends keeps KiCad at ~430 MB instead of several GB
fi
if [[ "${1:-}" == "--doc" ]]; then
  lean+=(gtkwave xvfb imagemagick gnuplot-nox lintian man-db)
fi
missing() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
mapfile -t need < <(missing "${pkgs[@]}")
mapfile -t need_lean < <(missing "${lean[@]}")
if ((${#need[@]} + ${#need_lean[@]})); then
  echo "papers: installing ${need[*]} ${need_lean[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq
  export DEBIAN_FRONTEND=noninteractive
  if ((${#need[@]})); then $SUDO apt-get install -y -qq "${need[@]}"; fi
  if ((${#need_lean[@]})); then $SUDO apt-get install -y -qq --no-install-recommends "${need_lean[@]}"; fi
fi
