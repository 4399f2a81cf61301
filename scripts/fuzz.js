#!/usr/bin/env node
'use strict';
// `npm run fuzz -- --minutes N [--target name]... [--jobs J] [--keep-going]`
//
// Builds the libFuzzer targets of fuzz/ into build-fuzz/ (clang, ASan + UBSan; rebuilt only when
// a source changed) and runs each for N minutes, one after the other (--jobs J: J at once). New
// inputs go to build-fuzz/corpus/<target>/ (the committed seeds in fuzz/corpus/<target>/ are only
// read); crashes, leaks, timeouts and out-of-memory inputs to build-fuzz/crashes/<target>/. Per
// target it prints the CPU seconds used, the executions, the final coverage (libFuzzer's cov/ft)
// and the crashes found. Exit status 1 when any target found one.
//
// Other options: --seconds S (instead of --minutes), --build-only, --seeds-only (run every seed
// once, no fuzzing), --list. Needs clang and its libFuzzer runtime (apt: clang libclang-rt-14-dev;
// scripts/setup.sh installs them); without them it says so and exits with status 2.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const fuzzDir = path.join(root, 'fuzz');
// VIDEOMAE_FUZZ_BUILD: another build folder (e.g. to time a cold build without losing build-fuzz/).
const buildDir = path.resolve(root, process.env.VIDEOMAE_FUZZ_BUILD || 'build-fuzz');

// Per target: the input size cap, the per-input time limit (s), memory limit (MB), dictionary.
const TARGETS = {
  json: { maxLen: 4096, timeout: 5, rssMb: 2048, dict: 'json.dict' },
  safetensors: { maxLen: 8192, timeout: 5, rssMb: 2048, dict: 'safetensors.dict' },
  unpickler: { maxLen: 8192, timeout: 5, rssMb: 2048, dict: 'pickle.dict' },
  torch_bin: { maxLen: 16384, timeout: 10, rssMb: 2048, dict: 'pickle.dict' },
  video_decoder: { maxLen: 65536, timeout: 10, rssMb: 3072, dict: null },
};
// libtorch's zip reader leaks when its constructor throws (see the file): not ours to fix. Since
// nearly every mutated archive takes that path, LeakSanitizer would also run a full leak check
// after nearly every input (713 exec/s against 13,505 without): leak detection is off for this
// target (the unpickler, the code behind it that could leak, has it on in its own target).
// VIDEOMAE_FUZZ_LEAKS=1 turns it on, with the suppressions.
TARGETS.torch_bin.lsanSuppressions = 'lsan-torch-bin.supp';
TARGETS.torch_bin.detectLeaks = process.env.VIDEOMAE_FUZZ_LEAKS === '1';

const binary = (target) => path.join(buildDir, 'bin', `${target}_fuzzer`);

