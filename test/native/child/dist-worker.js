// One rank of a two-process test of lib/distributed (test/native/distributed.test.ts), on the
// compiled package in dist/. argv: mode, result file; rank and rendezvous come from the
// environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), as a launcher would set them.
// Writes a JSON result (or { error: { code, message } }) to the result file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', '..', 'dist', 'lib');
const { initProcessGroup } = require(path.join(dist, 'distributed'));
const { VideoMAEForVideoClassification } = require(path.join(dist, 'model', 'videomae'));
const { parseConfig } = require(path.join(dist, 'model', 'config'));
const { presetConfig } = require(path.join(dist, 'train', 'model-presets'));

const [mode, resultFile, outDir] = process.argv.slice(2);
const write = (value) => fs.writeFileSync(resultFile, JSON.stringify(value));

/** Sample i of a fixed, rank-independent batch: (8, 3, 112, 112) float32 and a label. */
function sample(i) {
  const n = 8 * 3 * 112 * 112;
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) data[k] = Math.sin(0.011 * k + 1.7 * i) * 0.8;
  return { data, label: i % 3 };
}

function batchOf(indices) {
  const n = 8 * 3 * 112 * 112;
  const data = new Float32Array(n * indices.length);
  indices.forEach((i, j) => data.set(sample(i).data, j * n));
  return { pixelValues: { data, shape: [indices.length, 8, 3, 112, 112] }, labels: Int32Array.from(indices.map((i) => i % 3)) };
}

async function tinyModel(seed) {
  const { config } = presetConfig('tiny', ['a', 'b', 'c']);
  const model = await VideoMAEForVideoClassification.fromConfig(parseConfig(config), { seed, device: 'cpu', dtype: 'float32' });
  model.train();
  model.createOptimizer({ lr: 1e-3, weightDecay: 0.01 });
  return model;
}

// Three updates of 4 samples, each in 2 micro-batches (gradient accumulation), AdamW lr 1e-3.
// worldSize 1: micro-batches {4u, 4u+1} and {4u+2, 4u+3}. worldSize 2: rank r gets {4u+r} then {4u+2+r};
// only the second backward all-reduces. Either way each update's gradient is the mean over its 4 samples.
async function train(group) {
  const world = group ? group.worldSize : 1;
  const rank = group ? group.rank : 0;
  // Ranks start from different seeds: attachProcessGroup must make them rank 0's.
  const model = await tinyModel(group ? 11 + rank : 11);
  let info = null;
  if (group) info = await model.attachProcessGroup(group);
  await model.savePretrained(`${outDir}-initial`);
  const losses = [];
  for (let u = 0; u < 3; u++) {
    const micro =
      world === 1
        ? [
            [4 * u, 4 * u + 1],
            [4 * u + 2, 4 * u + 3],
          ]
        : [[4 * u + rank], [4 * u + 2 + rank]];
    for (let m = 0; m < 2; m++) {
      const last = m === 1;
      const r = await model.trainStep(batchOf(micro[m]), { lr: 1e-3, lossScale: 0.5, maxGradNorm: 1, step: last, sync: last });
      losses.push(r.loss);
    }
  }
  await model.savePretrained(outDir);
  model.dispose();
  return { info, losses };
}

async function collectives(group) {
  const r = group.rank;
  const f32 = { data: Float32Array.from([r + 1, 10 * (r + 1), -r]), shape: [3] };
  await group.allReduce(f32, 'sum');
  const avg = { data: Float64Array.from([r + 1, 0.5]), shape: [2] };
  await group.allReduce(avg, 'avg');
  const max = { data: Int32Array.from([r, -r, 7]), shape: [3] };
  await group.allReduce(max, 'max');
  const min = { data: Int32Array.from([r, -r]), shape: [2] };
  await group.allReduce(min, 'min');
  const b = { data: Float32Array.from([r * 100 + 1, r * 100 + 2]), shape: [2] };
  await group.broadcast(b, 1);
  const parts = await group.allGather({ data: Int32Array.from([r, r * r + 5]), shape: [2] });
  await group.barrier();
  const numbers = await group.allReduceNumbers([r + 0.25, 1], 'sum');
  let busy = null;
  const first = group.barrier();
  try {
    await group.barrier();
  } catch (e) {
    busy = e.code;
    if (process.env.DEBUG_BUSY) console.error(e.message);
  }
  await first;
  return {
    rank: r,
    worldSize: group.worldSize,
    backend: group.backend,
    sum: Array.from(f32.data),
    avg: Array.from(avg.data),
    max: Array.from(max.data),
    min: Array.from(min.data),
    broadcast: Array.from(b.data),
    gathered: parts.map((p) => Array.from(p.toTypedArray())),
    numbers,
    busy,
  };
}

(async () => {
  try {
    if (mode === 'train-single') return write(await train(null));
    const group = await initProcessGroup({ timeoutMs: Number(process.env.TEST_TIMEOUT_MS ?? 20000) });
    if (mode === 'collectives') write(await collectives(group));
    else if (mode === 'train') write(await train(group));
    else if (mode === 'exit-after-join') {
      // Rank 1 leaves abruptly once both joined; rank 0's next collective must fail, not hang.
      await group.barrier();
      if (group.rank === 1) {
        write({ left: true });
        process.exit(0);
      }
      const started = Date.now();
      try {
        await group.barrier();
        write({ error: null });
      } catch (e) {
        write({ error: { code: e.code, message: e.message }, ms: Date.now() - started });
      }
    } else throw new Error(`unknown mode ${mode}`);
    group.destroy();
  } catch (e) {
    write({ error: { code: e.code, message: e.message } });
  }
})();
