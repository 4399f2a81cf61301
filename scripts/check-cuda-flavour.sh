#!/usr/bin/env bash
# Builds the CUDA flavour (torch 2.14.1 + nvidia wheels, ~4 GB unpacked into the cache) into
# build-cuda/ and loads it: on a machine without a GPU it must report CUDA compiled but not
# available and fall back to the CPU. On a GPU machine, run the CUDA tests with
#   VIDEOMAE_NATIVE=build-cuda/Release/videomae.node VIDEOMAE_TEST_CUDA=1 npm run test:only -- test/native
set -euo pipefail
cd "$(dirname "$0")/.."
VIDEOMAE_CUDA=1 node scripts/build-native.js --out build-cuda
VIDEOMAE_NATIVE=build-cuda/Release/videomae.node node bin/videomae.js info
