/**
 * VideoMAEForPreTraining against HF's own outputs on three golden cases made by
 * tools/golden/make_pretrain_fixtures.py (each test/fixtures/videomae-pretrain-NAME folder has a README.md):
 * norm_pix_loss on with a seeded tube mask, norm_pix_loss off with an explicit non-tube mask, and
 * a non-square 32×48 input. Loss, reconstructions, targets and every gradient; the seeded masks
 * equal our generator's; checkpoints round-trip, and a classifier loaded from one reports the
 * decoder as unexpected and the classifier as new, as transformers does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForPreTraining, VideoMAEForVideoClassification, readSafetensors, tubeMaskBatch, loadConfig } from '../../lib/model';
import type { TensorData, TypedArrayLike } from '../../lib/native/tensor';
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
