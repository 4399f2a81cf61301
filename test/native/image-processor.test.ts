/**
 * The native image processor against PIL and HF's VideoMAEImageProcessorPil: byte-identical resize
 * and bit-identical pixels (max |Δ| = 0), through the committed fixture always, and live against
 * Python (tools/reference/image_processor.py) on larger random frames when Python is available.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoImageProcessor, resizeFrames, type FrameTensor } from '../../lib/pipeline/image-processor';
import { processorConfigFromJson } from '../../lib/pipeline/processor-config';
import { referencePython } from './pipeline-helpers';

interface FixtureCase {
  name: string;
  config: Record<string, unknown>;
  shape: [number, number, number, number];
  frames: string;
  resizedShape: number[];
  resized: string;
  pixelsShape: number[];
  pixels: string;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/image/processor-reference.json'), 'utf8')) as {
  cases: FixtureCase[];
};

function bytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function floats(b64: string): Float32Array {
  const buffer = Buffer.from(b64, 'base64');
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

async function processLikeHf(frames: FrameTensor, config: Record<string, unknown>) {
  const processor = new VideoImageProcessor(processorConfigFromJson(config));
  const pixels = await processor.preprocess(frames);
  const [h, w] = processor.resizedSize(frames.shape[1], frames.shape[2]);
  const resized = await resizeFrames(frames, { height: h, width: w });
  return { pixels, resized };
}

describe('image processor matches PIL + HF VideoMAEImageProcessorPil (committed fixture)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: resize byte-identical, pixels max |Δ| = 0', async (_name, c) => {
    const { pixels, resized } = await processLikeHf({ data: bytes(c.frames), shape: c.shape }, c.config);
    expect(resized.shape).toEqual(c.resizedShape);
    expect(maxAbsDiff(resized.data, bytes(c.resized))).toBe(0);
    expect(pixels.shape).toEqual([1, ...c.pixelsShape]);
    expect(maxAbsDiff(pixels.data, floats(c.pixels))).toBe(0);
  });
});

describe('image processor matches PIL live (Python reference)', () => {
  const python = referencePython();
  const live = python ? it : it.skip;
  if (!python) console.warn('SKIPPED live PIL comparison: no reference Python (run scripts/python-env.sh or set VIDEOMAE_PYTHON)');

  function randomFrames(t: number, h: number, w: number, seed: number): FrameTensor {
    const data = new Uint8Array(t * h * w * 3);
    let s = seed >>> 0;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const x = Math.floor(i / 3) % w;
      data[i] = (x * 7 + (s >>> 24)) & 255; // a gradient with noise: smooth regions and edges
    }
    return { data, shape: [t, h, w, 3] };
  }

  const IMAGENET = { image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] };
  const cases: Array<[string, [number, number, number], Record<string, unknown>]> = [
    [
      'UCF101-sized 320x240 → 224 (VideoMAE hub settings)',
      [2, 240, 320],
      { size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } },
    ],
    ['odd 101x173 → 32', [2, 173, 101], { size: { shortest_edge: 32 }, crop_size: { height: 32, width: 32 } }],
    ['3x reduction 96x96 → 32', [1, 96, 96], { size: { shortest_edge: 32 }, crop_size: { height: 30, width: 31 } }],
  ];
  let dir = '';
  beforeAll(() => {
    if (!python) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-pil-'));
    const casePaths = cases.map(([, [t, h, w], overrides], i) => {
      const framesPath = path.join(dir, `frames${i}.bin`);
      fs.writeFileSync(framesPath, randomFrames(t, h, w, h * 31 + w).data);
      const config = { ...IMAGENET, ...overrides };
      fs.writeFileSync(path.join(dir, `case${i}.json`), JSON.stringify({ frames: framesPath, shape: [t, h, w, 3], config }));
      return path.join(dir, `case${i}.json`);
    });
    execFileSync(python, [path.join(__dirname, '../../tools/reference/image_processor.py'), 'run', ...casePaths]);
  }, 120_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  live.each(cases.map((c, i) => [c[0], i] as const))('%s', async (_name, i) => {
    const [, [t, h, w], overrides] = cases[i];
    const frames = randomFrames(t, h, w, h * 31 + w);
    const { pixels, resized } = await processLikeHf(frames, { ...IMAGENET, ...overrides });
    const framesPath = path.join(dir, `frames${i}.bin`);
    expect(maxAbsDiff(resized.data, fs.readFileSync(`${framesPath}.resized.bin`))).toBe(0);
    const expected = fs.readFileSync(`${framesPath}.pixels.bin`);
    expect(
      maxAbsDiff(pixels.data, new Float32Array(expected.buffer.slice(expected.byteOffset, expected.byteOffset + expected.byteLength))),
    ).toBe(0);
  });
});

describe('image processor views and errors', () => {
  const frames: FrameTensor = { data: new Uint8Array(2 * 20 * 40 * 4).map((_, i) => i % 251), shape: [2, 20, 40, 4] };

  it('three crops are left, centre and right of the long side; the centre one equals the single crop', async () => {
    const processor = new VideoImageProcessor({ shortestEdge: 10, cropHeight: 10, cropWidth: 10 });
    const three = await processor.preprocess(frames, { crops: 3 });
    const one = await processor.preprocess(frames);
    expect(three.shape).toEqual([3, 2, 3, 10, 10]);
    const view = one.data.length;
    expect(maxAbsDiff(three.data.subarray(view, 2 * view), one.data)).toBe(0);
    expect(maxAbsDiff(three.data.subarray(0, view), one.data)).toBeGreaterThan(0);
  });

  it('RGBA input ignores alpha: same pixels as the RGB frames', async () => {
    const rgb = new Uint8Array(2 * 20 * 40 * 3);
    for (let p = 0; p < 2 * 20 * 40; p++) rgb.set(frames.data.subarray(p * 4, p * 4 + 3), p * 3);
    const processor = new VideoImageProcessor({ shortestEdge: 8, cropHeight: 8, cropWidth: 8 });
    const a = await processor.preprocess(frames);
    const b = await processor.preprocess({ data: rgb, shape: [2, 20, 40, 3] });
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
  });

  it('rejects a wrong channel count and a data length that does not fit the shape', async () => {
    const processor = new VideoImageProcessor();
    await expect(processor.preprocess({ data: new Uint8Array(4 * 4 * 2), shape: [1, 4, 4, 2] })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
    await expect(processor.preprocess({ data: new Uint8Array(10), shape: [1, 4, 4, 3] })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
      message: expect.stringContaining('Expected 48 bytes for shape [1, 4, 4, 3] for frames.data'),
    });
  });

  it('rejects an unsupported resample filter in preprocessor_config.json', () => {
    expect(() => processorConfigFromJson({ resample: 3 })).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_UNSUPPORTED' }));
  });
});
