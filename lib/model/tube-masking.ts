/**
 * VideoMAE's tube masking (the paper's TubeMaskingGenerator): per clip, floor(ratio × patches per
 * frame) spatial positions are masked, the same positions in every temporal slot (a tube through
 * time), so a masked patch cannot be copied from its neighbour in the next frame. Seeded and
 * deterministic: the mask of a clip depends only on (seed, sampleIndex). Token order is HF's:
 * slot-major, then raster over the patch grid. tools/golden/make_pretrain_fixtures.py ports it.
 */
import { invalidArg } from '../errors';
import { SeededRandom } from '../data/samplers';
import type { TensorData } from '../native/tensor';
import { imageSizeOf, patchSizeOf, type VideoMAEConfig } from './config';

export interface TubeMaskOptions {
  /** Spatial patches per frame: (H / patch) × (W / patch). */
  patchesPerFrame: number;
  /** Temporal slots: num_frames / tubelet_size. */
  temporalSlots: number;
  /** Share of each frame's patches masked; VideoMAE's default 0.9. */
  maskRatio: number;
  seed: number;
  /** The clip's index (its sample index, or video id): clips get different masks. */
  sampleIndex: number;
  /** When given, part of the key too: a new mask for the same clip every epoch. */
  epoch?: number;
}

/** Masked spatial positions per frame for this ratio; throws unless at least one patch is masked and one stays visible. */
export function maskedPerFrame(patchesPerFrame: number, maskRatio: number): number {
  if (!(maskRatio > 0 && maskRatio < 1)) throw invalidArg('maskRatio', 'a number in (0, 1)', maskRatio);
  const masked = Math.floor(maskRatio * patchesPerFrame);
  if (masked < 1 || masked >= patchesPerFrame)
    throw invalidArg(
      'maskRatio',
      `a ratio that masks between 1 and ${patchesPerFrame - 1} of the ${patchesPerFrame} patches per frame`,
      maskRatio,
    );
  return masked;
}

/** One clip's mask: 1 = masked, length temporalSlots × patchesPerFrame. */
export function tubeMask(o: TubeMaskOptions): Uint8Array {
  const { patchesPerFrame: p, temporalSlots: slots } = o;
  if (!Number.isInteger(p) || p < 2) throw invalidArg('patchesPerFrame', 'an integer >= 2', p);
  if (!Number.isInteger(slots) || slots < 1) throw invalidArg('temporalSlots', 'an integer >= 1', slots);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw invalidArg('seed', 'a non-negative integer', o.seed);
  if (!Number.isInteger(o.sampleIndex) || o.sampleIndex < 0) throw invalidArg('sampleIndex', 'a non-negative integer', o.sampleIndex);
  const masked = maskedPerFrame(p, o.maskRatio);
  const perFrame = new Uint8Array(p);
  perFrame.fill(1, p - masked);
  if (o.epoch !== undefined && !(Number.isInteger(o.epoch) && o.epoch >= 0)) throw invalidArg('epoch', 'a non-negative integer', o.epoch);
  const random =
    o.epoch === undefined ? new SeededRandom(o.seed, o.sampleIndex, 0x7ab3) : new SeededRandom(o.seed, o.sampleIndex, 0x7ab3, o.epoch);
  for (let i = p - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [perFrame[i], perFrame[j]] = [perFrame[j]!, perFrame[i]!];
  }
  const mask = new Uint8Array(slots * p);
  for (let s = 0; s < slots; s++) mask.set(perFrame, s * p);
  return mask;
}

/** The mask grid of a model: patches per frame and temporal slots. */
export function maskGrid(config: VideoMAEConfig): { patchesPerFrame: number; temporalSlots: number; sequenceLength: number } {
  const [height, width] = imageSizeOf(config);
  const [ph, pw] = patchSizeOf(config);
  const patchesPerFrame = Math.floor(height / ph) * Math.floor(width / pw);
  const temporalSlots = Math.floor(config.numFrames / config.tubeletSize);
  return { patchesPerFrame, temporalSlots, sequenceLength: patchesPerFrame * temporalSlots };
}

/** bool_masked_pos for a batch: one tube mask per clip, (B, N) uint8. */
export function tubeMaskBatch(
  config: VideoMAEConfig,
  o: { maskRatio: number; seed: number; sampleIndices: number[]; epoch?: number },
): TensorData<Uint8Array> {
  const grid = maskGrid(config);
  const data = new Uint8Array(o.sampleIndices.length * grid.sequenceLength);
  o.sampleIndices.forEach((sampleIndex, row) =>
    data.set(
      tubeMask({ ...grid, maskRatio: o.maskRatio, seed: o.seed, sampleIndex, ...(o.epoch !== undefined ? { epoch: o.epoch } : {}) }),
      row * grid.sequenceLength,
    ),
  );
  return { data, shape: [o.sampleIndices.length, grid.sequenceLength] };
}
