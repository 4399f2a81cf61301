'use strict';
/**
 * Crash-consistency harness (`npm run test:crash`; not part of `npm test`).
 *
 * Runs `videomae train` (tiny preset, a small synthetic dataset, a checkpoint every few steps,
 * fixed seed, CPU) as a child process and kills it with SIGKILL at seeded moments, then checks:
 *
 *   1. every folder named checkpoint-<N> is complete, and the newest one loads: model.safetensors
 *      into a model, optimizer.safetensors into an optimizer, scheduler.json into the scheduler,
 *      trainer_state.json and rng_state.json parse;
 *   2. `videomae train … --resume` (or a fresh start when no checkpoint was written yet) runs to
 *      the end and reaches the same parameters as an uninterrupted reference run: the tensors of
 *      the final model.safetensors and of every checkpoint left at the end (model and optimizer)
 *      are compared byte for byte.
 *
 * Two scenarios (10 trials each by default): "rotate" (save every 3 steps, saveTotalLimit 2, no
 * evaluation: rotation deletes a checkpoint after each save) and "best" (evaluate + save every 3
 * steps, saveTotalLimit 1, loadBestModelAtEnd: the final clean-up deletes the newest checkpoints).
 * Kill moments, per trial, chosen by a seeded generator:
 *   - timed:   a delay uniform over 85 % of the reference run's wall time;
 *   - save:    inotify (fs.watch) sees the n-th checkpoint temp folder appear, then a delay of 0-30 ms
 *              (a save takes ~20 ms here), so the kill lands while a checkpoint is being written;
 *   - syscall: strace injects SIGKILL at the K-th rename / unlink / fsync / rmdir of the main
 *              thread (counted in a traced reference run; strace counts per thread, so a worker
 *              thread reaching its own K-th call first, e.g. the native writer's renames, is where
 *              the kill lands then), i.e. exactly inside a save, a rotation or the final clean-up; the first such trial of "best" always kills in the final clean-up
 *              (a regression case, see finalCleanupUnlink). Needs strace (and ptrace); replaced by
 *              "save" when unavailable.
 *
 * Usage: node scripts/crash-consistency.js [--trials 20] [--seed 1] [--keep] [--work DIR]
 * Needs `npm run build:ts` (dist/) and the native addon. Exit status 1 when any trial fails.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mulberry32 } = require('./mulberry32');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'videomae.js');

function parseArgs(argv) {
  const opts = { trials: 20, seed: 1, keep: false, work: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--trials') opts.trials = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--keep') opts.keep = true;
    else if (a === '--work') opts.work = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.trials) || opts.trials < 1) throw new Error('--trials must be a positive integer');
  return opts;
}

const MAX_STEPS = 24;
const COMMON = [
  '--config',
  'tiny',
  '--max-steps',
  String(MAX_STEPS),
  '--per-device-train-batch-size',
  '2',
  '--logging-steps',
  '1',
  '--seed',
  '11',
  '--device',
  'cpu',
  '--save-strategy',
  'steps',
  '--save-steps',
  '3',
  '--no-test',
];
const SCENARIOS = {
  rotate: [...COMMON, '--eval-strategy', 'no', '--no-load-best-model-at-end', '--save-total-limit', '2'],
  best: [...COMMON, '--eval-strategy', 'steps', '--eval-steps', '3', '--save-total-limit', '1', '--load-best-model-at-end'],
};
const TRACED = ['rename', 'unlink', 'fsync', 'rmdir'];
const REQUIRED = [
  'config.json',
  'model.safetensors',
  'optimizer.safetensors',
  'scheduler.json',
  'rng_state.json',
  'trainer_state.json',
  'training_args.json',
];

function trainArgs(scenario, data, out, extra = []) {
  return [cli, 'train', '--data', data, '--output', out, ...SCENARIOS[scenario], ...extra];
}

/** Runs a command to its end; resolves { code, signal, ms, stderr }. */
function runToEnd(command, args, options = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    if (options.onSpawn) options.onSpawn(child);
    child.on('close', (code, signal) => resolve({ code, signal, ms: performance.now() - started, stderr }));
  });
}

