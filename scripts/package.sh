#!/usr/bin/env bash
# Builds the Debian packages from a build directory and checks them with lintian.
#   scripts/package.sh [build-dir]      -> <build-dir>/packages/*.deb
# docs/packaging.md lists the lintian tags that remain and why.
set -euo pipefail
build=${1:-build}
cmake --build "$build" -j2
out="$build/packages"
rm -rf "$out"
(cd "$build" && cpack -G DEB -B "$PWD/packages")
ls -l "$out"/*.deb
if command -v lintian >/dev/null; then
  lintian --no-tag-display-limit "$out"/*.deb || true
else
  echo "lintian not installed (scripts/deps.sh --doc)"
fi
