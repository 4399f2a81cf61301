'use strict';
// Turns one seed's results of both stacks into comparable figures: per-epoch steps, clips, mean
// train loss, learning rates, eval accuracy/loss; the lr schedule step by step; the eval clip sets;
// and the distributions of clip-sampler draws and augmentation parameters (two-sample KS).

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Ours: trainer_state.json log_history; epoch = e + batch/batches, so a step of epoch e has ceil(epoch) − 1 = e. */
function ourEpochs(state) {
  const epochs = [];
  for (const entry of state.log_history) {
    const e = Math.max(0, Math.ceil(entry.epoch - 1e-9) - 1);
    epochs[e] ??= { steps: [], eval: null };
    if (entry.loss !== undefined) epochs[e].steps.push({ step: entry.step, loss: entry.loss, lr: entry.learning_rate });
    if (entry.eval_accuracy !== undefined) epochs[e].eval = { accuracy: entry.eval_accuracy, loss: entry.eval_loss };
  }
  return epochs.filter(Boolean);
}

/** HF: the pass each step's batch came from (recorded by hf_trainer.py) and the evals in order. */
function hfEpochs(record) {
  const losses = new Map(record.log_history.filter((e) => e.loss !== undefined).map((e) => [e.step, e]));
  const epochs = [];
  for (const s of record.steps) {
    epochs[s.pass] ??= { steps: [], eval: null, clips: 0 };
    const logged = losses.get(s.step);
    epochs[s.pass].steps.push({ step: s.step, loss: logged ? logged.loss : NaN, lr: logged ? logged.learning_rate : s.lr });
    epochs[s.pass].clips += s.clips;
  }
  record.log_history
    .filter((e) => e.eval_accuracy !== undefined)
    .forEach((e, i) => {
      if (epochs[i]) epochs[i].eval = { accuracy: e.eval_accuracy, loss: e.eval_loss };
    });
  return epochs.filter(Boolean);
}

function perEpoch(ours, hf, ourDraws) {
  const a = ourEpochs(ours.state);
  const b = hfEpochs(hf);
  const rows = [];
  for (let e = 0; e < Math.max(a.length, b.length); e++) {
    const o = a[e] ?? { steps: [] };
    const h = b[e] ?? { steps: [] };
    rows.push({
      epoch: e + 1,
      steps: [o.steps.length, h.steps.length],
      clips: [ourDraws.filter((d) => d.split === 'train' && d.pass === e).length, h.clips ?? 0],
      loss: [mean(o.steps.map((s) => s.loss)), mean(h.steps.map((s) => s.loss))],
      lrFirst: [o.steps[0]?.lr, h.steps[0]?.lr],
      lrLast: [o.steps.at(-1)?.lr, h.steps.at(-1)?.lr],
      evalAccuracy: [o.eval?.accuracy, h.eval?.accuracy],
      evalLoss: [o.eval?.loss, h.eval?.loss],
    });
  }
  return rows;
}

/** Learning rate per optimizer step, both stacks, and the largest difference. */
function lrSchedule(ours, hf) {
  const o = ours.state.log_history.filter((e) => e.loss !== undefined).map((e) => e.learning_rate);
  const h = hf.steps.map((s) => s.lr);
  const n = Math.min(o.length, h.length);
  let maxDiff = 0;
  for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(o[i] - h[i]));
  return { steps: [o.length, h.length], maxAbsDiff: maxDiff, first5: [o.slice(0, 5), h.slice(0, 5)] };
}

/** Two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value. */
function ks(x, y) {
  if (!x.length || !y.length) return { d: NaN, p: NaN };
  const a = [...x].sort((p, q) => p - q);
  const b = [...y].sort((p, q) => p - q);
  let i = 0,
    j = 0,
    d = 0;
  while (i < a.length && j < b.length) {
    const v = Math.min(a[i], b[j]);
    while (i < a.length && a[i] <= v) i++;
    while (j < b.length && b[j] <= v) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  if (d === 0) return { d, p: 1 };
  const ne = (a.length * b.length) / (a.length + b.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  if (lambda < 0.3) return { d, p: 1 }; // the series is 1 to within 1e-7 there and converges badly
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, p)) };
}

function summary(xs) {
  return { n: xs.length, mean: mean(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Distributions of the train draws: clip length, where the start falls in [0, duration − D], scale, crop position, flip. */
function drawStats(ourDraws, hfDraws, crop) {
  const train = (ds) => ds.filter((d) => d.split === 'train');
  const o = train(ourDraws);
  const h = train(hfDraws);
  const features = {
    clipSeconds: (d) => Number((d.end - d.start).toFixed(9)), // the same D; float sums differ in the last bits
    startFraction: (d) => (d.duration - (d.end - d.start) > 0 ? d.start / (d.duration - (d.end - d.start)) : 0),
    scale: (d) => d.scale,
    cropTopFraction: (d) => (d.scaled_h > crop[0] ? d.crop_top / (d.scaled_h - crop[0]) : 0),
    cropLeftFraction: (d) => (d.scaled_w > crop[1] ? d.crop_left / (d.scaled_w - crop[1]) : 0),
    flip: (d) => (d.flip ? 1 : 0),
    label: (d) => d.label,
  };
  const out = {};
  for (const [name, f] of Object.entries(features)) {
    const x = o.map(f);
    const y = h.map(f);
    out[name] = { ours: summary(x), hf: summary(y), ks: ks(x, y) };
  }
  out.framesPerClip = { hf: summary(h.map((d) => d.frames)) };
  return out;
}

/** Eval clip sets: count per split and how many (video, start, end) windows both stacks use. */
function evalClips(ourDraws, hfDraws) {
  const out = {};
  for (const split of ['val', 'test']) {
    const key = (d) => `${d.video}@${d.start.toFixed(6)}-${d.end.toFixed(6)}`;
    const o = ourDraws.filter((d) => d.split === split);
    const h = hfDraws.filter((d) => d.split === split && d.pass === 0);
    const hs = new Set(h.map(key));
    out[split] = {
      clips: [o.length, h.length],
      videos: [new Set(o.map((d) => d.video)).size, new Set(h.map((d) => d.video)).size],
      sameWindows: o.filter((d) => hs.has(key(d))).length,
    };
  }
  return out;
}

module.exports = { perEpoch, lrSchedule, drawStats, evalClips, ks, mean };

/** Per-epoch train loss and eval accuracy averaged over seeds (the seeds differ in data order and draws, not in weights). */
function meanCurves(seedResults) {
  const epochs = Math.max(...seedResults.map((r) => r.epochs.length));
  const rows = [];
  for (let e = 0; e < epochs; e++) {
    const at = seedResults.map((r) => r.epochs[e]).filter(Boolean);
    rows.push({
      epoch: e + 1,
      loss: [mean(at.map((x) => x.loss[0])), mean(at.map((x) => x.loss[1]))],
      evalAccuracy: [mean(at.map((x) => x.evalAccuracy[0])), mean(at.map((x) => x.evalAccuracy[1]))],
    });
  }
  return rows;
}

module.exports.meanCurves = meanCurves;
