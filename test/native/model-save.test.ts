/** savePretrained → our loader (exact) and → Python transformers (same logits) when available. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import type { TensorData } from '../../lib/native/tensor';
import { referencePython } from '../helpers/reference-python';
import { expectClose, tinyFixture } from './model-helpers';

const tiny = {
  imageSize: 16,
  patchSize: 8,
  numFrames: 2,
  tubeletSize: 2,
  hiddenSize: 16,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 32,
  numLabels: 3,
};

function pixels(batch: number): TensorData<Float32Array> {
  const shape = [batch, 2, 3, 16, 16];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
  return { data, shape };
}

test('fromConfig is deterministic for a seed and different across seeds', async () => {
  const a = await VideoMAEForVideoClassification.fromConfig(tiny, { seed: 5, device: 'cpu' });
  const b = await VideoMAEForVideoClassification.fromConfig(tiny, { seed: 5, device: 'cpu' });
  const c = await VideoMAEForVideoClassification.fromConfig(tiny, { seed: 6, device: 'cpu' });
  const name = 'videomae.encoder.layer.0.attention.attention.query.weight';
  expect(Array.from(a.getParameter(name).data)).toEqual(Array.from(b.getParameter(name).data));
  expect(Array.from(a.getParameter(name).data)).not.toEqual(Array.from(c.getParameter(name).data));
  expect(Array.from(a.getParameter('videomae.encoder.layer.0.layernorm_before.weight').data)).toEqual(new Array(16).fill(1));
  [a, b, c].forEach((m) => m.dispose());
});

test('savePretrained writes HF files that load back to identical logits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-save-'));
  const model = await VideoMAEForVideoClassification.fromPretrained(tinyFixture, { device: 'cpu' });
  await model.savePretrained(dir, { preprocessorConfig: { image_mean: [0.5, 0.5, 0.5], do_resize: true } });
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(config)).toEqual([...Object.keys(config)].sort());
  expect(config).toMatchObject({
    qv_bias: true,
    qkv_bias: true,
    dtype: 'float32',
    model_type: 'videomae',
    architectures: ['VideoMAEForVideoClassification'],
  });
  expect((config.id2label as Record<string, string>)['0']).toBe('ApplyEyeMakeup');
  const weights = await readSafetensors(path.join(dir, 'model.safetensors'));
  expect(Object.keys(weights)).toContain('videomae.encoder.layer.0.attention.attention.q_bias');
  expect(fs.existsSync(path.join(dir, 'preprocessor_config.json'))).toBe(true);
  const again = await VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu' });
  const expected = await readSafetensors(path.join(tinyFixture, 'expected.safetensors'));
  const input = { pixelValues: expected.pixel_values as TensorData<Float32Array> };
  const [x, y] = [await model.forward(input), await again.forward(input)];
  expect(Array.from(y.logits.data)).toEqual(Array.from(x.logits.data));
  model.dispose();
  again.dispose();
});

test('Python transformers loads a saved model with the same logits', async () => {
  const python = referencePython();
  if (!python) {
    console.warn(
      'SKIPPED: no ready Python reference environment (bash scripts/python-env.sh); the transformers round trip was not checked',
    );
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-py-'));
  const model = await VideoMAEForVideoClassification.fromConfig(
    { ...tiny, useMeanPooling: false, id2label: { 0: 'a', 1: 'b', 2: 'c' } },
    { seed: 11, device: 'cpu' },
  );
  await model.savePretrained(dir);
  const input = pixels(2);
  const ours = await model.forward({ pixelValues: input });
  fs.writeFileSync(path.join(dir, 'pixels.bin'), Buffer.from(input.data.buffer));
  const script = [
    'import sys, json, numpy as np, torch',
    'from transformers import VideoMAEForVideoClassification',
    'm = VideoMAEForVideoClassification.from_pretrained(sys.argv[1]).eval()',
    'x = torch.from_numpy(np.fromfile(sys.argv[1] + "/pixels.bin", dtype=np.float32).reshape(2, 2, 3, 16, 16))',
    'print(json.dumps(m(pixel_values=x).logits.detach().flatten().tolist()))',
  ].join('\n');
  const theirs = JSON.parse(
    execFileSync(python, ['-c', script, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as number[];
  expectClose(ours.logits, { data: Float32Array.from(theirs), shape: [2, 3] }, 1e-4, 1e-4);
  model.dispose();
}, 120000);
