/** Parity with transformers 5.x on the committed golden cases (tools/golden/make_golden.py). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import type { TensorData, TypedArrayLike } from '../../lib/native/tensor';
import { expectClose, expectGradClose, maxAbsDiff, repoRoot } from './model-helpers';

const goldenRoot = path.join(repoRoot, 'test', 'fixtures', 'golden');
const classifierCases = ['meanpool-qvbias', 'token0-noqvbias', 'patch4-tubelet1'];

describe.each(classifierCases)('golden case %s', (name) => {
  const dir = path.join(goldenRoot, name);
  let expected: Record<string, TensorData<TypedArrayLike>>;
  let model: VideoMAEForVideoClassification;

  beforeAll(async () => {
    expected = await readSafetensors(path.join(dir, 'expected.safetensors'));
    model = await VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu' });
  });
  afterAll(() => model?.dispose());

  test('forward matches logits, loss and lastHiddenState', async () => {
    expect(model.loadReport.missingKeys).toEqual([]);
    const out = await model.forward(
      { pixelValues: expected.pixel_values as TensorData<Float32Array>, labels: expected.labels.data as BigInt64Array },
      { outputHiddenStates: true },
    );
    expectClose(out.logits, expected.logits, 1e-4, 1e-4);
    expectClose(out.lastHiddenState!, expected.last_hidden_state, 1e-4);
    expect(Math.abs(out.loss! - (expected.loss.data as Float32Array)[0])).toBeLessThan(1e-4);
  });

  test('gradients and one AdamW step with HF parameter groups (weight decay 0.1) match', async () => {
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as { lr: number; weight_decay: number };
    model.zeroGrad();
    await model.forwardBackward({
      pixelValues: expected.pixel_values as TensorData<Float32Array>,
      labels: expected.labels.data as BigInt64Array,
    });
    const gradKeys = Object.keys(expected).filter((k) => k.startsWith('grad.'));
    expect(gradKeys.length).toBeGreaterThanOrEqual(6);
    for (const key of gradKeys) expectGradClose(model.getGradient(key.slice(5)), expected[key]);
    await model.createOptimizer({ lr: info.lr, weightDecay: info.weight_decay }).step();
    for (const key of Object.keys(expected).filter((k) => k.startsWith('after_step.'))) {
      expect(maxAbsDiff(model.getParameter(key.slice(11)).data, expected[key].data as Float32Array)).toBeLessThan(2e-6);
    }
  });
});

test('a VideoMAEForPreTraining checkpoint loads its encoder and reports keys like HF', async () => {
  const dir = path.join(goldenRoot, 'pretraining');
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as {
    num_labels: number;
    missing_keys: string[];
    unexpected_keys: string[];
  };
  const expected = await readSafetensors(path.join(dir, 'expected.safetensors'));
  const model = await VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu', numLabels: info.num_labels, seed: 3 });
  try {
    expect([...model.loadReport.missingKeys].sort()).toEqual(info.missing_keys);
    expect([...model.loadReport.unexpectedKeys].sort()).toEqual(info.unexpected_keys);
    const out = await model.forward({ pixelValues: expected.pixel_values as TensorData<Float32Array> }, { outputHiddenStates: true });
    expectClose(out.lastHiddenState!, expected.last_hidden_state, 1e-4);
    expect(out.logits.shape).toEqual([2, info.num_labels]);
    // New classifier: HF's init, N(0, 0.02) weights and zero bias.
    const bias = model.getParameter('classifier.bias').data;
    expect(Array.from(bias)).toEqual([0, 0, 0]);
    const w = model.getParameter('classifier.weight').data;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.03);
  } finally {
    model.dispose();
  }
});
