'use strict';
/**
 * Soak test (`npm run soak`; not part of `npm test`). In one process:
 *
 *   Phase 1: 10,000 pipeline classifications (the tiny golden checkpoint) of mixed inputs — videos
 *   encoded by the ffmpeg CLI (mpeg4 .avi, H.264 .mp4 with B-frames, VP9 .webm, MJPEG .mov) and by
 *   synthesizeDataset (mpeg4 .avi, H.264 .mp4), given as paths and as Buffers, and raw frame
 *   arrays (RGBA and RGB, some shorter than the model's window), with varied options (topK,
 *   clips × crops, HF sampling) — interleaved with 1,000 failed opens (missing files, garbage
 *   bytes as a file and as a Buffer, truncated videos as a file and as a Buffer) through the
 *   pipeline and through VideoReader.open, each checked to reject with a VideomaeError.
 *   Phase 2: 100 Trainer steps (tiny preset, the real DataLoader, a synthetic dataset).
 *
 * RSS (process.memoryUsage().rss, after a forced GC when run with --expose-gc) and the open file
 * descriptors (/proc/self/fd) are sampled along the way. The first 10 % of each phase is warm-up
 * (allocator pools, libtorch/FFmpeg caches, JIT); the bounds apply to the remaining 90 %:
 *   - RSS growth = (median of the last 5 samples) − (sample at the end of warm-up)
 *       phase 1 ≤ 30 MB, phase 2 ≤ 20 MB (defaults; --rss-bound-mb / --train-rss-bound-mb);
 *   - fds at the end = fds at the end of warm-up ± 2.
 * Prints the figures (also as JSON with --json FILE) and exits 1 when a bound is broken.
 *
 * Usage: node --expose-gc scripts/soak.js [--classifications 10000] [--failed-opens 1000]
 *        [--train-steps 100] [--seed 1] [--json FILE] [--keep]
 * Needs `npm run build:ts` (dist/), the native addon and the ffmpeg CLI.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mulberry32 } = require('./mulberry32');

const root = path.resolve(__dirname, '..');
const MB = 1024 * 1024;

function parseArgs(argv) {
  const opts = {
    classifications: 10_000,
    failedOpens: 1_000,
    trainSteps: 100,
    seed: 1,
    json: null,
    keep: false,
    rssBoundMb: 30,
    trainRssBoundMb: 20,
    fdSlack: 2,
  };
  const numeric = {
    '--classifications': 'classifications',
    '--failed-opens': 'failedOpens',
    '--train-steps': 'trainSteps',
    '--seed': 'seed',
    '--rss-bound-mb': 'rssBoundMb',
    '--train-rss-bound-mb': 'trainRssBoundMb',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (numeric[a]) opts[numeric[a]] = Number(argv[++i]);
    else if (a === '--json') opts.json = path.resolve(argv[++i]);
    else if (a === '--keep') opts.keep = true;
    else throw new Error(`unknown argument ${a}`);
  }
  for (const key of Object.values(numeric))
    if (!Number.isFinite(opts[key]) || opts[key] < 0) throw new Error(`--${key} must be a number >= 0`);
  return opts;
}

const collect = typeof global.gc === 'function' ? () => global.gc() : () => undefined;

function sample(at) {
  collect();
  return { at, rssMb: process.memoryUsage().rss / MB, fds: fs.readdirSync('/proc/self/fd').length };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Least-squares slope of rss over `at`, in MB per `per` units of `at`. */
function slope(samples, per) {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.at, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.at - mx) * (p.rssMb - my);
    den += (p.at - mx) ** 2;
  }
  return den ? (num / den) * per : 0;
}

