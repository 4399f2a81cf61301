/** Parity with HF's own outputs on the tiny golden checkpoint (test/fixtures/videomae-tiny/README.md). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import type { TensorData, TypedArrayLike } from '../../lib/native/tensor';
import { expectClose, expectGradClose, maxAbsDiff, tinyFixture } from './model-helpers';

let expected: Record<string, TensorData<TypedArrayLike>>;
let model: VideoMAEForVideoClassification;

beforeAll(async () => {
  expected = await readSafetensors(path.join(tinyFixture, 'expected.safetensors'));
  model = await VideoMAEForVideoClassification.fromPretrained(tinyFixture, { device: 'cpu' });
});

afterAll(() => model?.dispose());

const pixels = (): TensorData<Float32Array> => expected.pixel_values as TensorData<Float32Array>;
const labels = (): BigInt64Array => expected.labels.data as BigInt64Array;

test('loads model.safetensors with every key used and the config from config.json', () => {
  expect(model.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] });
  expect(model.config.numLabels).toBe(5);
  expect(model.config.id2label[4]).toBe('BandMarching');
  expect(model.numParameters()).toBe(model.namedParameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0));
});

test('forward matches HF logits, loss and last hidden state', async () => {
  const out = await model.forward({ pixelValues: pixels(), labels: labels() }, { outputHiddenStates: true });
  expectClose(out.logits, expected.logits, 1e-4, 1e-4);
  expectClose(out.lastHiddenState!, expected.last_hidden_state, 1e-4);
  expect(Math.abs(out.loss! - (expected.loss.data as Float32Array)[0])).toBeLessThan(1e-5);
  expect(model.config.problemType).toBe('single_label_classification');
});

test('pytorch_model.bin loads through the restricted unpickler to the same logits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-bin-'));
  fs.copyFileSync(path.join(tinyFixture, 'config.json'), path.join(dir, 'config.json'));
  fs.copyFileSync(path.join(tinyFixture, 'pytorch_model.bin'), path.join(dir, 'pytorch_model.bin'));
  const fromBin = await VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu' });
  try {
    const out = await fromBin.forward({ pixelValues: pixels() });
    expectClose(out.logits, expected.logits, 1e-4, 1e-4);
  } finally {
    fromBin.dispose();
  }
});

test('forwardBackward gradients and one AdamW step match HF', async () => {
  model.zeroGrad();
  const { loss } = await model.forwardBackward({ pixelValues: pixels(), labels: Array.from(labels(), Number) });
  expect(Math.abs(loss - (expected.loss.data as Float32Array)[0])).toBeLessThan(1e-5);
  const gradKeys = Object.keys(expected).filter((k) => k.startsWith('grad.'));
  expect(gradKeys.length).toBeGreaterThanOrEqual(7);
  for (const key of gradKeys) expectGradClose(model.getGradient(key.slice('grad.'.length)), expected[key]);
  const optimizer = model.createOptimizer({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
  await optimizer.step();
  for (const key of Object.keys(expected).filter((k) => k.startsWith('after_step.'))) {
    const after = model.getParameter(key.slice('after_step.'.length));
    expect(maxAbsDiff(after.data, expected[key].data as Float32Array)).toBeLessThan(1e-6);
  }
});
