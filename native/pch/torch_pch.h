// Precompiled header for every torch-side translation unit (CMake: videomae_torch).
// ATen, not <torch/torch.h>: 10 s instead of 24 s uncached, 3 s with this PCH (measured on a 2-core machine: g++ 12, -O3).
#pragma once
#include <ATen/ATen.h>
#include <napi.h>
