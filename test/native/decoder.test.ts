/**
 * The libav decoder against an independent decoder (the ffmpeg CLI) on generated videos whose
 * frames carry their own number. Pixel tolerance (documented in lib/decoder/README.md): at the
 * source size our one swscale pass is the conversion the CLI does, so frames must match within a
 * mean absolute difference of 0.5 and a max of 8 per channel (measured: 0 on 8-bit sources);
 * 10-bit sources within a mean of 2 (the CLI's filter graph dithers/converts through another
 * path: measured mean 1.3, max 5); resized frames (bilinear, both swscale) within a mean of 2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader, decodeClip, decodeClips, uniformTemporalSubsample } from '../../lib';
import { frameCode, generateReferenceVideos, meanAbsDiff, probeFrameTimes, referenceFrames, tempDir } from '../helpers/ffmpeg-videos';

let dir: string;
let videos: ReturnType<typeof generateReferenceVideos>;

beforeAll(() => {
  dir = tempDir('videomae-decoder-');
  videos = generateReferenceVideos(dir);
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function frameOf(data: Uint8Array, t: number, height: number, width: number): Uint8Array {
  const size = height * width * 3;
  return data.subarray(t * size, (t + 1) * size);
}

// A scattered request: backwards, repeats, both ends.
function scattered(n: number): number[] {
  return [n - 1, 0, Math.floor(n / 2), Math.floor(n / 2), 1, n - 2, 3, n - 1].filter((i) => i >= 0 && i < n);
}

const cases: Array<
  [
    string,
    () => string,
    { codec: string; pixelFormat?: string; h: number; w: number; mean?: number; lastUntimed?: boolean; untimed?: boolean },
  ]
> = [
  ['mpeg4 in avi', () => videos.mpeg4Avi, { codec: 'mpeg4', h: 48, w: 64 }],
  ['H.264 with B-frames in mp4', () => videos.h264Mp4, { codec: 'h264', h: 48, w: 64 }],
  ['VP9 in webm at an odd size', () => videos.vp9Webm, { codec: 'vp9', h: 49, w: 65 }],
  ['variable frame rate H.264 in mkv', () => videos.vfrMkv, { codec: 'h264', h: 48, w: 64 }],
  ['H.264 4:4:4 at an odd size', () => videos.oddH264, { codec: 'h264', pixelFormat: 'yuv444p', h: 47, w: 63 }],
  ['10-bit H.264', () => videos.tenBit, { codec: 'h264', pixelFormat: 'yuv420p10le', h: 48, w: 64, mean: 2 }],
  ['BT.709 full-range H.264', () => videos.bt709Full, { codec: 'h264', h: 48, w: 64 }],
  ['a 1-frame video', () => videos.oneFrame, { codec: 'h264', h: 48, w: 64 }],
  ['mpeg4 with B-frames in avi', () => videos.mpeg4BframesAvi, { codec: 'mpeg4', h: 48, w: 64, lastUntimed: true }],
  ['Annex-B H.264 with B-frames in MPEG-TS', () => videos.h264Ts, { codec: 'h264', h: 48, w: 64 }],
  ['HEVC with B-frames in mp4', () => videos.hevcMp4, { codec: 'hevc', h: 48, w: 64 }],
  ['MPEG-2 with B-frames in an MPEG program stream', () => videos.mpeg2Mpg, { codec: 'mpeg2video', h: 48, w: 64, lastUntimed: true }],
  ['a raw H.264 elementary stream (no timestamps)', () => videos.h264Raw, { codec: 'h264', h: 48, w: 64, untimed: true }],
  ['a raw MPEG-2 elementary stream with B-frames', () => videos.mpeg2Raw, { codec: 'mpeg2video', h: 48, w: 64, untimed: true }],
  ['MJPEG in avi', () => videos.mjpegAvi, { codec: 'mjpeg', pixelFormat: 'yuvj420p', h: 48, w: 64 }],
  ['AV1 in mkv', () => videos.av1Mkv, { codec: 'av1', h: 48, w: 64 }],
];

describe.each(cases)('%s', (_name, file, expected) => {
  test('frame count, timestamps and every requested frame match the ffmpeg CLI', async () => {
    const reference = referenceFrames(file(), expected.h, expected.w);
    const reader = await VideoReader.open(file());
    try {
      expect(reader.metadata).toMatchObject({ codec: expected.codec, width: expected.w, height: expected.h, hasAudio: false, rotation: 0 });
      if (expected.pixelFormat) expect(reader.metadata.pixelFormat).toBe(expected.pixelFormat);
      expect(reader.metadata.numFrames).toBe(reference.frames.length);
      const times = Array.from(reader.frameTimestamps());
      // ffprobe's best-effort times; it leaves the last picture of a stream whose container has no
      // pts for reordered pictures (AVI, MPEG-PS with B-frames) without one.
      // Elementary streams give ffprobe (almost) no times: ours are one frame duration apart.
      if (expected.untimed) {
        times.forEach((t, i) => expect(t - (times[0] as number)).toBeCloseTo(i / 25, 5));
      } else {
        const probed = probeFrameTimes(file()).filter((t) => Number.isFinite(t));
        expect(probed).toHaveLength(times.length - (expected.lastUntimed ? 1 : 0));
        probed.forEach((t, i) => expect(times[i]).toBeCloseTo(t, 5));
      }

      const indices = scattered(reader.metadata.numFrames);
      const frames = await reader.getFramesAt(indices);
      expect(frames.shape).toEqual([indices.length, expected.h, expected.w, 3]);
      indices.forEach((index, t) => {
        const ours = frameOf(frames.data as Uint8Array, t, expected.h, expected.w);
        expect(frameCode(ours, expected.h, expected.w)).toBe(index);
        const diff = meanAbsDiff(ours, reference.frames[index] as Uint8Array);
        expect(diff.mean).toBeLessThanOrEqual(expected.mean ?? 0.5);
        expect(diff.max).toBeLessThanOrEqual(8);
      });
    } finally {
      reader.close();
    }
  });
});

test('a rotated video reports its display-matrix angle and is turned upright like the ffmpeg CLI does', async () => {
  const reader = await VideoReader.open(videos.rotated);
  expect(reader.metadata).toMatchObject({ width: 64, height: 48, rotation: 90 });
  expect(reader.outputSize()).toEqual({ height: 64, width: 48 });
  const reference = referenceFrames(videos.rotated, 64, 48);
  const frames = await reader.getFramesAt([7, 30]);
  expect(frames.shape).toEqual([2, 64, 48, 3]);
  [7, 30].forEach((index, t) => {
    expect(meanAbsDiff(frameOf(frames.data as Uint8Array, t, 64, 48), reference.frames[index] as Uint8Array).mean).toBeLessThanOrEqual(0.5);
  });
  const raw = await reader.getFramesAt([7], { autoRotate: false });
  expect(raw.shape).toEqual([1, 48, 64, 3]);
  expect(frameCode(raw.data as Uint8Array, 48, 64)).toBe(7);
  reader.close();
});

test('resizing is one bilinear swscale pass, close to the ffmpeg CLI scale filter', async () => {
  const reader = await VideoReader.open(videos.h264Mp4);
  const reference = referenceFrames(videos.h264Mp4, 24, 40, { flags: 'bilinear' });
  const frames = await reader.getFramesAt([5, 41], { size: { height: 24, width: 40 } });
  expect(frames.shape).toEqual([2, 24, 40, 3]);
  [5, 41].forEach((index, t) => {
    expect(meanAbsDiff(frameOf(frames.data as Uint8Array, t, 24, 40), reference.frames[index] as Uint8Array).mean).toBeLessThanOrEqual(2);
  });
  // pytorchvideo short_side_scale: short side 36, long side floor(64 / 48 * 36) = 48.
  expect(reader.outputSize({ size: { shortestEdge: 36 } })).toEqual({ height: 36, width: 48 });
  for (const interpolation of ['nearest', 'bicubic', 'area'] as const) {
    const other = await reader.getFramesAt([5], { size: { shortestEdge: 36 }, interpolation });
    expect(other.shape).toEqual([1, 36, 48, 3]);
    expect(frameCode(other.data as Uint8Array, 36, 48)).toBe(5);
  }
  reader.close();
});

test('float layouts hold (x - mean) / std of the uint8 frames in CTHW and TCHW order', async () => {
  const reader = await VideoReader.open(videos.mpeg4Avi);
  const rgb = (await reader.getFramesAt([2, 9])).data as Uint8Array;
  const mean: [number, number, number] = [10, 20, 30];
  const std: [number, number, number] = [2, 4, 8];
  const cthw = await reader.getFramesAt([2, 9], { layout: 'CTHW', mean, std });
  const tchw = await reader.getFramesAt([2, 9], { layout: 'TCHW', mean, std });
  expect(cthw.shape).toEqual([3, 2, 48, 64]);
  expect(tchw.shape).toEqual([2, 3, 48, 64]);
  expect(cthw.data.constructor.name).toBe('Float32Array');
  const plane = 48 * 64;
  for (const [t, c, p] of [
    [0, 0, 0],
    [1, 2, 777],
    [1, 1, plane - 1],
    [0, 2, 1234],
  ] as const) {
    const expected = Math.fround(Math.fround((rgb[(t * plane + p) * 3 + c] as number) - mean[c]) / std[c]);
    expect(cthw.data[(c * 2 + t) * plane + p]).toBe(expected);
    expect(tchw.data[(t * 3 + c) * plane + p]).toBe(expected);
  }
  reader.close();
});

test('a Buffer holding the whole file decodes the same frames as the path', async () => {
  const fromFile = await VideoReader.open(videos.h264Mp4);
  const fromBuffer = await VideoReader.open(fs.readFileSync(videos.h264Mp4));
  expect(fromBuffer.metadata).toEqual(fromFile.metadata);
  const a = await fromFile.getFramesAt([0, 17, 49]);
  const b = await fromBuffer.getFramesAt([0, 17, 49]);
  expect(
    Buffer.compare(
      Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
      Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
    ),
  ).toBe(0);
  fromFile.close();
  fromBuffer.close();
});

test('sampleClip keeps pytorchvideo frames ceil(start/tb) <= pts < ceil(end/tb), then linspace-subsamples them', async () => {
  const reader = await VideoReader.open(videos.h264Mp4);
  // 25 fps: 0.5 s falls between frames 12 (0.48) and 13 (0.52); 1.0 s is frame 25, excluded.
  expect(reader.clipIndices({ start: 0.5, end: 1.0 })).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  const clip = await reader.sampleClip({ start: 0.5, end: 1.0, numFrames: 4 });
  expect(clip.indices).toEqual([13, 16, 20, 24]); // linspace(0, 11, 4) = 0, 3.67, 7.33, 11
  clip.indices.forEach((index, t) => expect(frameCode(frameOf(clip.data as Uint8Array, t, 48, 64), 48, 64)).toBe(index));
  // The binary values of 0.04 and 0.2 lie a hair above 1/25 and 5/25: pytorchvideo's exact
  // Fraction ceil skips frame 1 and keeps frame 5.
  expect(reader.clipIndices({ start: 0.04, end: 0.2 })).toEqual([2, 3, 4, 5]);
  await expect(reader.sampleClip({ start: 5, end: 6, numFrames: 4 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_DECODE' });
  reader.close();
});

test('uniformTemporalSubsample reproduces torch.linspace float32 truncation', () => {
  expect(uniformTemporalSubsample(64, 16)).toEqual([0, 4, 8, 12, 16, 21, 25, 29, 33, 37, 42, 46, 50, 54, 58, 63]);
  expect(uniformTemporalSubsample(10, 16)).toEqual([0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 7, 7, 8, 9]);
  expect(uniformTemporalSubsample(1, 3)).toEqual([0, 0, 0]);
});

test('getFramesPlayedAt returns the frame whose display interval holds each time', async () => {
  const reader = await VideoReader.open(videos.vfrMkv);
  const times = reader.frameTimestamps();
  // Frame 10 is shown for 3/25 s: any time inside that interval selects it.
  const inside = (times[10] as number) + 0.1;
  expect(reader.frameIndicesPlayedAt([0, 0.039, 0.041, inside])).toEqual([0, 0, 1, 10]);
  const frames = await reader.getFramesPlayedAt([inside, 0]);
  expect(frameCode(frameOf(frames.data as Uint8Array, 0, 48, 64), 48, 64)).toBe(10);
  expect(() => reader.frameIndicesPlayedAt([Number.NaN])).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }));
  expect(() => reader.frameIndicesPlayedAt([1e6])).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }));
  reader.close();
});

test('decodeClip and the decodeClips pool return uniformly sampled clips and per-video errors', async () => {
  const one = await decodeClip(videos.mpeg4Avi, { numFrames: 8, clip: { start: 0, end: 1 }, size: { shortestEdge: 24 } });
  expect(one.shape).toEqual([8, 24, 32, 3]);
  expect(one.indices).toEqual([0, 3, 6, 10, 13, 17, 20, 24]);
  const batch = await decodeClips(
    [videos.mpeg4Avi, path.join(dir, 'missing.mp4'), { source: fs.readFileSync(videos.vp9Webm), numFrames: 2 }, videos.h264Mp4],
    { numFrames: 4, threads: 2 },
  );
  expect(batch).toHaveLength(4);
  expect(batch[1]).toMatchObject({ code: 'ERR_VIDEOMAE_IO' });
  const [a, , c, d] = batch as Array<{ shape: number[]; indices: number[]; data: Uint8Array }>;
  expect(a?.indices).toEqual([0, 16, 32, 49]);
  expect(c?.shape).toEqual([2, 49, 65, 3]);
  expect(d?.shape).toEqual([4, 48, 64, 3]);
  d?.indices.forEach((index, t) => expect(frameCode(frameOf(d.data, t, 48, 64), 48, 64)).toBe(index));
});

test('a call whose decode has finished but whose promise has not settled still holds the reader', async () => {
  const reader = await VideoReader.open(videos.h264Mp4);
  const first = reader.getFramesAt([40, 45]);
  // Block the JS thread long enough for the worker to finish: its completion cannot be delivered
  // meanwhile. The reader must stay busy until the promise settles, and each call keep its output.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  await expect(reader.getFramesAt([1])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_BUSY' });
  const frames = await first;
  expect(frames.shape).toEqual([2, 48, 64, 3]);
  expect([0, 1].map((t) => frameCode(frameOf(frames.data as Uint8Array, t, 48, 64), 48, 64))).toEqual([40, 45]);
  const next = await reader.getFramesAt([1]);
  expect(frameCode(frameOf(next.data as Uint8Array, 0, 48, 64), 48, 64)).toBe(1);
  reader.close();
});

test('one operation at a time per reader; close is idempotent and later calls are ERR_VIDEOMAE_CLOSED', async () => {
  const reader = await VideoReader.open(videos.h264Mp4);
  const first = reader.getFramesAt([40, 45]);
  await expect(reader.getFramesAt([1])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_BUSY' });
  expect((await first).shape).toEqual([2, 48, 64, 3]);
  const inFlight = reader.getFramesAt([10]);
  reader.close(); // the decode in flight finishes, then frees the decoder
  reader.close();
  expect((await inFlight).shape).toEqual([1, 48, 64, 3]);
  await expect(reader.getFramesAt([0])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_CLOSED' });
  expect(() => reader.frameTimestamps()).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CLOSED' }));
});
