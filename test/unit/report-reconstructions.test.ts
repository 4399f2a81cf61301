import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { evaluationReport } from '../../lib/metrics/evaluation-report';
import { renderTrainingReport, type ReportInput } from '../../lib/report/html';
import { crc32, encodePng } from '../../lib/report/png';
import { reconstructClip, writeReconstructionFigures, type ReconstructionClip } from '../../lib/report/reconstructions';
import { TrainerState } from '../../lib/train/trainer-state';
import { resolveTrainingArguments } from '../../lib/train/training-args';

// ---- independent references (plain loops; nothing shared with the code under test) ----

/** Bit-by-bit CRC-32 (no table), to check the encoder's table-driven one. */
function referenceCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
  crcInput: Buffer;
}

function parsePng(png: Buffer): { signature: Buffer; chunks: Chunk[] } {
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    chunks.push({ type, data, crc: png.readUInt32BE(at + 8 + length), crcInput: png.subarray(at + 4, at + 8 + length) });
    at += 12 + length;
  }
  return { signature: png.subarray(0, 8), chunks };
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
// T=4 frames of 8×12, tubelet 2, patches 4×4 → 2 slots × 2 rows × 3 cols = 12 tokens of 96 values.
const GEOMETRY = { numFrames: 4, channels: 3, height: 8, width: 12, tubelet: 2, patchHeight: 4, patchWidth: 4 };
const { numFrames: T, channels: C, height: H, width: W, tubelet: TT, patchHeight: PH, patchWidth: PW } = GEOMETRY;
const ROWS = H / PH;
const COLS = W / PW;
const NUM_TOKENS = (T / TT) * ROWS * COLS;
const P = TT * PH * PW * C;
const MASK = Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1]);

/** Distinct, well spread pixel values in [0, 1] per (f, c, y, x), normalised with ImageNet mean/std. */
function knownPixelValues(): Float32Array {
  const values = new Float32Array(T * C * H * W);
  for (let f = 0; f < T; f++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const i = ((f * C + c) * H + y) * W + x;
          const pixel = ((i + 1) * 0.6180339887) % 1;
          values[i] = (pixel - MEAN[c]) / STD[c];
        }
  return values;
}

/** The un-normalised pixel at (f, c, y, x), as HF does it: v·std + mean. */
function pixelAt(values: Float32Array, f: number, c: number, y: number, x: number): number {
  return values[((f * C + c) * H + y) * W + x] * STD[c] + MEAN[c];
}

/** HF's pre-training targets (M, P) for the masked tokens in token order; (dt, dy, dx, c), c fastest. */
function referenceTargets(values: Float32Array, mask: Uint8Array, normPixLoss: boolean): Float32Array {
  const rows: number[] = [];
  for (let slot = 0; slot < T / TT; slot++)
    for (let row = 0; row < ROWS; row++)
      for (let col = 0; col < COLS; col++) {
        const token = slot * ROWS * COLS + row * COLS + col;
        if (!mask[token]) continue;
        const patch: number[][] = [[], [], []]; // per channel, in (dt, dy, dx) order
        for (let dt = 0; dt < TT; dt++)
          for (let dy = 0; dy < PH; dy++)
            for (let dx = 0; dx < PW; dx++)
              for (let c = 0; c < C; c++) patch[c].push(pixelAt(values, slot * TT + dt, c, row * PH + dy, col * PW + dx));
        const mean = patch.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
        const std = patch.map((v, c) => Math.sqrt(v.reduce((a, b) => a + (b - mean[c]) ** 2, 0) / (v.length - 1)));
        for (let k = 0; k < TT * PH * PW; k++)
          for (let c = 0; c < C; c++) rows.push(normPixLoss ? (patch[c][k] - mean[c]) / (std[c] + 1e-6) : patch[c][k]);
      }
  return Float32Array.from(rows);
}

function byte(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/** RGB bytes of frame f computed from a per-pixel function. */
function frameBytes(at: (c: number, y: number, x: number) => number): Uint8Array {
  const rgb = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) rgb[(y * W + x) * 3 + c] = at(c, y, x);
  return rgb;
}

function tokenOf(slot: number, y: number, x: number): number {
  return slot * ROWS * COLS + Math.floor(y / PH) * COLS + Math.floor(x / PW);
}

/** Mean of channel c over all TT·PH·PW pixels of the token covering (slot, y, x). */
function patchMean(values: Float32Array, slot: number, c: number, y: number, x: number): number {
  const [y0, x0] = [Math.floor(y / PH) * PH, Math.floor(x / PW) * PW];
  let sum = 0;
  for (let dt = 0; dt < TT; dt++)
    for (let dy = 0; dy < PH; dy++) for (let dx = 0; dx < PW; dx++) sum += pixelAt(values, slot * TT + dt, c, y0 + dy, x0 + dx);
  return sum / (TT * PH * PW);
}

