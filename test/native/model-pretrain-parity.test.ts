/**
 * VideoMAEForPreTraining against HF's own outputs on three golden cases made by
 * tools/golden/make_pretrain_fixtures.py (each test/fixtures/videomae-pretrain-NAME folder has a README.md):
 * norm_pix_loss on with a seeded tube mask, norm_pix_loss off with an explicit non-tube mask, and
 * a non-square 32×48 input. Loss, reconstructions, targets and every gradient; the seeded masks
 * equal our generator's; checkpoints round-trip, and a classifier loaded from one reports the
 * decoder as unexpected and the classifier as new, as transformers does.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForPreTraining, VideoMAEForVideoClassification, readSafetensors, tubeMaskBatch, loadConfig } from '../../lib/model';
import type { TensorData, TypedArrayLike } from '../../lib/native/tensor';
import { referencePython } from '../helpers/reference-python';
import { expectClose, expectGradClose, repoRoot } from './model-helpers';

const fixtures = path.join(repoRoot, 'test', 'fixtures');
const CASES = ['videomae-pretrain-normpix', 'videomae-pretrain-pixels', 'videomae-pretrain-nonsquare'];

describe.each(CASES)('%s', (name) => {
  const dir = path.join(fixtures, name);
  let inputs: Record<string, TensorData<TypedArrayLike>>;
  let expected: Record<string, TensorData<TypedArrayLike>>;
  let model: VideoMAEForPreTraining;
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'fixture_info.json'), 'utf8')) as {
    mask_generator?: { seed: number; mask_ratio: number; sample_indices: number[] };
  };

  beforeAll(async () => {
    inputs = await readSafetensors(path.join(dir, 'inputs.safetensors'));
    expected = await readSafetensors(path.join(dir, 'expected.safetensors'));
    model = await VideoMAEForPreTraining.fromPretrained(dir, { device: 'cpu' });
  });
  afterAll(() => model?.dispose());

  const batch = () => ({
    pixelValues: inputs.pixel_values as TensorData<Float32Array>,
    boolMaskedPos: inputs.bool_masked_pos as TensorData<Uint8Array>,
  });

  it('loads every key of the HF pre-training checkpoint (decoder included), none missing', () => {
    expect(model.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] });
    expect(model.namedParameters().some((p) => p.name === 'decoder.head.weight')).toBe(true);
  });

  it('forward: loss, reconstructions and targets equal HF', async () => {
    const out = await model.forward(batch());
    expect(Math.abs(out.loss - (expected.loss.data as Float32Array)[0]!)).toBeLessThan(1e-5);
    expectClose(out.logits, expected.logits, 1e-4, 1e-4);
    expectClose(out.targets, expected.labels, 1e-4, 1e-4);
  });

  it('forwardBackward: every gradient equals HF', async () => {
    model.zeroGrad();
    const { loss } = await model.forwardBackward(batch());
    expect(Math.abs(loss - (expected.loss.data as Float32Array)[0]!)).toBeLessThan(1e-5);
    const keys = Object.keys(expected).filter((k) => k.startsWith('grad.'));
    expect(keys.length).toBe(model.namedParameters().length);
    for (const key of keys) expectGradClose(model.getGradient(key.slice('grad.'.length)), expected[key]!);
    model.zeroGrad();
  });

  if (info.mask_generator) {
    it('the seeded tube masks are exactly those of our generator', () => {
      const g = info.mask_generator!;
      const mask = tubeMaskBatch(loadConfig(dir), { maskRatio: g.mask_ratio, seed: g.seed, sampleIndices: g.sample_indices });
      expect(mask.shape).toEqual(inputs.bool_masked_pos!.shape);
      expect(Array.from(mask.data)).toEqual(Array.from(inputs.bool_masked_pos!.data as Uint8Array));
    });
  }
});

describe('pre-training checkpoints', () => {
  const dir = path.join(fixtures, 'videomae-pretrain-normpix');

  it('savePretrained writes a folder that loads back to the same loss; a classifier from it reports the decoder unexpected and the classifier missing, as HF', async () => {
    const inputs = await readSafetensors(path.join(dir, 'inputs.safetensors'));
    const batch = {
      pixelValues: inputs.pixel_values as TensorData<Float32Array>,
      boolMaskedPos: inputs.bool_masked_pos as TensorData<Uint8Array>,
    };
    const model = await VideoMAEForPreTraining.fromPretrained(dir, { device: 'cpu' });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-pretrain-save-'));
    try {
      const before = await model.forward(batch);
      await model.savePretrained(out);
      const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({ architectures: ['VideoMAEForPreTraining'], norm_pix_loss: true, decoder_hidden_size: 16 });
      const again = await VideoMAEForPreTraining.fromPretrained(out, { device: 'cpu' });
      expect((await again.forward(batch)).loss).toBe(before.loss);
      again.dispose();

      const classifier = await VideoMAEForVideoClassification.fromPretrained(out, { device: 'cpu', numLabels: 3 });
      const hf = JSON.parse(fs.readFileSync(path.join(dir, 'fixture_info.json'), 'utf8')).classifier_load_report as {
        missing_keys: string[];
        unexpected_keys: string[];
      };
      expect([...classifier.loadReport.missingKeys].sort()).toEqual([...hf.missing_keys].sort());
      expect([...classifier.loadReport.unexpectedKeys].sort()).toEqual([...hf.unexpected_keys].sort());
      classifier.dispose();
    } finally {
      model.dispose();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('masks that HF cannot take are refused with a clear error', async () => {
    const inputs = await readSafetensors(path.join(dir, 'inputs.safetensors'));
    const model = await VideoMAEForPreTraining.fromPretrained(dir, { device: 'cpu' });
    const pixelValues = inputs.pixel_values as TensorData<Float32Array>;
    const n = model.sequenceLength;
    const uneven = new Uint8Array(2 * n);
    uneven.fill(1, 0, 10);
    uneven.fill(1, n, n + 14);
    try {
      await expect(model.forward({ pixelValues, boolMaskedPos: uneven })).rejects.toMatchObject({
        code: 'ERR_VIDEOMAE_INVALID_ARG',
        message: expect.stringContaining('same number of tokens in every clip'),
      });
      await expect(model.forward({ pixelValues, boolMaskedPos: new Uint8Array(2 * n) })).rejects.toMatchObject({
        message: expect.stringContaining('at least one token'),
      });
      await expect(model.forward({ pixelValues, boolMaskedPos: new Uint8Array(n) })).rejects.toMatchObject({
        code: 'ERR_VIDEOMAE_INVALID_ARG',
      });
      expect(() => model.tubeMask({ maskRatio: 0.01, seed: 0, sampleIndices: [0] })).toThrow(
        expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }),
      );
    } finally {
      model.dispose();
    }
  });
});

describe('transformers loads what we save', () => {
  it('a pre-training model trained here loads into VideoMAEForPreTraining with every key and the same loss', async () => {
    const python = referencePython();
    if (!python) {
      console.warn(
        'SKIPPED: no ready Python reference environment (bash scripts/python-env.sh); the transformers round trip was not checked',
      );
      return;
    }
    const dir = path.join(fixtures, 'videomae-pretrain-nonsquare');
    const inputs = await readSafetensors(path.join(dir, 'inputs.safetensors'));
    const batch = {
      pixelValues: inputs.pixel_values as TensorData<Float32Array>,
      boolMaskedPos: inputs.bool_masked_pos as TensorData<Uint8Array>,
    };
    const model = await VideoMAEForPreTraining.fromConfig(loadConfig(dir), { seed: 5, device: 'cpu' });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-pretrain-py-'));
    try {
      model.train();
      model.createOptimizer({ lr: 1e-2 });
      // Two steps move every parameter, mask_token (zero at init) included.
      for (let i = 0; i < 2; i++) await model.trainStep(batch, { lr: 1e-2 });
      model.eval();
      const ours = await model.forward(batch);
      await model.savePretrained(out);
      fs.writeFileSync(path.join(out, 'pixels.bin'), Buffer.from((batch.pixelValues.data as Float32Array).buffer));
      fs.writeFileSync(path.join(out, 'mask.bin'), Buffer.from((batch.boolMaskedPos.data as Uint8Array).buffer));
      const script = [
        'import sys, json, numpy as np, torch',
        'from transformers import VideoMAEForPreTraining',
        'm, info = VideoMAEForPreTraining.from_pretrained(sys.argv[1], output_loading_info=True)',
        'm.eval()',
        'shape = [int(v) for v in sys.argv[2].split(",")]',
        'x = torch.from_numpy(np.fromfile(sys.argv[1] + "/pixels.bin", dtype=np.float32).reshape(shape))',
        'mask = torch.from_numpy(np.fromfile(sys.argv[1] + "/mask.bin", dtype=np.uint8).reshape(shape[0], -1)).bool()',
        'with torch.no_grad(): loss = m(pixel_values=x, bool_masked_pos=mask).loss.item()',
        'print(json.dumps({"loss": loss, "missing": sorted(info["missing_keys"]), "unexpected": sorted(info["unexpected_keys"]), "maskToken": float(m.mask_token.abs().sum())}))',
      ].join('\n');
      const theirs = JSON.parse(
        execFileSync(python, ['-c', script, out, batch.pixelValues.shape.join(',')], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      ) as { loss: number; missing: string[]; unexpected: string[]; maskToken: number };
      expect(theirs.missing).toEqual([]);
      expect(theirs.unexpected).toEqual([]);
      expect(theirs.maskToken).toBeGreaterThan(0);
      expect(Math.abs(theirs.loss - ours.loss)).toBeLessThan(1e-5 * Math.max(1, ours.loss));
    } finally {
      model.dispose();
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
