/** Tube masking (lib/model/tube-masking.ts): VideoMAE's TubeMaskingGenerator semantics, seeded. */
import { defaultConfig } from '../../lib/model/config';
import { maskGrid, maskedPerFrame, tubeMask, tubeMaskBatch } from '../../lib/model/tube-masking';

describe('tubeMask', () => {
  const base = { patchesPerFrame: 196, temporalSlots: 8, maskRatio: 0.9, seed: 0, sampleIndex: 0 };

  it('masks floor(ratio × patches) positions per frame, the same positions in every temporal slot', () => {
    const mask = tubeMask(base);
    expect(mask).toHaveLength(8 * 196);
    const first = Array.from(mask.subarray(0, 196));
    expect(first.filter((v) => v === 1)).toHaveLength(Math.floor(0.9 * 196));
    for (let s = 1; s < 8; s++) expect(Array.from(mask.subarray(s * 196, (s + 1) * 196))).toEqual(first);
  });

  it('depends only on (seed, sample index[, epoch]): equal for equal keys, different otherwise', () => {
    expect(tubeMask(base)).toEqual(tubeMask({ ...base }));
    const others = [{ seed: 1 }, { sampleIndex: 1 }, { epoch: 0 }, { epoch: 1 }].map((k) => tubeMask({ ...base, ...k }));
    for (const other of others) expect(other).not.toEqual(tubeMask(base));
    expect(tubeMask({ ...base, epoch: 3 })).toEqual(tubeMask({ ...base, epoch: 3 }));
  });

  it('is not a fixed pattern: over many clips every position is masked about `ratio` of the time', () => {
    const counts = new Array<number>(196).fill(0);
    for (let i = 0; i < 400; i++)
      tubeMask({ ...base, sampleIndex: i })
        .subarray(0, 196)
        .forEach((v, j) => (counts[j]! += v));
    for (const c of counts) expect(c / 400).toBeGreaterThan(0.8);
  });

  it('refuses ratios that would mask nothing or everything', () => {
    expect(() => maskedPerFrame(4, 0.2)).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }));
    expect(() => maskedPerFrame(4, 1)).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }));
    expect(maskedPerFrame(196, 0.9)).toBe(176);
  });

  it('the mask grid of videomae-base and of a non-square model', () => {
    expect(maskGrid(defaultConfig())).toEqual({ patchesPerFrame: 196, temporalSlots: 8, sequenceLength: 1568 });
    expect(maskGrid(defaultConfig({ imageSize: [32, 48], patchSize: 8, numFrames: 4, tubeletSize: 2 }))).toEqual({
      patchesPerFrame: 24,
      temporalSlots: 2,
      sequenceLength: 48,
    });
    const batch = tubeMaskBatch(defaultConfig(), { maskRatio: 0.75, seed: 2, sampleIndices: [4, 9] });
    expect(batch.shape).toEqual([2, 1568]);
    expect(Array.from(batch.data.subarray(1568))).toEqual(Array.from(tubeMask({ ...base, maskRatio: 0.75, seed: 2, sampleIndex: 9 })));
  });
});