/** Checks the bounds on the samples taken after warm-up (the first one is the end of warm-up). */
function verdict(name, samples, boundMb, fdSlack, per) {
  const base = samples[0];
  const tail = samples.slice(-5);
  const growth = median(tail.map((s) => s.rssMb)) - base.rssMb;
  const peak = Math.max(...samples.map((s) => s.rssMb));
  const fdsEnd = samples[samples.length - 1].fds;
  const failures = [];
  if (growth > boundMb) failures.push(`${name}: RSS grew ${growth.toFixed(1)} MB after warm-up (bound ${boundMb} MB)`);
  if (Math.abs(fdsEnd - base.fds) > fdSlack)
    failures.push(`${name}: ${fdsEnd} fds open at the end, ${base.fds} after warm-up (± ${fdSlack})`);
  const summary = {
    rssAfterWarmupMb: +base.rssMb.toFixed(1),
    rssEndMb: +median(tail.map((s) => s.rssMb)).toFixed(1),
    rssPeakMb: +peak.toFixed(1),
    rssGrowthMb: +growth.toFixed(1),
    rssBoundMb: boundMb,
    slopeMb: +slope(samples, per).toFixed(2),
    slopePer: per,
    fdsAfterWarmup: base.fds,
    fdsEnd,
    fdsMax: Math.max(...samples.map((s) => s.fds)),
    samples: samples.length,
    series: samples.map((s) => [s.at, +s.rssMb.toFixed(1), s.fds]),
  };
  return { summary, failures };
}

// ------------------------------------------------------------------ inputs

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeInputs(work) {
  const videos = [];
  const source = (w, h, rate, frames) => ['-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${rate}`, '-frames:v', String(frames)];
  const encode = (name, w, h, frames, codec) => {
    const file = path.join(work, name);
    ffmpeg([...source(w, h, 25, frames), ...codec, '-pix_fmt', 'yuv420p', file]);
    videos.push(file);
  };
  encode('cli-mpeg4.avi', 64, 48, 30, ['-c:v', 'mpeg4', '-q:v', '3']);
  encode('cli-h264-bframes.mp4', 96, 64, 40, ['-c:v', 'libx264', '-bf', '3', '-g', '12', '-crf', '20']);
  encode('cli-vp9.webm', 80, 60, 20, ['-c:v', 'libvpx-vp9', '-b:v', '200k', '-deadline', 'realtime']);
  encode('cli-mjpeg.mov', 48, 48, 12, ['-c:v', 'mjpeg', '-q:v', '4']);
  encode('cli-h264-short.mp4', 64, 64, 3, ['-c:v', 'libx264']);
  return videos;
}

function rawFrames(width, height, count, channels, seed) {
  return Array.from({ length: count }, (_, t) => {
    const data = new Uint8Array(width * height * channels);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + t * 17 + seed) & 255;
    return { data, width, height };
  });
}

/** The failing inputs: each must make VideoReader.open (and so the pipeline) reject. */
function makeBadInputs(work, goodMp4, rand) {
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rand() * 256);
  const garbageFile = path.join(work, 'garbage.mp4');
  fs.writeFileSync(garbageFile, garbage);
  // ffmpeg writes the moov atom at the end: the first 40 % of an mp4 has frames but no index.
  const whole = fs.readFileSync(goodMp4);
  const truncated = whole.subarray(0, Math.floor(whole.length * 0.4));
  const truncatedFile = path.join(work, 'truncated.mp4');
  fs.writeFileSync(truncatedFile, truncated);
  const headerOnly = whole.subarray(0, 64);
  return [
    { kind: 'missing file', make: (i) => path.join(work, `missing-${i}.mp4`) },
    { kind: 'garbage file', make: () => garbageFile },
    { kind: 'garbage Buffer', make: () => Buffer.from(garbage) },
    { kind: 'truncated file', make: () => truncatedFile },
    { kind: 'truncated Buffer', make: () => Buffer.from(truncated) },
    { kind: 'header-only Buffer', make: () => Buffer.from(headerOnly) },
  ];
}

// ------------------------------------------------------------------ phase 1

