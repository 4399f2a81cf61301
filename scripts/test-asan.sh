#!/usr/bin/env bash
# `npm run test:asan`: the native test suite (jest project `native`) against an ASan + UBSan build
# of the addon, with LeakSanitizer in every node process. Builds build-asan/Release/videomae.node
# first (VIDEOMAE_SANITIZE=address,undefined,float-cast-overflow node scripts/build-native.js --out
# build-asan: GCC's sanitizers, -O1, _GLIBCXX_ASSERTIONS; ninja rebuilds only what changed;
# build/ is never touched), then runs each test file with that addon (VIDEOMAE_NATIVE) and prints
# the usual last line "N passed, N failed". Arguments select test files as jest patterns (default:
# all of `native`).
#   VIDEOMAE_ASAN_LEAKS=0   no leak check (ASan + UBSan only)
#
# Only the addon is instrumented: node, libtorch and libav are not, so the ASan runtime must be
# the first library in the process (LD_PRELOAD; child processes the tests spawn inherit it).
# Every report is fatal (halt_on_error + abort_on_error, -fno-sanitize-recover=all). Each test
# file runs in its own jest process (--runInBand): a report aborts that file only, and the
# process exits normally otherwise, which is when LeakSanitizer looks (a jest worker is killed
# with SIGTERM, so it would never check). ASan and LSan write their reports to one log file per
# process (log_path; also for child processes whose stderr a test captures); GCC's UBSan, running
# beside ASan, ignores log_path and writes to stderr, which this script records too. At the end it
# prints every report and counts each as a failure in the last line.
#
# Options, and why:
# - quarantine_size_mb=64 (ASan's default is 256): ASan keeps freed blocks poisoned in a
#   quarantine to catch use-after-free, and that memory counts as RSS. test/native/isolation
#   requires < 200 MB RSS growth over 2.4 GB of freed tensors: measured 327 MB with 256, 86 MB
#   with 64, 23 MB with 0. 64 MB still holds the last several batches' frees.
# - Leak checks only in node (include_if_exists=scripts/sanitizers/asan-%b.options, read for the
#   binary named %b): the children the tests spawn (ffmpeg, the reference Python with torch) are
#   not ours and never free their heap at exit, so under LSan they exit with an error (Python's
#   probe then fails and the parity tests skip silently).
# - scripts/sanitizers/lsan.supp lists the leaks that are not ours, each with its reason;
#   asan.supp and ubsan.supp are empty: no report needed one.
set -euo pipefail
cd "$(dirname "$0")/.."

# float-cast-overflow (a float converted to an integer type that cannot hold it: frame indices,
# timestamps, pixel values) is undefined behaviour that GCC's -fsanitize=undefined leaves out.
sanitize=address,undefined,float-cast-overflow
asan_runtime=$(gcc -print-file-name=libasan.so)
if [ ! -e "$asan_runtime" ] || [ "$asan_runtime" = libasan.so ]; then
  echo "[videomae] test:asan: GCC's libasan is missing (apt-get install g++ provides it)" >&2
  exit 1
fi

started=$(date +%s)
# --force: always let ninja decide (a no-op takes a second). build-native.js alone skips the build
# when the .node is newer than every source, which misses a source edited during a build.
VIDEOMAE_SANITIZE=$sanitize node scripts/build-native.js --out build-asan --force
built=$(date +%s)
# test/native/isolation.test.ts runs the compiled package (dist/) in child processes, as `npm test`.
npm run --silent build:ts

# fuzz-smoke.test.ts runs the libFuzzer binaries (build-fuzz/), which carry clang's ASan runtime:
# with GCC's libasan preloaded they abort ("linked against incompatible ASan runtimes"). They are
# sanitized already and do not load the addon, so this run leaves them to `npm test` / `npm run fuzz`.
mapfile -t files < <(node node_modules/jest/bin/jest --listTests "$@" --selectProjects native 2>/dev/null | grep '^/' | grep -v '/fuzz-smoke\.test\.ts$' | sort)
if [ ${#files[@]} -eq 0 ]; then
  echo "[videomae] test:asan: no native test file matches $*" >&2
  exit 1
fi

logs=$(mktemp -d "${TMPDIR:-/tmp}/videomae-asan.XXXXXX")
supp=$PWD/scripts/sanitizers
common=halt_on_error=1:abort_on_error=1:print_summary=1:symbolize=1
leaks=
checks="ASan, UBSan; no leak check"
if [ "${VIDEOMAE_ASAN_LEAKS:-1}" != 0 ]; then
  leaks=":include_if_exists=$supp/asan-%b.options"
  checks="ASan, UBSan, LSan"
fi
export VIDEOMAE_NATIVE=$PWD/build-asan/Release/videomae.node
export ASAN_OPTIONS="$common:detect_leaks=0:allocator_may_return_null=1:quarantine_size_mb=64:check_initialization_order=1:log_path=$logs/asan:suppressions=$supp/asan.supp$leaks${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="$common:print_stacktrace=1:suppressions=$supp/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

passed=0
failed=0
status=0
for file in "${files[@]}"; do
  name=${file#"$PWD/"}
  out="$logs/$(basename "$file").out"
  set +e
  LD_PRELOAD="$asan_runtime${LD_PRELOAD:+:$LD_PRELOAD}" node scripts/run-tests.js --selectProjects native --runInBand "$file" >"$out" 2>&1
  code=$?
  set -e
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1 || true)
  if [ -n "$line" ]; then
    p=${line%% passed*}
    f=${line#*, }
    f=${f%% failed}
  else
    p=0
    f=1
  fi
  [ "$code" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    status=1
    echo "[videomae] test:asan: FAIL $name ($line, exit $code):"
    grep -vE '^Test results written to|^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -80 || true
  else
    echo "[videomae] test:asan: PASS $name ($p passed)"
  fi
done

found=0
for report in "$logs"/asan.*; do
  [ -e "$report" ] || continue
  # A log may hold only a runtime warning (no error): printed, not counted.
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: AddressSanitizer' "$report"; then
    found=$((found + 1))
    echo "[videomae] test:asan: sanitizer report $report:"
  else
    echo "[videomae] test:asan: sanitizer warning $report:"
  fi
  cat "$report"
done
# UBSan's reports (stderr, in the per-file outputs): one "file:line:col: runtime error:" each.
ubsan=$(cat "$logs"/*.out | grep -cE '(:[0-9]+:[0-9]+|<unknown>): runtime error: ' || true)
if [ "$ubsan" -gt 0 ]; then
  found=$((found + ubsan))
  echo "[videomae] test:asan: $ubsan UBSan report(s):"
  grep -h -A12 -E '(:[0-9]+:[0-9]+|<unknown>): runtime error: ' "$logs"/*.out
fi
if [ "$found" -gt 0 ]; then
  failed=$((failed + found))
  status=1
fi
kept=
[ "$status" -eq 0 ] || kept="; outputs and logs kept in $logs"
echo "[videomae] test:asan: ${#files[@]} files, build $((built - started)) s, tests $(($(date +%s) - built)) s, $found sanitizer report(s) ($checks)$kept"
[ "$status" -ne 0 ] || rm -rf "$logs"
echo "$passed passed, $failed failed"
exit "$status"
