#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine: installs only what is missing and says why.
#   1. apt packages: FFmpeg -dev libraries (decode/encode), the ffmpeg CLI (an independent
#      reference decoder for the tests), pkg-config, cmake, ninja, ccache, unzip, clang-format (lint),
#      clang + libclang-rt-14-dev (libFuzzer: the fuzz targets of fuzz/ and the fuzz smoke in npm test),
#      libgloo-dev (headers for libtorch's Gloo process group: distributed training)
#   2. npm dependencies (node_modules)
#   3. libtorch (scripts/libtorch.js: LIBTORCH, the cache, Python torch, system, or the pinned wheel → cache)
#   4. the native addon (cmake-js; skipped when up to date)
# Usage: bash scripts/setup.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
say() { [ "$quiet" = 1 ] || echo "[videomae] $*"; }
announce() { echo "[videomae] $*"; }

apt_packages=(libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg pkg-config cmake ninja-build ccache unzip g++ python3-pip python3-venv clang-format clang libclang-rt-14-dev libgloo-dev)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  announce "installing ${missing[*]} with apt (FFmpeg headers/libraries and build tools for the native addon)"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "apt packages present"
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  announce "installing npm dependencies (node_modules is missing or older than package.json)"
  # --ignore-scripts: the native build runs below, once, with its output visible.
  npm install --ignore-scripts --no-audit --no-fund
else
  say "npm dependencies present"
fi

node scripts/libtorch.js --fetch >/dev/null
node scripts/build-native.js
