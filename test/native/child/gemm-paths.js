// One process of test/native/gemm-paths.test.ts: the GEMM plan is chosen once per process from the
// CPU and VIDEOMAE_GEMM / VIDEOMAE_GEMM_BF16, so each forced combination runs in its own child.
// Prints JSON: the plan info() reports, eval logits in fp32 and bf16 autocast (the cached-weight
// path), and two train steps' losses and grad norms in each mode, on a tiny model from a fixed seed.
'use strict';
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', '..', 'dist', 'lib');
const { VideoMAEForVideoClassification } = require(path.join(dist, 'model', 'videomae'));
const { info } = require(path.join(dist, 'info'));

const config = {
  imageSize: 32,
  patchSize: 8,
  numFrames: 4,
  tubeletSize: 2,
  hiddenSize: 64,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  intermediateSize: 96,
  qkvBias: true,
  numLabels: 5,
};

async function main() {
  const shape = [2, 4, 3, 32, 32];
  const data = new Float32Array(shape.reduce((a, b) => a * b)).map((_, k) => Math.sin(0.37 * k) * 0.9);
  const pixelValues = { data, shape };
  const result = { gemm: info().cpu.gemm };
  for (const bf16 of [false, true]) {
    const model = await VideoMAEForVideoClassification.fromConfig(config, { seed: 5, device: 'cpu' });
    model.eval();
    const logits = Array.from((await model.forward({ pixelValues }, { bf16 })).logits.data);
    model.train();
    model.createOptimizer({ lr: 1e-3 });
    const steps = [];
    for (let s = 0; s < 2; s++) {
      const out = await model.trainStep({ pixelValues, labels: [1, 3] }, { lr: 1e-3, bf16, maxGradNorm: 1000 });
      steps.push({ loss: out.loss, gradNorm: out.gradNorm });
    }
    model.dispose();
    result[bf16 ? 'bf16' : 'fp32'] = { logits, steps };
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message } }));
});
