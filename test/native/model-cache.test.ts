/**
 * Eval-mode forwards reuse the fused QKV weights and bfloat16 weight casts between calls: the
 * cached path must give the values of the uncached (autograd) path and must see every update.
 */
import * as path from 'node:path';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import type { TensorData } from '../../lib/native/tensor';
import { maxAbsDiff, tinyFixture } from './model-helpers';

let pixels: TensorData<Float32Array>;
const labels = [1, 3];
const load = () => VideoMAEForVideoClassification.fromPretrained(tinyFixture, { device: 'cpu' });

beforeAll(async () => {
  pixels = (await readSafetensors(path.join(tinyFixture, 'expected.safetensors'))).pixel_values as TensorData<Float32Array>;
});

test.each([false, true])('cached eval forward equals the autograd path and is repeatable (bf16 %s)', async (bf16) => {
  const model = await load();
  model.eval();
  const first = await model.forward({ pixelValues: pixels }, { bf16 });
  const second = await model.forward({ pixelValues: pixels }, { bf16 });
  expect(Array.from(second.logits.data)).toEqual(Array.from(first.logits.data));
  const graph = await model.forwardBackward({ pixelValues: pixels, labels }, { bf16 });
  expect(maxAbsDiff(graph.logits.data, first.logits.data)).toBeLessThan(bf16 ? 1e-2 : 1e-5);
  model.dispose();
});

test.each([false, true])('an optimizer step invalidates the cached weights of eval forwards (bf16 %s)', async (bf16) => {
  const cached = await load();
  const fresh = await load();
  const optimizers = [cached, fresh].map((model) => model.createOptimizer({ lr: 0.05 }));
  for (const model of [cached, fresh]) {
    model.eval();
    await model.forwardBackward({ pixelValues: pixels, labels }, { bf16 });
  }
  // The cache is filled from the weights before the step, between the backward and the step.
  const before = await cached.forward({ pixelValues: pixels }, { bf16 });
  for (const optimizer of optimizers) await optimizer.step({ lr: 0.05 });
  const after = await cached.forward({ pixelValues: pixels }, { bf16 });
  const reference = await fresh.forward({ pixelValues: pixels }, { bf16 });
  expect(maxAbsDiff(after.logits.data, before.logits.data)).toBeGreaterThan(1e-3);
  expect(Array.from(after.logits.data)).toEqual(Array.from(reference.logits.data));
  cached.dispose();
  fresh.dispose();
});

// Eval forwards run on weights packed by oneDNN for the first call's row count; other batch sizes
// must still give each clip's own logits (a repacked or reordered weight, never a wrong layout).
test.each([false, true])('packed eval weights serve any batch size with the per-clip logits (bf16 %s)', async (bf16) => {
  const model = await load();
  model.eval();
  const pair = await model.forward({ pixelValues: pixels }, { bf16 });
  const clipSize = pixels.data.length / 2;
  const clip = (k: number) => pixels.data.subarray(k * clipSize, (k + 1) * clipSize);
  const shape = (n: number) => [n, ...pixels.shape.slice(1)];
  const single = await model.forward({ pixelValues: { data: Float32Array.from(clip(1)), shape: shape(1) } }, { bf16 });
  const triple = new Float32Array(3 * clipSize);
  [1, 0, 1].forEach((k, i) => triple.set(clip(k), i * clipSize));
  const three = await model.forward({ pixelValues: { data: triple, shape: shape(3) } }, { bf16 });
  const labels = pair.logits.shape[1] as number;
  const row = (data: Float32Array, k: number) => data.subarray(k * labels, (k + 1) * labels);
  const tolerance = bf16 ? 2e-2 : 1e-5;
  expect(maxAbsDiff(row(single.logits.data, 0), row(pair.logits.data, 1))).toBeLessThan(tolerance);
  expect(maxAbsDiff(row(three.logits.data, 0), row(pair.logits.data, 1))).toBeLessThan(tolerance);
  expect(maxAbsDiff(row(three.logits.data, 1), row(pair.logits.data, 0))).toBeLessThan(tolerance);
  expect(maxAbsDiff(row(three.logits.data, 2), row(pair.logits.data, 1))).toBeLessThan(tolerance);
  expect(maxAbsDiff(row(pair.logits.data, 0), row(pair.logits.data, 1))).toBeGreaterThan(10 * tolerance);
  model.dispose();
});
