# CUDA flavour: libtorch from torch 2.14.1 (cu130) + its nvidia-* wheels (see scripts/libtorch.js).
# find_package(Torch) needs the CUDA toolkit root and the real nvcc (not a wrapper script on PATH),
# and looks for nvrtc, which the partial toolkit here lacks: the build script passes the nvrtc
# wheel's copy as CUDA_NVRTC_LIB.
if(DEFINED ENV{CUDA_HOME})
  set(_videomae_cuda_root "$ENV{CUDA_HOME}")
elseif(DEFINED ENV{CUDA_PATH})
  set(_videomae_cuda_root "$ENV{CUDA_PATH}")
elseif(EXISTS /usr/local/cuda/bin/nvcc)
  set(_videomae_cuda_root /usr/local/cuda)
else()
  find_program(_videomae_nvcc nvcc REQUIRED)
  file(REAL_PATH "${_videomae_nvcc}" _videomae_nvcc)
  get_filename_component(_videomae_cuda_root "${_videomae_nvcc}" DIRECTORY)
  get_filename_component(_videomae_cuda_root "${_videomae_cuda_root}" DIRECTORY)
endif()
file(REAL_PATH "${_videomae_cuda_root}" _videomae_cuda_root)
set(CUDA_TOOLKIT_ROOT_DIR "${_videomae_cuda_root}" CACHE PATH "CUDA toolkit root" FORCE)
set(CMAKE_CUDA_COMPILER "${_videomae_cuda_root}/bin/nvcc")
# The 2.14 headers are C++20; CMake 3.25 accepts CUDA only up to 17 beside it (nothing here is
# compiled as CUDA: the addon only links libtorch_cuda).
set(CMAKE_CUDA_STANDARD 17)
enable_language(CUDA)
if(CUDA_NVRTC_LIB)
  set(CUDA_nvrtc_LIBRARY "${CUDA_NVRTC_LIB}" CACHE FILEPATH "nvrtc from the nvidia wheel" FORCE)
endif()