function which(program) {
  const result = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

// { ok: true, cxx } or { ok: false, why }: clang++ and its libFuzzer runtime.
function toolchain() {
  // FUZZ_CXX: another clang++ (e.g. clang++-18).
  const cxx = process.env.FUZZ_CXX ? which(process.env.FUZZ_CXX) : which('clang++');
  if (!cxx) return { ok: false, why: `${process.env.FUZZ_CXX || 'clang++'} is not installed (apt-get install clang libclang-rt-14-dev)` };
  const dir = spawnSync(cxx, ['-print-runtime-dir'], { encoding: 'utf8' });
  const runtime = dir.status === 0 ? path.join(dir.stdout.trim(), 'libclang_rt.fuzzer-x86_64.a') : '';
  if (!runtime || !fs.existsSync(runtime)) {
    // Other layouts (or arches): ask the compiler to link a trivial fuzzer.
    const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-fuzz-probe-'));
    const src = path.join(probe, 'probe.cpp');
    fs.writeFileSync(src, 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n');
    const link = spawnSync(cxx, ['-fsanitize=fuzzer', src, '-o', path.join(probe, 'probe')], { encoding: 'utf8' });
    fs.rmSync(probe, { recursive: true, force: true });
    if (link.status !== 0) return { ok: false, why: `${cxx} cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev)` };
  }
  for (const tool of ['cmake', 'ninja', 'pkg-config']) if (!which(tool)) return { ok: false, why: `${tool} is not installed` };
  return { ok: true, cxx };
}

function libtorchDir() {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'libtorch.js')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/libtorch.js failed: ${result.stderr}`);
  return JSON.parse(result.stdout).dir;
}

function runChecked(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: options.quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...options });
  if (result.status !== 0) {
    const output = options.quiet ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(`${command} ${args.join(' ')} failed (status ${result.status})${output}`);
  }
  return result;
}

// Configures build-fuzz/ once (again when libtorch or the compiler changed), then lets ninja
// rebuild what changed (it tracks every header through depfiles; a no-op takes milliseconds).
function build({ quiet = false } = {}) {
  const tools = toolchain();
  if (!tools.ok) throw Object.assign(new Error(tools.why), { code: 'NO_TOOLCHAIN' });
  const torch = libtorchDir();
  const cache = path.join(buildDir, 'CMakeCache.txt');
  const stamp = `${tools.cxx}\n${torch}\n`;
  const stampFile = path.join(buildDir, 'configured-for.txt');
  const configured =
    fs.existsSync(cache) &&
    fs.existsSync(path.join(buildDir, 'build.ninja')) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8') === stamp;
  if (!configured) {
    fs.rmSync(buildDir, { recursive: true, force: true });
    runChecked('cmake', ['-S', fuzzDir, '-B', buildDir, '-G', 'Ninja', `-DCMAKE_CXX_COMPILER=${tools.cxx}`, `-DLIBTORCH_DIR=${torch}`], {
      quiet,
    });
    fs.writeFileSync(stampFile, stamp);
  }
  const env = {
    ...process.env,
    // ccache + precompiled headers (as scripts/build-native.js sets them for the addon).
    CCACHE_SLOPPINESS: 'pch_defines,time_macros,include_file_mtime,include_file_ctime',
  };
  runChecked('ninja', ['-C', buildDir, `-j${Math.max(1, os.cpus().length)}`], { env, quiet });
}

function parseStats(text) {
  const stats = { executions: null, cov: null, ft: null, corpus: null };
  // Status lines ("#N  NEW  cov: ..." or, in fork mode, "#N: cov: ..."), the last one wins. Not
  // anchored at line starts: fork mode's jobs interleave their output with the parent's.
  const status = /#(\d+)(?::|\s+[A-Z]+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/g;
  for (const m of text.matchAll(status))
    Object.assign(stats, { executions: Number(m[1]), cov: Number(m[2]), ft: Number(m[3]), corpus: Number(m[4]) });
  const units = /^stat::number_of_executed_units: (\d+)/m.exec(text);
  if (units) stats.executions = Number(units[1]);
  return stats;
}

// Runs one target; resolves to { target, cpuSeconds, wallSeconds, executions, cov, ft, crashes: [files], status }.
// `seconds`: fuzzing time (0: only run the seeds). `corpusDir`: where new inputs go (null: a
// temporary folder, removed after). `keepGoing`: fork mode, past crashes/timeouts/ooms. `logName`:
// the log's name under build-fuzz/logs/.
function runTarget(
  target,
  { seconds, corpusDir = path.join(buildDir, 'corpus', target), keepGoing = false, quiet = false, extraArgs = [], logName = target },
) {
  const spec = TARGETS[target];
  const crashDir = path.join(buildDir, 'crashes', target);
  fs.mkdirSync(crashDir, { recursive: true });
  const temporary = corpusDir === null;
  const outDir = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), `videomae-fuzz-${target}-`)) : corpusDir;
  fs.mkdirSync(outDir, { recursive: true });
  const before = new Set(fs.readdirSync(crashDir));
  const args = [
    `-timeout=${spec.timeout}`,
    `-rss_limit_mb=${spec.rssMb}`,
    `-max_len=${spec.maxLen}`,
    `-artifact_prefix=${crashDir}/`,
    '-print_final_stats=1',
    ...(spec.dict ? [`-dict=${path.join(fuzzDir, 'dicts', spec.dict)}`] : []),
    ...(seconds > 0 ? [`-max_total_time=${Math.round(seconds)}`] : ['-runs=0']),
    ...(keepGoing && seconds > 0 ? ['-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1', '-ignore_ooms=1'] : []),
    ...extraArgs,
    outDir,
    path.join(fuzzDir, 'corpus', target),
  ];
  // bash's `times` gives the CPU time of the fuzzer and everything it waited for (fork mode).
  const script = '"$@"; rc=$?; times >&3; exit $rc';
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, 'bash', binary(target), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? `detect_leaks=${spec.detectLeaks === false ? 0 : 1}`,
        UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1',
        ...(spec.lsanSuppressions ? { LSAN_OPTIONS: `suppressions=${path.join(fuzzDir, spec.lsanSuppressions)}` } : {}),
      },
    });
    let log = '';
    let times = '';
    const logFile = path.join(buildDir, 'logs', `${logName}.log`);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const logStream = fs.createWriteStream(logFile);
    const take = (chunk) => {
      log += chunk;
      if (log.length > 4 << 20) log = log.slice(-(2 << 20));
      logStream.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.stdio[3].on('data', (chunk) => (times += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      logStream.end();
      if (temporary) fs.rmSync(outDir, { recursive: true, force: true });
      // `times`: shell user/sys, then children user/sys ("0m12.345s 0m0.678s").
      const lines = times.trim().split('\n');
      const seconds = (s) => {
        const m = /(\d+)m([\d.]+)s/.exec(s);
        return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
      };
      const [user, sys] = (lines[1] ?? '').split(/\s+/);
      const crashes = fs
        .readdirSync(crashDir)
        .filter((f) => !before.has(f) && /^(crash|leak|timeout|oom)-/.test(f))
        .map((f) => path.join(crashDir, f));
      const result = {
        target,
        status,
        cpuSeconds: seconds(user) + seconds(sys),
        wallSeconds: (Date.now() - started) / 1000,
        ...parseStats(log),
        crashes,
        log: logFile,
      };
      if (!quiet) {
        const error = /^==\d+==ERROR: .*|^SUMMARY: .*|^\S+_fuzzer: .*|^runtime error: .*|.*: runtime error: .*/m.exec(log);
        if (status !== 0 && error) console.log(`  ${target}: ${error[0].slice(0, 300)}`);
      }
      resolve(result);
    });
  });
}

function report(results) {
  const rows = results.map((r) => [
    r.target,
    r.cpuSeconds.toFixed(1),
    (r.cpuSeconds / 60).toFixed(2),
    String(r.executions ?? '?'),
    String(r.cov ?? '?'),
    String(r.ft ?? '?'),
    String(r.crashes.length),
    r.status === 0 ? 'ok' : `exit ${r.status}`,
  ]);
  const header = ['target', 'cpu-s', 'cpu-min', 'executions', 'cov', 'ft', 'crashes', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const r of results) for (const file of r.crashes) console.log(`  ${r.target}: ${path.relative(root, file)}`);
}

async function main() {
  const argv = process.argv.slice(2);
  let seconds = 60;
  let jobs = 1;
  let keepGoing = false;
  let buildOnly = false;
  const wanted = [];
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--minutes') seconds = Number(value()) * 60;
    else if (arg === '--seconds') seconds = Number(value());
    else if (arg === '--seeds-only') seconds = 0;
    else if (arg === '--target') wanted.push(value());
    else if (arg === '--jobs') jobs = Math.max(1, Number(value()));
    else if (arg === '--keep-going') keepGoing = true;
    else if (arg === '--build-only') buildOnly = true;
    else if (arg === '--list') {
      console.log(Object.keys(TARGETS).join('\n'));
      return;
    } else throw new Error(`unknown argument ${arg} (usage: npm run fuzz -- --minutes N [--target name]... [--jobs J] [--keep-going])`);
  }
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error('--minutes/--seconds must be a non-negative number');
  for (const t of wanted) if (!TARGETS[t]) throw new Error(`unknown target ${t}: ${Object.keys(TARGETS).join(', ')}`);
  const targets = wanted.length > 0 ? wanted : Object.keys(TARGETS);
  try {
    build();
  } catch (error) {
    if (error.code === 'NO_TOOLCHAIN') {
      console.error(`fuzz: ${error.message}; nothing built`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (buildOnly) return;
  console.log(`fuzz: ${targets.join(', ')} for ${seconds} s each${jobs > 1 ? `, ${jobs} at a time` : ''}; logs in build-fuzz/logs/`);
  const results = [];
  const queue = [...targets];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      while (queue.length > 0) {
        const target = queue.shift();
        const result = await runTarget(target, { seconds, keepGoing });
        if (keepGoing && seconds > 0) {
          // Fork mode's status lines count coverage differently: measure the final corpus the
          // way a plain run does (each input once).
          const pass = await runTarget(target, { seconds: 0, logName: `${target}-coverage`, quiet: true });
          Object.assign(result, { cov: pass.cov, ft: pass.ft });
        }
        console.log(`  ${target}: done (${result.cpuSeconds.toFixed(0)} CPU-s, ${result.crashes.length} crash(es))`);
        results.push(result);
      }
    }),
  );
  results.sort((a, b) => targets.indexOf(a.target) - targets.indexOf(b.target));
  report(results);
  if (results.some((r) => r.crashes.length > 0 || r.status !== 0)) process.exitCode = 1;
}

module.exports = { TARGETS, toolchain, build, runTarget, binary, buildDir };

if (require.main === module) {
  main().catch((error) => {
    console.error(`fuzz: ${error.message}`);
    process.exitCode = 1;
  });
}