// ------------------------------------------------------------------ safetensors comparison

function readSafetensors(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 8) throw new Error(`${file}: ${buf.length} bytes, shorter than the header length`);
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error(`${file}: header of ${n} bytes runs past the end (${buf.length})`);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const data = buf.subarray(8 + n);
  const tensors = new Map();
  let end = 0;
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, stop] = info.data_offsets;
    if (stop > data.length) throw new Error(`${file}: tensor ${name} ends at ${stop}, past the data (${data.length})`);
    end = Math.max(end, stop);
    tensors.set(name, { dtype: info.dtype, shape: info.shape, bytes: data.subarray(begin, stop) });
  }
  if (end !== data.length) throw new Error(`${file}: ${data.length - end} bytes after the last tensor`);
  return tensors;
}

/** null when the tensors of two safetensors files are byte-identical, else what differs. */
function diffSafetensors(a, b) {
  const ta = readSafetensors(a);
  const tb = readSafetensors(b);
  const names = new Set([...ta.keys(), ...tb.keys()]);
  const diffs = [];
  for (const name of [...names].sort()) {
    const x = ta.get(name);
    const y = tb.get(name);
    if (!x || !y) diffs.push(`${name} only in ${x ? 'reference' : 'trial'}`);
    else if (x.dtype !== y.dtype || JSON.stringify(x.shape) !== JSON.stringify(y.shape)) diffs.push(`${name} dtype/shape`);
    else if (!x.bytes.equals(y.bytes)) diffs.push(`${name} values`);
  }
  return diffs.length ? `${diffs.length} tensors differ (${diffs.slice(0, 3).join(', ')})` : null;
}

function finalCheckpoints(out) {
  if (!fs.existsSync(out)) return [];
  return fs
    .readdirSync(out)
    .filter((n) => /^checkpoint-\d+$/.test(n))
    .sort((x, y) => Number(x.split('-')[1]) - Number(y.split('-')[1]));
}

/** Compares a finished trial with the reference: final model, set of checkpoints, their tensors. */
function compareRuns(reference, trial) {
  const problems = [];
  const d = diffSafetensors(path.join(reference, 'model.safetensors'), path.join(trial, 'model.safetensors'));
  if (d) problems.push(`final model.safetensors: ${d}`);
  const refCkpts = finalCheckpoints(reference);
  const trialCkpts = finalCheckpoints(trial);
  if (refCkpts.join() !== trialCkpts.join()) problems.push(`checkpoints ${trialCkpts.join(',')} (reference ${refCkpts.join(',')})`);
  for (const c of refCkpts.filter((n) => trialCkpts.includes(n))) {
    for (const f of ['model.safetensors', 'optimizer.safetensors']) {
      const e = diffSafetensors(path.join(reference, c, f), path.join(trial, c, f));
      if (e) problems.push(`${c}/${f}: ${e}`);
    }
  }
  return problems;
}

/** The loss/grad-norm/lr log of a finished run (informational: parameters are what must match). */
function lossLog(out) {
  const state = JSON.parse(fs.readFileSync(path.join(out, 'trainer_state.json'), 'utf8'));
  return JSON.stringify(
    state.log_history
      .filter((e) => e.loss !== undefined || e.eval_loss !== undefined)
      .map((e) => [e.step, e.loss, e.grad_norm, e.eval_loss]),
  );
}

// ------------------------------------------------------------------ the state a kill left