async function classificationPhase(lib, opts, work, rand) {
  const synth = await lib.synthesizeDataset({
    output: path.join(work, 'synth'),
    classes: 3,
    train: 2,
    val: 0,
    test: 0,
    seconds: 1.2,
    seed: 4,
  });
  const files = [...makeInputs(work), ...synth.files];
  const buffers = files.map((f) => fs.readFileSync(f));
  const frameSets = [rawFrames(64, 48, 16, 4, 1), rawFrames(40, 30, 6, 3, 2), rawFrames(32, 32, 4, 3, 3)];
  const optionSets = [{}, { topK: 2 }, { sampling: 'hf' }, { clips: 2, crops: 3 }, { topK: 1, functionToApply: 'sigmoid' }];
  const bad = makeBadInputs(work, files[1], rand);
  const quiet = { onWarning: () => undefined };

  const classifier = await lib.pipeline('video-classification', { model: path.join(root, 'test', 'fixtures', 'videomae-tiny') });
  // Every bad input must fail before the loop starts; a truncated file that decodes would not test anything.
  for (const b of bad) {
    const r = await lib.VideoReader.open(b.make(0)).then(
      (reader) => (reader.close(), 'opened'),
      (e) => e.code,
    );
    if (!/^ERR_VIDEOMAE_/.test(r)) throw new Error(`bad input "${b.kind}" did not fail to open (${r})`);
  }

  const total = opts.classifications;
  const failEvery = opts.failedOpens > 0 ? Math.max(1, Math.floor(total / opts.failedOpens)) : Infinity;
  const warmup = Math.floor(total * 0.1);
  const every = Math.max(1, Math.floor(total / 100));
  const samples = [];
  const counts = { path: 0, buffer: 0, frames: 0, failedOpens: 0, failedCodes: {} };
  const started = performance.now();
  let warmupMs = 0;
  let failedOpens = 0;
  const failOnce = async (i) => {
    const b = bad[failedOpens % bad.length];
    const input = b.make(i);
    const viaPipeline = failedOpens % 2 === 0;
    failedOpens++;
    try {
      if (viaPipeline) await classifier(input, quiet);
      else (await lib.VideoReader.open(input)).close();
    } catch (error) {
      if (!(error instanceof lib.VideomaeError)) throw new Error(`${b.kind}: not a VideomaeError: ${error}`);
      counts.failedCodes[error.code] = (counts.failedCodes[error.code] ?? 0) + 1;
      counts.failedOpens++;
      return;
    }
    throw new Error(`${b.kind} (${viaPipeline ? 'pipeline' : 'VideoReader.open'}) did not fail`);
  };

  for (let i = 0; i < total; i++) {
    const r = rand();
    // clips × crops (6 views per input) for about 1 in 8 calls; the cheaper option sets otherwise.
    const options = { ...(rand() < 0.125 ? optionSets[3] : optionSets[[0, 1, 2, 4][Math.floor(rand() * 4)]]), ...quiet };
    let predictions;
    if (r < 0.4) {
      predictions = await classifier(files[i % files.length], options);
      counts.path++;
    } else if (r < 0.75) {
      predictions = await classifier(buffers[i % buffers.length], options);
      counts.buffer++;
    } else {
      predictions = await classifier(frameSets[i % frameSets.length], options);
      counts.frames++;
    }
    if (!Array.isArray(predictions) || predictions.length < 1 || !Number.isFinite(predictions[0].score))
      throw new Error(`classification ${i} returned ${JSON.stringify(predictions)}`);
    if (failedOpens < opts.failedOpens && i % failEvery === failEvery - 1) await failOnce(i);
    if (i + 1 === warmup) {
      warmupMs = performance.now() - started;
      samples.push(sample(i + 1));
    } else if (i + 1 > warmup && (i + 1) % every === 0) samples.push(sample(i + 1));
  }
  while (failedOpens < opts.failedOpens) await failOnce(total + failedOpens);
  if (samples[samples.length - 1].at !== total) samples.push(sample(total));
  const seconds = (performance.now() - started) / 1000;
  classifier.dispose();
  return { seconds, warmupSeconds: warmupMs / 1000, counts, samples, inputs: files.map((f) => path.basename(f)) };
}

// ------------------------------------------------------------------ phase 2

