'use strict';
// Plain-text tables of a parity run (run.js prints them; the JSON holds the same figures).

const f = (v, digits = 4) => (v === undefined || v === null || Number.isNaN(v) ? '-' : Number(v).toFixed(digits));
const e = (v) => (v === undefined || v === null ? '-' : Number(v).toExponential(2));
const pair = (p, fmt = f) => `${fmt(p[0])} / ${fmt(p[1])}`;

function seedReport(r) {
  const lines = [`\n== seed ${r.seed}: ours / HF  (${f(r.seconds.ours, 0)} s / ${f(r.seconds.hf, 0)} s)`];
  lines.push('epoch | steps   | clips     | train loss      | lr first             | lr last              | eval acc        | eval loss');
  for (const row of r.epochs) {
    lines.push(
      [
        String(row.epoch).padStart(5),
        pair(row.steps, String).padEnd(7),
        pair(row.clips, String).padEnd(9),
        pair(row.loss),
        pair(row.lrFirst, e).padEnd(20),
        pair(row.lrLast, e).padEnd(20),
        pair(row.evalAccuracy),
        pair(row.evalLoss),
      ].join(' | '),
    );
  }
  lines.push(`test accuracy ${pair([r.testAccuracy.ours, r.testAccuracy.hf])} on ${r.testClips.ours} / ${r.testClips.hf} clips`);
  lines.push(`lr per step: ${r.lr.steps[0]} / ${r.lr.steps[1]} steps, max |diff| ${e(r.lr.maxAbsDiff)}`);
  for (const [split, c] of Object.entries(r.evalClips))
    lines.push(
      `${split} clips ${c.clips[0]} / ${c.clips[1]} from ${c.videos[0]} / ${c.videos[1]} videos, identical windows ${c.sameWindows}`,
    );
  lines.push('train draws (mean ours / HF, KS p-value):');
  for (const [name, d] of Object.entries(r.draws)) {
    if (!d.ours) lines.push(`  ${name}: HF mean ${f(d.hf.mean, 2)} [${d.hf.min}, ${d.hf.max}]`);
    else
      lines.push(
        `  ${name.padEnd(16)} ${f(d.ours.mean)} / ${f(d.hf.mean)}  range [${f(d.ours.min, 3)}, ${f(d.ours.max, 3)}] / [${f(d.hf.min, 3)}, ${f(d.hf.max, 3)}]  KS D ${f(d.ks.d, 3)} p ${f(d.ks.p, 3)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function summaryReport(s) {
  const lines = ['\n== summary'];
  lines.push(
    `step 0 (untrained copy, val): ours loss ${f(s.initial.ours.loss, 6)} acc ${f(s.initial.ours.accuracy)} on ${s.initial.ours.clips} clips; ` +
      `HF loss ${f(s.initial.hf.loss, 6)} acc ${f(s.initial.hf.accuracy)} on ${s.initial.hf.clips} clips`,
  );
  lines.push(
    `same clips through both pipelines: max |diff| val ${e(s.pixelCheck.maxAbsDiff.val)}, train ${e(s.pixelCheck.maxAbsDiff.train)}; ` +
      `HF model loss on our tensors ${f(s.pixelCheck.lossOnDumpedClips.ours_tensors, 6)} vs on HF's ${f(s.pixelCheck.lossOnDumpedClips.hf_tensors, 6)}`,
  );
  const loop = s.pixelCheck.datasetLoop;
  lines.push(`HF's dataset loop (exact Fraction windows) vs our clips: ${loop.differing} of ${loop.compared} val clips differ`);
  for (const st of s.firstSteps ?? [])
    lines.push(
      `step ${st.step} on the same batch (lr ${e(st.lr)}): loss ${f(st.loss.ours, 6)} / ${f(st.loss.hf, 6)}, grad_norm ${f(st.grad_norm.ours, 5)} / ${f(st.grad_norm.hf, 5)}`,
    );
  lines.push('seed | test acc ours | test acc HF');
  for (const r of s.seeds) lines.push(`${String(r.seed).padStart(4)} | ${f(r.ours).padStart(13)} | ${f(r.hf).padStart(11)}`);
  lines.push(`mean | ${f(s.mean.ours).padStart(13)} | ${f(s.mean.hf).padStart(11)}`);
  if (s.curves && s.seeds.length > 1) {
    lines.push(`mean over ${s.seeds.length} seeds, per epoch: train loss ours / HF | eval acc ours / HF`);
    for (const c of s.curves) lines.push(`${String(c.epoch).padStart(5)} | ${pair(c.loss)} | ${pair(c.evalAccuracy)}`);
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { seedReport, summaryReport };
