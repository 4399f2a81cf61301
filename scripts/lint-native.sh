#!/usr/bin/env bash
# The native half of `npm run lint`: every C++ source under native/ must already be formatted as
# .clang-format says (clang-format --dry-run -Werror lists the first differences). The compiler's
# -Wall -Wextra -Werror is part of the build itself (CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "[videomae] lint: clang-format is not installed (scripts/setup.sh installs it with apt)" >&2
  exit 1
fi
mapfile -t sources < <(find native -name '*.cpp' -o -name '*.h' | sort)
clang-format --dry-run -Werror "${sources[@]}"
echo "[videomae] lint: ${#sources[@]} native sources formatted as .clang-format says"