async function trainPhase(opts, work) {
  const dist = path.join(root, 'dist', 'lib');
  const { synthesizeDataset } = require(dist);
  const { Trainer } = require(path.join(dist, 'train', 'trainer'));
  const { presetConfig } = require(path.join(dist, 'train', 'model-presets'));
  const { createVideoLoader, loadFolderSplit, modelFromConfig } = require(path.join(dist, 'train', 'runtime'));
  const data = path.join(work, 'train-data');
  await synthesizeDataset({ output: data, classes: 3, train: 4, val: 0, test: 0, seconds: 1.6, seed: 3 });
  const train = await loadFolderSplit(data, 'train');
  const { config, preprocessor } = presetConfig('tiny', train.labels);
  const model = await modelFromConfig(config, { seed: 7, device: 'cpu', dtype: 'float32' });
  const steps = opts.trainSteps;
  const warmup = Math.max(1, Math.floor(steps * 0.1));
  const samples = [];
  const trainer = new Trainer({
    model,
    args: {
      outputDir: path.join(work, 'train-out'),
      maxSteps: steps,
      perDeviceTrainBatchSize: 2,
      learningRate: 1e-3,
      saveStrategy: 'no',
      evalStrategy: 'no',
      loggingSteps: 10,
      disableTqdm: true,
      seed: 5,
    },
    trainDataset: train,
    preprocessorConfig: preprocessor,
    createLoader: (d, o) => createVideoLoader(d, { ...o, numFrames: 8, preprocessor }),
    handleSignals: false,
    writeReport: false,
  });
  trainer.addCallback({
    onStepEnd: (_args, state) => {
      if (state.globalStep >= warmup) samples.push(sample(state.globalStep));
    },
  });
  const started = performance.now();
  try {
    await trainer.train(); // disableTqdm: no log lines on stdout
  } finally {
    await trainer.close();
    model.dispose();
  }
  return { seconds: (performance.now() - started) / 1000, steps, samples };
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dist = path.join(root, 'dist', 'lib');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
  if (typeof global.gc !== 'function') console.log('note: run with node --expose-gc for stable RSS samples (npm run soak does)');
  const lib = require(dist);
  const rand = mulberry32(opts.seed);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-soak-'));
  const report = { options: opts, node: process.version, cpus: os.cpus().length };
  const failures = [];
  try {
    if (opts.classifications > 0) {
      const p = await classificationPhase(lib, opts, work, rand);
      const v = verdict('classifications', p.samples, opts.rssBoundMb, opts.fdSlack, 1000);
      report.classifications = {
        seconds: +p.seconds.toFixed(1),
        warmupSeconds: +p.warmupSeconds.toFixed(1),
        counts: p.counts,
        ...v.summary,
      };
      failures.push(...v.failures);
      console.log(
        `phase 1: ${opts.classifications} classifications (${p.counts.path} paths, ${p.counts.buffer} Buffers, ${p.counts.frames} frame arrays) ` +
          `+ ${p.counts.failedOpens} failed opens ${JSON.stringify(p.counts.failedCodes)} in ${p.seconds.toFixed(1)} s`,
      );
      console.log(
        `  RSS after warm-up ${v.summary.rssAfterWarmupMb} MB, at the end ${v.summary.rssEndMb} MB (peak ${v.summary.rssPeakMb}): ` +
          `growth ${v.summary.rssGrowthMb} MB (bound ${opts.rssBoundMb} MB), slope ${v.summary.slopeMb} MB per 1000 classifications; ` +
          `fds ${v.summary.fdsAfterWarmup} -> ${v.summary.fdsEnd} (max ${v.summary.fdsMax}, bound ±${opts.fdSlack})`,
      );
    }
    if (opts.trainSteps > 0) {
      const t = await trainPhase(opts, work);
      const v = verdict('train steps', t.samples, opts.trainRssBoundMb, opts.fdSlack, 100);
      report.train = { seconds: +t.seconds.toFixed(1), steps: t.steps, ...v.summary };
      failures.push(...v.failures);
      console.log(`phase 2: ${t.steps} Trainer steps (tiny preset, DataLoader) in ${t.seconds.toFixed(1)} s`);
      console.log(
        `  RSS after warm-up ${v.summary.rssAfterWarmupMb} MB, at the end ${v.summary.rssEndMb} MB (peak ${v.summary.rssPeakMb}): ` +
          `growth ${v.summary.rssGrowthMb} MB (bound ${opts.trainRssBoundMb} MB), slope ${v.summary.slopeMb} MB per 100 steps; ` +
          `fds ${v.summary.fdsAfterWarmup} -> ${v.summary.fdsEnd} (max ${v.summary.fdsMax}, bound ±${opts.fdSlack})`,
      );
    }
  } finally {
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
  report.failures = failures;
  if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  if (failures.length) {
    for (const f of failures) console.log(`FAIL ${f}`);
    process.exitCode = 1;
  } else console.log('soak: all bounds held');
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exitCode = 1;
});