function clip(overrides: Partial<ReconstructionClip> = {}): ReconstructionClip {
  const pixelValues = knownPixelValues();
  return {
    pixelValues,
    mask: MASK,
    logits: referenceTargets(pixelValues, MASK, true),
    geometry: GEOMETRY,
    normPixLoss: true,
    ...overrides,
  };
}

function errorOf(fn: () => unknown): { code?: string; message?: string } | undefined {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  return undefined;
}

function expectWithinOne(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(1);
}

// ---- tests ----

describe('encodePng', () => {
  const width = 5;
  const height = 3;
  const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 53 + 7) % 256);

  it('computes the standard CRC-32', () => {
    const check = Buffer.from('123456789', 'latin1');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(referenceCrc(check));
  });

  it('writes the signature, IHDR, IDAT and IEND with valid CRCs and the exact pixels', () => {
    const png = encodePng(width, height, rgb);
    const { signature, chunks } = parsePng(png);
    expect([...signature]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    for (const c of chunks) expect(c.crc).toBe(referenceCrc(c.crcInput));
    const ihdr = chunks[0].data;
    expect(ihdr.length).toBe(13);
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ...ihdr.subarray(8)]).toEqual([width, height, 8, 2, 0, 0, 0]);
    const raw = zlib.inflateSync(chunks[1].data);
    expect(raw.length).toBe(height * (1 + width * 3));
    for (let y = 0; y < height; y++) {
      const line = raw.subarray(y * (1 + width * 3), (y + 1) * (1 + width * 3));
      expect(line[0]).toBe(0); // filter: none
      expect([...line.subarray(1)]).toEqual([...rgb.subarray(y * width * 3, (y + 1) * width * 3)]);
    }
    expect(chunks[2].data.length).toBe(0);
  });

  it('rejects bad dimensions and pixel buffers', () => {
    for (const bad of [
      () => encodePng(0, 3, new Uint8Array(0)),
      () => encodePng(2.5, 3, rgb),
      () => encodePng(width, height, rgb.subarray(1)),
      () => encodePng(width, height, Array.from(rgb) as unknown as Uint8Array),
    ])
      expect(errorOf(bad)?.code).toBe('ERR_VIDEOMAE_INVALID_ARG');
  });
});

describe('reconstructClip', () => {
  it('shows one frame per slot; the masked frame is grey exactly on the masked patches', () => {
    const values = knownPixelValues();
    const frames = reconstructClip(clip());
    expect([frames.width, frames.height, frames.original.length, frames.masked.length, frames.reconstruction.length]).toEqual([
      W,
      H,
      2,
      2,
      2,
    ]);
    for (let slot = 0; slot < T / TT; slot++) {
      const original = frameBytes((c, y, x) => byte(pixelAt(values, slot * TT, c, y, x)));
      expect([...frames.original[slot]]).toEqual([...original]);
      const masked = frameBytes((c, y, x) => (MASK[tokenOf(slot, y, x)] ? 128 : original[(y * W + x) * 3 + c]));
      expect([...frames.masked[slot]]).toEqual([...masked]);
    }
  });

  it.each([true, false])('reproduces the original frames from exact targets (normPixLoss %s)', (normPixLoss) => {
    const values = knownPixelValues();
    const frames = reconstructClip(clip({ normPixLoss, logits: referenceTargets(values, MASK, normPixLoss) }));
    for (let slot = 0; slot < T / TT; slot++) expectWithinOne(frames.reconstruction[slot], frames.original[slot]);
  });

  it('mis-ordered predictions do not reproduce the original (the test can fail)', () => {
    const values = knownPixelValues();
    const targets = referenceTargets(values, MASK, false);
    const reversed = new Float32Array(targets.length);
    const rows = targets.length / P;
    for (let r = 0; r < rows; r++) reversed.set(targets.subarray((rows - 1 - r) * P, (rows - r) * P), r * P);
    const frames = reconstructClip(clip({ normPixLoss: false, logits: reversed }));
    expect([...frames.reconstruction[0]]).not.toEqual([...frames.original[0]]);
  });

  it('with zero predictions and normPixLoss shows each masked patch its per-channel mean, visible patches the input', () => {
    const values = knownPixelValues();
    const frames = reconstructClip(clip({ logits: new Float32Array(MASK.reduce((a, b) => a + b, 0) * P) }));
    for (let slot = 0; slot < T / TT; slot++) {
      const expected = frameBytes((c, y, x) =>
        MASK[tokenOf(slot, y, x)] ? byte(patchMean(values, slot, c, y, x)) : frames.original[slot][(y * W + x) * 3 + c],
      );
      expectWithinOne(frames.reconstruction[slot], expected);
    }
  });

  it('uses the given mean and std', () => {
    const values = new Float32Array(T * C * H * W); // all zero → every pixel equals the mean
    const mask = new Uint8Array(NUM_TOKENS);
    const frames = reconstructClip({
      pixelValues: values,
      mask,
      logits: new Float32Array(0),
      geometry: GEOMETRY,
      normPixLoss: false,
      mean: [0, 0.5, 1],
      std: [1, 1, 1],
    });
    expect([...frames.original[0].subarray(0, 3)]).toEqual([0, 128, 255]);
  });

  it('rejects lengths and values that do not fit the geometry', () => {
    const values = knownPixelValues();
    const cases: Array<[Partial<ReconstructionClip>, string]> = [
      [{ pixelValues: values.subarray(1) }, 'pixelValues.length'],
      [{ mask: MASK.subarray(1), logits: new Float32Array(5 * P) }, 'mask.length'],
      [{ mask: Uint8Array.from([2, ...MASK.subarray(1)]) }, 'mask[0]'],
      [{ logits: new Float32Array(6 * P - 1) }, 'logits.length'],
      [{ logits: new Float64Array(6 * P) as unknown as Float32Array }, 'logits'],
      [{ geometry: { ...GEOMETRY, width: 10 } }, 'geometry.width'],
      [{ geometry: { ...GEOMETRY, numFrames: 3 } }, 'geometry.numFrames'],
      [{ geometry: { ...GEOMETRY, channels: 1 } }, 'geometry.channels'],
      [{ std: [1, 0, 1] }, 'std'],
    ];
    for (const [override, name] of cases) {
      const error = errorOf(() => reconstructClip(clip(override)));
      expect(error?.code).toBe('ERR_VIDEOMAE_INVALID_ARG');
      expect(error?.message).toContain(`for ${name} but`);
    }
  });
});

