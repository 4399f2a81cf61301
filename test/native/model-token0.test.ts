/**
 * Token-0 pooling (use_mean_pooling false) evaluates the last layer for token 0 only when no hidden
 * state is returned: the logits must be those of the full computation (and of HF on the golden case).
 */
import * as path from 'node:path';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import type { TensorData, TypedArrayLike } from '../../lib/native/tensor';
import { expectClose, maxAbs, maxAbsDiff, repoRoot } from './model-helpers';

const golden = path.join(repoRoot, 'test', 'fixtures', 'golden', 'token0-noqvbias');

test('token-0 logits without the hidden state equal the full computation and HF', async () => {
  const expected = await readSafetensors(path.join(golden, 'expected.safetensors'));
  const model = await VideoMAEForVideoClassification.fromPretrained(golden, { device: 'cpu' });
  const pixelValues = expected.pixel_values as TensorData<Float32Array>;
  const labels = expected.labels.data as BigInt64Array;
  const pruned = await model.forward({ pixelValues, labels });
  const full = await model.forward({ pixelValues, labels }, { outputHiddenStates: true });
  expectClose(pruned.logits, expected.logits as TensorData<TypedArrayLike>, 1e-4, 1e-4);
  expect(maxAbsDiff(pruned.logits.data, full.logits.data)).toBeLessThan(1e-5);
  expect(Math.abs(pruned.loss! - full.loss!)).toBeLessThan(1e-5);
  model.dispose();
});

test.each([false, true])('token-0 pruning with q/v biases matches the full path (bf16 %s)', async (bf16) => {
  const config = {
    imageSize: 16,
    patchSize: 8,
    numFrames: 4,
    tubeletSize: 2,
    hiddenSize: 32,
    numHiddenLayers: 3,
    numAttentionHeads: 4,
    intermediateSize: 48,
    useMeanPooling: false,
    qkvBias: true,
    numLabels: 4,
  };
  const model = await VideoMAEForVideoClassification.fromConfig(config, { seed: 11, device: 'cpu' });
  const data = new Float32Array(2 * 4 * 3 * 16 * 16).map((_, k) => Math.sin(0.37 * k));
  const pixelValues = { data, shape: [2, 4, 3, 16, 16] };
  model.eval();
  const pruned = await model.forward({ pixelValues }, { bf16 });
  const full = await model.forward({ pixelValues }, { bf16, outputHiddenStates: true });
  const tolerance = bf16 ? 2e-2 * Math.max(1, maxAbs(full.logits.data)) : 1e-5;
  expect(maxAbsDiff(pruned.logits.data, full.logits.data)).toBeLessThan(tolerance);
  model.dispose();
});
