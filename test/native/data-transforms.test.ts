import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyTransforms, type VideoTransform } from '../../lib/data/transforms';
import type { NativeTensor } from '../../lib/native/tensor';

const floats = (t: NativeTensor): Float32Array => t.toTypedArray() as Float32Array;

interface Case {
  name: string;
  chain: VideoTransform[];
  shape: number[];
  data: number[];
  rng?: { seed: number; epoch: number; sample: number };
}
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/data/transform-reference.json'), 'utf8')) as {
  input: { shape: number[]; data: number[] };
  cases: Case[];
};
const input = { data: Float32Array.from(reference.input.data), shape: reference.input.shape };

function maxAbsDiff(actual: ArrayLike<number>, expected: number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

describe('native video transforms equal the torch ops pytorchvideo/torchvision run', () => {
  test.each(reference.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const out = await applyTransforms(input, c.chain, c.rng ?? {});
    expect(out.shape).toEqual(c.shape);
    expect(out.dtype).toBe('Float');
    // Same ATen kernels; the fixture stores 8 significant digits.
    expect(maxAbsDiff(floats(out), c.data)).toBeLessThan(2e-5);
  });
});

describe('random transforms', () => {
  const chain: VideoTransform[] = [
    { type: 'RandomShortSideScale', minSize: 12, maxSize: 20 },
    { type: 'RandomCrop', height: 10, width: 10 },
    { type: 'RandomHorizontalFlip' },
  ];

  test('are reproducible for the same (seed, epoch, sample)', async () => {
    const a = await applyTransforms(input, chain, { seed: 3, epoch: 1, sample: 5 });
    const b = await applyTransforms(input, chain, { seed: 3, epoch: 1, sample: 5 });
    expect(Array.from(floats(a))).toEqual(Array.from(floats(b)));
  });

  test('differ across samples of an epoch', async () => {
    const outputs = await Promise.all([0, 1, 2, 3, 4, 5].map((sample) => applyTransforms(input, chain, { seed: 3, sample })));
    const distinct = new Set(outputs.map((o) => Array.from(floats(o)).slice(0, 50).join(',')));
    expect(distinct.size).toBeGreaterThan(1);
  });
});

describe('transform argument errors', () => {
  test.each<[string, unknown]>([
    ['an unknown type', [{ type: 'Blur' }]],
    ['a zero numSamples', [{ type: 'UniformTemporalSubsample', numSamples: 0 }]],
    ['a std of zero', [{ type: 'Normalize', mean: [0, 0, 0], std: [1, 0, 1] }]],
    ['maxSize below minSize', [{ type: 'RandomShortSideScale', minSize: 10, maxSize: 5 }]],
    ['a flip probability above 1', [{ type: 'RandomHorizontalFlip', p: 2 }]],
  ])('rejects %s', async (_name, chain) => {
    await expect(applyTransforms(input, chain as VideoTransform[])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  });

  test('a crop larger than the frames is an argument error naming the sizes', async () => {
    await expect(applyTransforms(input, [{ type: 'RandomCrop', height: 40, width: 10 }])).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
      message: expect.stringMatching(/40x10 is larger than the frames \(12x18\)/),
    });
  });

  test('mean/std of the wrong length for the channels is an argument error', async () => {
    await expect(applyTransforms(input, [{ type: 'Normalize', mean: [0.5], std: [0.5] }])).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
  });
});
