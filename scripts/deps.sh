#!/usr/bin/env bash
# Installs the Debian 12 packages papers needs, only those missing.
#   scripts/deps.sh          build + run (compilers, Verilator, Boost, MPI, ...)
#   scripts/deps.sh --test   also what the full test suite needs (KiCad 9 for the board checks,
#                            from bookworm-backports: Debian 12 itself has KiCad 6, without
#                            kicad-cli's ERC)
#   scripts/deps.sh --doc    also what regenerates the docs' pictures and packages: GTKWave
#                            under Xvfb (scripts/trace-screenshot.sh), gnuplot (bench plots),
#                            lintian (Debian packages); gtkwave's vcd2fst serves --trace FILE.fst
# Nothing is fetched when everything is installed (apt works offline then).
set -euo pipefail
pkgs=(build-essential cmake g++ pkg-config verilator iverilog yosys libieee1284-3-dev
      libboost-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
      openmpi-bin libopenmpi-dev libsodium-dev clang libclang-rt-14-dev)
need_kicad9=0
if [[ "${1:-}" == "--test" ]]; then
  # --no-install-recommends keeps KiCad at ~430 MB instead of several GB
  v=$(kicad-cli version 2>/dev/null || true)
  [[ "${v%%.*}" =~ ^[0-9]+$ && "${v%%.*}" -ge 9 ]] || need_kicad9=1
fi
lean=()  # installed without their recommends
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
if ((${#need[@]} + ${#need_lean[@]} + need_kicad9)); then
  echo "papers: installing ${need[*]} ${need_lean[*]}$( ((need_kicad9)) && echo " kicad (9, backports)")"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO=sudo
  if ((need_kicad9)) && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" "Suites: bookworm-backports" \
      "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
      $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  $SUDO apt-get update -qq
  export DEBIAN_FRONTEND=noninteractive
  if ((${#need[@]})); then $SUDO apt-get install -y -qq "${need[@]}"; fi
  if ((${#need_lean[@]})); then $SUDO apt-get install -y -qq --no-install-recommends "${need_lean[@]}"; fi
  if ((need_kicad9)); then
    $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports kicad
  fi
fi
