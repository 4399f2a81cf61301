#!/usr/bin/env bash
# Creates (once) the Python environment used only for reference work: golden fixtures with HF's
# own code (tools/golden) and the Python peers of the benchmarks (bench/). The package itself
# never needs Python. Prints the environment's python path on stdout.
#   VIDEOMAE_PYTHON_ENV  where to put it (default: $XDG_CACHE_HOME/videomae/python-env)
# pip's configured on-disk indexes are passed explicitly, so nothing waits on an unreachable index.
set -euo pipefail
env_dir=${VIDEOMAE_PYTHON_ENV:-${XDG_CACHE_HOME:-$HOME/.cache}/videomae/python-env}
packages=("torch==2.13.0+cpu" "transformers>=5,<6" "av" "numpy" "safetensors" "pillow")
stamp="$env_dir/.videomae-ready"
if [ ! -f "$stamp" ]; then
  echo "[videomae] creating the Python reference environment in $env_dir (${packages[*]})" >&2
  python3 -m venv "$env_dir" >&2
  index_args=()
  config=$(python3 -m pip config list 2>/dev/null || true)
  indexes=$(printf '%s\n' "$config" | sed -n "s/^[^=]*\.\(index-url\|extra-index-url\)='\(.*\)'$/\2/p" | tr ' ' '\n' | grep -v '^$' || true)
  first=1
  for index in $indexes; do
    if [ $first = 1 ]; then index_args+=(--index-url "$index"); first=0; else index_args+=(--extra-index-url "$index"); fi
  done
  # pip warns once per index that lacks a package; keep that out of the output unless it fails.
  if ! "$env_dir/bin/pip" install -q "${index_args[@]}" "${packages[@]}" >"$env_dir/pip-install.log" 2>&1; then
    cat "$env_dir/pip-install.log" >&2
    exit 1
  fi
  touch "$stamp"
fi
echo "$env_dir/bin/python"
