#!/usr/bin/env bash
# Installs the Debian 12 packages papers needs, only those missing.
#   scripts/deps.sh          build + run (compilers, Verilator, Boost, MPI, ...)
#   scripts/deps.sh --test   also what the full test suite needs (KiCad for the board checks)
set -euo pipefail
pkgs=(build-essential cmake g++ pkg-config verilator iverilog yosys libieee1284-3-dev
      libboost-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
      openmpi-bin libopenmpi-dev libsodium-dev clang libclang-rt-14-dev)
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(kicad)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "papers: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq
  # --no-install-recommends keeps KiCad at ~430 MB instead of several GB.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
