/** trainStep, gradient accumulation, clipping, checkpointing, bf16 and optimizer resume. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import type { TensorData } from '../../lib/native/tensor';
import { maxAbsDiff, maxAbs, tinyFixture } from './model-helpers';

let pixels: TensorData<Float32Array>;
const labels = [1, 3];
const probe = 'videomae.encoder.layer.0.attention.attention.query.weight';
const load = () => VideoMAEForVideoClassification.fromPretrained(tinyFixture, { device: 'cpu' });

beforeAll(async () => {
  pixels = (await readSafetensors(path.join(tinyFixture, 'expected.safetensors'))).pixel_values as TensorData<Float32Array>;
});

test('two accumulated micro-steps (lossScale 0.5) equal forwardBackward + clip + AdamW', async () => {
  const fused = await load();
  const manual = await load();
  fused.createOptimizer({ lr: 1e-3, weightDecay: 0.01 });
  const first = await fused.trainStep({ pixelValues: pixels, labels }, { lr: 1e-3, maxGradNorm: 0.5, lossScale: 0.5, step: false });
  expect(first.gradNorm).toBeUndefined();
  const second = await fused.trainStep(
    { pixelValues: pixels, labels: Int32Array.from(labels) },
    { lr: 1e-3, maxGradNorm: 0.5, lossScale: 0.5 },
  );
  expect(second.loss).toBeCloseTo(first.loss, 6);
  expect(fused.getGradient(probe)).toBeNull();

  const optimizer = manual.createOptimizer({ lr: 1e-3, weightDecay: 0.01 });
  manual.train();
  await manual.forwardBackward({ pixelValues: pixels, labels: BigInt64Array.from(labels.map(BigInt)) });
  const norm = manual.clipGradNorm(0.5);
  expect(second.gradNorm).toBeCloseTo(norm, 4);
  await optimizer.step({ lr: 1e-3 });
  expect(maxAbsDiff(fused.getParameter(probe).data, manual.getParameter(probe).data)).toBeLessThan(1e-6);
  fused.dispose();
  manual.dispose();
});

test('gradient checkpointing gives the same gradients', async () => {
  const model = await load();
  model.train();
  await model.forwardBackward({ pixelValues: pixels, labels });
  const plain = model.getGradient(probe)!;
  model.zeroGrad();
  model.gradientCheckpointing = true;
  await model.forwardBackward({ pixelValues: pixels, labels });
  expect(maxAbsDiff(model.getGradient(probe)!.data, plain.data)).toBeLessThanOrEqual(1e-5 * maxAbs(plain.data));
  model.dispose();
});

test('bf16 autocast stays close to float32 logits', async () => {
  const model = await load();
  const [f32, bf16] = [await model.forward({ pixelValues: pixels }), await model.forward({ pixelValues: pixels }, { bf16: true })];
  expect(maxAbsDiff(bf16.logits.data, f32.logits.data)).toBeLessThan(0.05 * Math.max(1, maxAbs(f32.logits.data)));
  expect(Array.from(bf16.logits.data)).not.toEqual(Array.from(f32.logits.data));
  model.dispose();
});

test('optimizer state saved and loaded continues identically (resume)', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-opt-')), 'optimizer.safetensors');
  const a = await load();
  a.createOptimizer({ lr: 1e-3 });
  await a.trainStep({ pixelValues: pixels, labels }, { lr: 1e-3 });
  await a.optimizer!.saveState(file);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-resume-'));
  await a.savePretrained(dir);
  const b = await VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu' });
  await b.createOptimizer({ lr: 1e-3 }).loadState(file);
  await a.trainStep({ pixelValues: pixels, labels }, { lr: 1e-3 });
  await b.trainStep({ pixelValues: pixels, labels }, { lr: 1e-3 });
  expect(Array.from(b.getParameter(probe).data)).toEqual(Array.from(a.getParameter(probe).data));
  a.dispose();
  b.dispose();
});

test('namedParameters marks weights for decay and biases / LayerNorm / q_bias for none', async () => {
  const model = await load();
  const params = model.namedParameters();
  const decay = (name: string) => params.find((p) => p.name === name)!.weightDecay;
  expect(decay(probe)).toBe(true);
  expect(decay('videomae.encoder.layer.0.attention.attention.q_bias')).toBe(false);
  expect(decay('videomae.encoder.layer.0.layernorm_before.weight')).toBe(false);
  expect(decay('fc_norm.weight')).toBe(false);
  expect(decay('classifier.bias')).toBe(false);
  model.dispose();
});
