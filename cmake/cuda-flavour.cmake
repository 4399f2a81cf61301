# CUDA flavour: libtorch from torch 2.14.1 (cu130) + its nvidia-* wheels (see scripts/libtorch.js).
# find_package(Torch) needs the CUDA toolkit that nvcc wraps, and points nvrtc at a library the
# partial toolkit here lacks: the build script passes the nvrtc wheel's copy as CUDA_NVRTC_LIB.
enable_language(CUDA)
# The 2.14 headers are C++20; CMake 3.25 only accepts CUDA up to 17 next to it (nothing is
# compiled as CUDA here: the addon only links libtorch_cuda).
set(CMAKE_CUDA_STANDARD 17)
find_program(VIDEOMAE_NVCC nvcc REQUIRED)
get_filename_component(_nvcc_bin "${VIDEOMAE_NVCC}" DIRECTORY)
get_filename_component(CUDA_TOOLKIT_ROOT_DIR "${_nvcc_bin}" DIRECTORY)
if(CUDA_NVRTC_LIB)
  set(CUDA_nvrtc_LIBRARY "${CUDA_NVRTC_LIB}" CACHE FILEPATH "nvrtc from the nvidia wheel" FORCE)
endif()