/** What the output folder holds right after a kill: where the kill landed, and broken folders. */
function inspectAfterKill(out) {
  const names = fs.existsSync(out) ? fs.readdirSync(out) : [];
  const landed = [];
  if (names.some((n) => /^checkpoint-\d+\.tmp-\d+$/.test(n))) landed.push('mid-save (temp folder being written)');
  if (names.some((n) => /^checkpoint-\d+\.(?:old|del)-\d+$/.test(n))) landed.push('mid-replace/delete (renamed-away folder)');
  if (names.some((n) => /^\.save\.tmp-\d+$/.test(n))) landed.push('mid final save_model');
  const incomplete = [];
  for (const c of finalCheckpoints(out)) {
    const missing = REQUIRED.filter((f) => !fs.existsSync(path.join(out, c, f)));
    if (missing.length) incomplete.push(`${c} lacks ${missing.join(', ')}`);
  }
  if (incomplete.length) landed.push('mid-delete of a checkpoint-N folder (partly deleted)');
  return { landed, incomplete, checkpoints: finalCheckpoints(out), finished: names.includes('model.safetensors') };
}

/** Loads the newest checkpoint the Trainer would resume from, with the package's own readers. */
async function loadLatest(out, lib) {
  const latest = lib.checkpoint.latestCheckpoint(out);
  if (!latest) return { latest: null };
  lib.checkpoint.assertResumable(latest);
  const state = lib.state.TrainerState.fromJson(lib.checkpoint.readJson(path.join(latest, 'trainer_state.json')), latest);
  const sched = lib.checkpoint.readJson(path.join(latest, 'scheduler.json'));
  const scheduler = new lib.schedule.LrScheduler(sched.type, sched.base_lrs[0], sched.warmup_steps, sched.total_steps);
  scheduler.load(sched);
  lib.checkpoint.readJson(path.join(latest, 'rng_state.json'));
  lib.checkpoint.readJson(path.join(latest, 'training_args.json'));
  readSafetensors(path.join(latest, 'model.safetensors'));
  const model = await lib.runtime.loadPretrained(latest, { device: 'cpu', dtype: 'float32' });
  try {
    const optimizer = await model.createOptimizer({ lr: 5e-5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
    await optimizer.load(path.join(latest, 'optimizer.safetensors'));
  } finally {
    model.dispose();
  }
  return { latest: path.basename(latest), step: state.globalStep };
}

// ------------------------------------------------------------------ kills

function killAfter(child, ms) {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  child.on('exit', () => clearTimeout(timer));
}

/** Kills the child `delay` ms after the n-th checkpoint temp folder appears in `out`. */
function killInSave(child, out, n, delay) {
  const seen = new Set();
  const watcher = fs.watch(out, (_event, name) => {
    if (!name || !/^checkpoint-\d+\.tmp-\d+$/.test(String(name)) || seen.has(String(name))) return;
    seen.add(String(name));
    if (seen.size === n) {
      watcher.close();
      killAfter(child, delay);
    }
  });
  child.on('exit', () => watcher.close());
}

function hasStrace() {
  const probe = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=none', 'true'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Per traced syscall, the calls the main thread of a reference run makes (in order, with their
 * path; -y names an fd's file), from strace -f. strace counts `when=K` per thread, and the main
 * thread is the one that writes checkpoint JSON, fsyncs, renames folders and deletes them.
 */
async function countSyscalls(scenario, data, out) {
  const log = `${out}.strace`;
  const args = [
    '-f',
    '-y',
    '-qq',
    '-o',
    log,
    '-e',
    `trace=execve,${TRACED.join(',')}`,
    process.execPath,
    ...trainArgs(scenario, data, out),
  ];
  const r = await runToEnd('strace', args);
  if (r.code !== 0) throw new Error(`traced reference run failed (${r.code}): ${r.stderr}`);
  const calls = Object.fromEntries(TRACED.map((s) => [s, []]));
  let mainTid = null;
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const m = /^(\d+)\s+(\w+)\((.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === 'execve')
      mainTid ??= m[1]; // node's own execve: its thread id is the process id
    else if (calls[m[2]] && m[1] === mainTid) calls[m[2]].push(m[3].split(out).join('<out>').slice(0, 100));
  }
  return calls;
}

/**
 * The regression moment for the bug this harness found: in the "best" scenario the final clean-up
 * (saveTotalLimit 1) deletes the newest checkpoint; a kill after its first file is gone used to
 * leave checkpoint-<max> without config.json/model.safetensors under its final name.
 */
function finalCleanupUnlink(calls) {
  const newest = new RegExp(`<out>/checkpoint-${MAX_STEPS}(?:\\.del-\\d+)?/`);
  const first = calls.unlink.findIndex((c) => newest.test(c));
  return first < 0 ? null : first + 2; // 1-based: the second unlink of that folder
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dist = path.join(root, 'dist', 'lib');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
  const lib = {
    index: require(dist),
    checkpoint: require(path.join(dist, 'train', 'checkpoint')),
    state: require(path.join(dist, 'train', 'trainer-state')),
    schedule: require(path.join(dist, 'train', 'schedule')),
    runtime: require(path.join(dist, 'train', 'runtime')),
  };
  const work = opts.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-crash-'));
  fs.mkdirSync(work, { recursive: true });
  const t0 = performance.now();
  const data = path.join(work, 'data');
  if (!fs.existsSync(path.join(data, 'train')))
    await lib.index.synthesizeDataset({ output: data, classes: 3, train: 4, val: 1, test: 0, seconds: 1.6, seed: 3 });

  // Uninterrupted references, twice each: the comparison means nothing unless a run is reproducible.
  const refs = {};
  for (const scenario of Object.keys(SCENARIOS)) {
    const a = path.join(work, `ref-${scenario}-a`);
    const b = path.join(work, `ref-${scenario}-b`);
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
    const ra = await runToEnd(process.execPath, trainArgs(scenario, data, a));
    const rb = await runToEnd(process.execPath, trainArgs(scenario, data, b));
    if (ra.code !== 0 || rb.code !== 0) throw new Error(`reference run failed: ${ra.stderr}${rb.stderr}`);
    const same = compareRuns(a, b);
    if (same.length) throw new Error(`two uninterrupted ${scenario} runs differ, so resume cannot be checked: ${same.join('; ')}`);
    refs[scenario] = { dir: a, ms: Math.min(ra.ms, rb.ms), checkpoints: finalCheckpoints(a), saves: MAX_STEPS / 3 };
    console.log(
      `reference ${scenario}: ${ra.ms.toFixed(0)} ms / ${rb.ms.toFixed(0)} ms, reproducible bit for bit; left ${refs[scenario].checkpoints.join(', ')}`,
    );
  }
  const strace = hasStrace();
  if (strace) {
    for (const scenario of Object.keys(SCENARIOS)) {
      const out = path.join(work, `ref-${scenario}-traced`);
      fs.rmSync(out, { recursive: true, force: true });
      refs[scenario].calls = await countSyscalls(scenario, data, out);
      const counts = TRACED.map((s) => `${s} ${refs[scenario].calls[s].length}`).join(', ');
      console.log(`traced ${scenario} reference: ${counts}`);
    }
  } else console.log('strace unavailable (or ptrace refused): "syscall" trials become "save" trials');

  const rand = mulberry32(opts.seed);
  const modes = ['timed', 'save', 'syscall'];
  const results = [];
  let regressionDone = false;
  for (let i = 0; i < opts.trials; i++) {
    const scenario = i < opts.trials / 2 ? 'rotate' : 'best';
    const ref = refs[scenario];
    let mode = modes[i % 3];
    if (mode === 'syscall' && !strace) mode = 'save';
    const out = path.join(work, `trial-${String(i).padStart(2, '0')}`);
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out);
    const trial = { i, scenario, mode, ok: false, notes: [] };
    const started = performance.now();
    let run;
    if (mode === 'timed') {
      // Within 85 % of the faster reference run, so that the kill comes before the run ends.
      const delay = Math.round(rand() * 0.85 * ref.ms);
      trial.moment = `${delay} ms after spawn`;
      run = await runToEnd(process.execPath, trainArgs(scenario, data, out), { onSpawn: (c) => killAfter(c, delay) });
    } else if (mode === 'save') {
      const n = 1 + Math.floor(rand() * ref.saves);
      const delay = Math.round(rand() * 30);
      trial.moment = `${delay} ms after save #${n} began`;
      run = await runToEnd(process.execPath, trainArgs(scenario, data, out), { onSpawn: (c) => killInSave(c, out, n, delay) });
    } else {
      const usable = TRACED.filter((name) => ref.calls[name].length > 0);
      if (!usable.length) throw new Error('the traced reference run shows no checkpoint syscalls on the main thread');
      let syscall = usable[Math.floor(rand() * usable.length)];
      let k = 1 + Math.floor(rand() * ref.calls[syscall].length);
      if (scenario === 'best' && !regressionDone && finalCleanupUnlink(ref.calls) !== null) {
        // The first syscall trial of "best" is the regression case; the generator still advances.
        regressionDone = true;
        syscall = 'unlink';
        k = finalCleanupUnlink(ref.calls);
      }
      const calls = ref.calls[syscall];
      trial.moment = `${syscall} #${k}/${calls.length} (reference: ${syscall}(${calls[k - 1]}))`;
      const args = ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=SIGKILL:when=${k}`];
      run = await runToEnd('strace', [...args, process.execPath, ...trainArgs(scenario, data, out)]);
      // strace reports the tracee's death by SIGKILL as its own exit status 128 + 9.
      if (run.code === 137) run.signal = 'SIGKILL';
    }
    trial.killed = run.signal === 'SIGKILL';
    if (!trial.killed) trial.notes.push(`run was not killed (exit ${run.code}${run.signal ? `, ${run.signal}` : ''})`);
    const after = inspectAfterKill(out);
    trial.landed = after.landed.length ? after.landed.join(' + ') : after.finished ? 'after the final save' : 'between saves';
    trial.left = after.checkpoints.join(',') || '(none)';
    let problem = null;
    if (after.incomplete.length) problem = `a checkpoint-N folder looks complete by name but is not: ${after.incomplete.join('; ')}`;
    try {
      const loaded = await loadLatest(out, lib);
      trial.latest = loaded.latest ?? '(none yet)';
    } catch (error) {
      problem ??= `latest checkpoint does not load: ${error.message}`;
      trial.latest = 'BROKEN';
    }
    const resume = lib.checkpoint.latestCheckpoint(out) ? ['--resume'] : [];
    const resumed = await runToEnd(process.execPath, trainArgs(scenario, data, out, resume));
    if (resumed.code !== 0)
      problem ??= `${resume.length ? '--resume' : 'restart'} failed (${resumed.code}): ${resumed.stderr.trim().split('\n').pop()}`;
    else {
      const diffs = compareRuns(ref.dir, out);
      if (diffs.length) problem ??= `resumed run differs from the reference: ${diffs.join('; ')}`;
      trial.sameLog = lossLog(ref.dir) === lossLog(out);
    }
    trial.resumedWith = resume.length ? '--resume' : 'fresh start';
    trial.ok = problem === null;
    trial.problem = problem;
    trial.seconds = (performance.now() - started) / 1000;
    results.push(trial);
    console.log(
      `trial ${String(i).padStart(2)} ${scenario.padEnd(6)} ${mode.padEnd(7)} kill at ${trial.moment}: ${trial.landed}; left ${trial.left}; ` +
        `latest ${trial.latest}; ${trial.resumedWith} -> ${trial.ok ? 'bit-exact' : `FAIL: ${problem}`}` +
        `${trial.ok && trial.sameLog === false ? ' (log history differs)' : ''}${trial.notes.length ? ` (${trial.notes.join('; ')})` : ''}` +
        ` [${trial.seconds.toFixed(1)} s]`,
    );
    if (!opts.keep && trial.ok) fs.rmSync(out, { recursive: true, force: true });
  }

  const killed = results.filter((t) => t.killed).length;
  const midSave = results.filter((t) => /^mid/.test(t.landed)).length;
  const failed = results.filter((t) => !t.ok);
  console.log(
    `\n${results.length} trials, ${killed} killed by SIGKILL, ${midSave} left a save/delete in progress, ` +
      `${results.length - failed.length} resumed bit-exact, ${failed.length} failed; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`,
  );
  if (!opts.keep && !failed.length) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`work folder kept: ${work}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exitCode = 1;
});