describe('writeReconstructionFigures', () => {
  it('writes every frame as a PNG and embeds each one once as a data URI under a "Reconstructions" heading', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-figures-'));
    const fragment = writeReconstructionFigures(dir, [clip(), clip({ normPixLoss: false, logits: new Float32Array(6 * P) })]);
    const folder = path.join(dir, 'reconstructions');
    const expectedFiles = [0, 1].flatMap((i) =>
      ['masked', 'original', 'reconstruction'].flatMap((kind) => [0, 1].map((s) => `clip-${i}-${kind}-slot-${s}.png`)),
    );
    expect(fs.readdirSync(folder).sort()).toEqual(expectedFiles.sort());
    expect(fragment).toMatch(/^<section[^>]*>\n<h2>Reconstructions<\/h2>/);
    expect(fragment.trimEnd().endsWith('</section>')).toBe(true);
    const uris = [...fragment.matchAll(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => m[1]);
    expect(uris.length).toBe(expectedFiles.length);
    const embedded = uris.map((b64) => Buffer.from(b64, 'base64').toString('hex')).sort();
    const written = expectedFiles.map((f) => fs.readFileSync(path.join(folder, f)).toString('hex')).sort();
    expect(embedded).toEqual(written);
    expect(fragment).toContain('Masked input');
    expect(fragment).not.toMatch(/<script|https?:/i);
  });

  it('writes nothing when a clip is invalid', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-figures-'));
    const error = errorOf(() => writeReconstructionFigures(dir, [clip(), clip({ logits: new Float32Array(1) })]));
    expect(error?.code).toBe('ERR_VIDEOMAE_INVALID_ARG');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('training report with figures', () => {
  function reportInput(): ReportInput {
    const state = new TrainerState();
    state.globalStep = 2;
    state.maxSteps = 2;
    state.logHistory = [{ loss: 0.9, learning_rate: 1e-4, grad_norm: 1, epoch: 1, step: 2 }];
    const evaluation = evaluationReport({
      predictions: Float32Array.from([1, 0, 0, 1]),
      numLabels: 2,
      labelIds: Int32Array.from([0, 1]),
      videoIds: null,
    });
    return {
      args: resolveTrainingArguments({ outputDir: '/tmp/x', learningRate: 1e-4 }),
      state,
      evaluation,
      classNames: ['a', 'b'],
      timings: { trainSeconds: 1, evalSeconds: 1, saveSeconds: 1, dataWaitMs: 1 },
      numParameters: 10,
    };
  }

  it('inserts the fragment after the evaluations and is otherwise unchanged', () => {
    const fragment = '<section class="reconstructions">\n<h2>Reconstructions</h2>\n<p>x</p>\n</section>';
    const without = renderTrainingReport(reportInput());
    const withFigures = renderTrainingReport({ ...reportInput(), figures: fragment });
    expect(withFigures).toContain(fragment);
    expect(withFigures.indexOf('<h2>Last evaluation</h2>')).toBeLessThan(withFigures.indexOf(fragment));
    expect(withFigures.indexOf(fragment)).toBeLessThan(withFigures.indexOf('<h2>Timings</h2>'));
    expect(withFigures.replace(`${fragment}\n`, '')).toBe(without);
    expect(renderTrainingReport({ ...reportInput(), figures: undefined })).toBe(without);
    expect(without).not.toContain('Reconstructions');
  });
});
