#!/usr/bin/env bash
# Creates (once) the Python environment used only for reference work: golden fixtures with HF's
# own code (tools/golden), the Python peers of the benchmarks (bench/) and HF's Trainer for
# tools/trainer-parity (accelerate: the Trainer needs it). The package itself
# never needs Python. Prints the environment's python path on stdout.
#   VIDEOMAE_PYTHON_ENV  where to put it (default: $XDG_CACHE_HOME/videomae/python-env)
# pip's configured on-disk indexes are passed explicitly, so nothing waits on an unreachable index.
set -euo pipefail
env_dir=${VIDEOMAE_PYTHON_ENV:-${XDG_CACHE_HOME:-$HOME/.cache}/videomae/python-env}
packages=("torch==2.13.0+cpu" "transformers>=5,<6" "accelerate>=1.1" "av" "numpy" "safetensors" "pillow")
# Optional: only the onnxruntime peer of the benchmarks (bench/onnx) needs them. Tried once per
# environment (also in an existing one); a failure is reported on stderr and is not an error.
optional_packages=("onnx" "onnxscript" "onnxruntime")
stamp="$env_dir/.videomae-ready"
optional_stamp="$env_dir/.videomae-optional-tried"
index_args=()
set_index_args() {
  local config indexes index first=1
  config=$(python3 -m pip config list 2>/dev/null || true)
  indexes=$(printf '%s\n' "$config" | sed -n "s/^[^=]*\.\(index-url\|extra-index-url\)='\(.*\)'$/\2/p" | tr ' ' '\n' | grep -v '^$' || true)
  for index in $indexes; do
    if [ $first = 1 ]; then index_args+=(--index-url "$index"); first=0; else index_args+=(--extra-index-url "$index"); fi
  done
}
if [ ! -f "$stamp" ]; then
  echo "[videomae] creating the Python reference environment in $env_dir (${packages[*]})" >&2
  python3 -m venv "$env_dir" >&2
  set_index_args
  # pip warns once per index that lacks a package; keep that out of the output unless it fails.
  if ! "$env_dir/bin/pip" install -q "${index_args[@]}" "${packages[@]}" >"$env_dir/pip-install.log" 2>&1; then
    cat "$env_dir/pip-install.log" >&2
    exit 1
  fi
  touch "$stamp"
fi
if [ ! -f "$optional_stamp" ]; then
  [ ${#index_args[@]} -gt 0 ] || set_index_args
  if ! "$env_dir/bin/pip" install -q "${index_args[@]}" "${optional_packages[@]}" >"$env_dir/pip-install-optional.log" 2>&1; then
    echo "[videomae] optional ${optional_packages[*]} not installed (only bench/onnx needs them): see $env_dir/pip-install-optional.log" >&2
  fi
  touch "$optional_stamp"
fi
echo "$env_dir/bin/python"
