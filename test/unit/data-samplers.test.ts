import { SeededRandom, clipDuration, sampleClips } from '../../lib/data/samplers';
import {
  guideTrainTransforms,
  guideValTransforms,
  inferenceTransforms,
  preprocessorConstants,
  validateTransforms,
} from '../../lib/data/transforms';

const D = (16 * 4) / 30; // the guide's clip duration, 2.1333 s

describe('clip duration', () => {
  test('uses each video fps, or the guide fixed 30 fps', () => {
    expect(clipDuration({ numFrames: 16, sampleRate: 4, from: 'fps' }, 25)).toBeCloseTo(2.56, 12);
    expect(clipDuration({ numFrames: 16, sampleRate: 4, from: 'fixed' }, 25)).toBe(64 / 30);
    expect(clipDuration({ numFrames: 8, sampleRate: 2, from: 'fixed', fixedFps: 10 }, 25)).toBe(1.6);
  });
});

describe('uniform sampler (pytorchvideo)', () => {
  test('takes consecutive clips and drops the trailing partial one', () => {
    const clips = sampleClips({ type: 'uniform' }, 7.0, D);
    expect(clips.map((c) => c.clipIndex)).toEqual([0, 1, 2]);
    expect(clips[1]).toEqual({ start: D, end: 2 * D, clipIndex: 1, exact: { index: 1, stride: D, duration: D } });
  });
  test('gives max(1, floor(duration / D)) clips', () => {
    for (const duration of [0.5, 2.0, 2.2, 4.2, 4.3, 6.4, 6.5, 10]) {
      expect(sampleClips({ type: 'uniform' }, duration, D)).toHaveLength(Math.max(1, Math.floor(duration / D + 1e-6 / D)));
    }
  });
  test('a video shorter than a clip still gives one clip [0, D)', () => {
    expect(sampleClips({ type: 'uniform' }, 1.0, D)).toEqual([
      { start: 0, end: D, clipIndex: 0, exact: { index: 0, stride: D, duration: D } },
    ]);
  });
  test('a duration exactly k·D gives k clips (1e-6 tolerance)', () => {
    expect(sampleClips({ type: 'uniform' }, 3 * D, D)).toHaveLength(3);
  });
});

describe('random sampler', () => {
  test('one clip inside [0, duration] per video, reproducible per seed', () => {
    const a = sampleClips({ type: 'random' }, 10, D, new SeededRandom(1, 0, 5));
    const b = sampleClips({ type: 'random' }, 10, D, new SeededRandom(1, 0, 5));
    const c = sampleClips({ type: 'random' }, 10, D, new SeededRandom(1, 1, 5));
    expect(a).toHaveLength(1);
    expect(a).toEqual(b);
    expect(c[0]!.start).not.toBe(a[0]!.start);
    expect(a[0]!.start).toBeGreaterThanOrEqual(0);
    expect(a[0]!.end).toBeLessThanOrEqual(10);
    expect(a[0]!.end - a[0]!.start).toBeCloseTo(D, 12);
  });
  test('a video shorter than the clip starts at 0', () => {
    expect(sampleClips({ type: 'random' }, 1.5, D, new SeededRandom(3))).toEqual([
      { start: 0, end: D, clipIndex: 0, exact: { index: 1, stride: 0, duration: D } },
    ]);
  });
  test('starts spread over the whole range', () => {
    const starts = Array.from({ length: 400 }, (_, i) => sampleClips({ type: 'random' }, 10, 2, new SeededRandom(9, 0, i))[0]!.start);
    expect(Math.min(...starts)).toBeLessThan(0.2);
    expect(Math.max(...starts)).toBeGreaterThan(7.8);
  });
});

describe('constant clips per video (pytorchvideo HEAD)', () => {
  test('spreads n starts evenly over [0, duration − D], reaching the end', () => {
    const clips = sampleClips({ type: 'constantClipsPerVideo', clipsPerVideo: 3 }, 6, 2);
    expect(clips.map((c) => c.start)).toEqual([0, 2, 4]);
    expect(clips[2]!.end).toBe(6);
  });
  test('one clip per video starts at 0', () => {
    expect(sampleClips({ type: 'constantClipsPerVideo', clipsPerVideo: 1 }, 6, 2)).toEqual([{ start: 0, end: 2, clipIndex: 0 }]);
  });
  test('a video shorter than the clip repeats clip [0, D)', () => {
    const clips = sampleClips({ type: 'constantClipsPerVideo', clipsPerVideo: 2 }, 1, 2);
    expect(clips.map((c) => [c.start, c.end])).toEqual([
      [0, 2],
      [0, 2],
    ]);
  });
});

describe('transform presets from preprocessor_config.json', () => {
  const hub = {
    do_center_crop: true,
    do_normalize: true,
    do_resize: true,
    image_mean: [0.485, 0.456, 0.406],
    image_std: [0.229, 0.224, 0.225],
    resample: 2,
    size: 224,
  };

  test('reads a legacy int size as shortest_edge, and defaults crop to 224×224', () => {
    expect(preprocessorConstants(hub)).toEqual({
      mean: hub.image_mean,
      std: hub.image_std,
      resizeTo: [224, 224],
      shortestEdge: 224,
      crop: [224, 224],
    });
    expect(preprocessorConstants({ size: { height: 160, width: 128 } }).resizeTo).toEqual([160, 128]);
    expect(preprocessorConstants({}).mean).toEqual([0.5, 0.5, 0.5]);
  });

  test('the guide train chain', () => {
    expect(guideTrainTransforms(hub, 16)).toEqual([
      { type: 'UniformTemporalSubsample', numSamples: 16 },
      { type: 'Div255' },
      { type: 'Normalize', mean: hub.image_mean, std: hub.image_std },
      { type: 'RandomShortSideScale', minSize: 256, maxSize: 320 },
      { type: 'RandomCrop', height: 224, width: 224 },
      { type: 'RandomHorizontalFlip', p: 0.5 },
    ]);
  });

  test('the guide val chain squashes to resize_to', () => {
    expect(guideValTransforms(hub, 16).at(-1)).toEqual({ type: 'Resize', height: 224, width: 224, antialias: false });
  });

  test('the image processor inference chain: shortest edge, floor centre crop, rescale, normalize', () => {
    expect(inferenceTransforms(hub).map((t) => t.type)).toEqual(['Resize', 'CenterCrop', 'Div255', 'Normalize']);
    expect(inferenceTransforms(hub)[1]).toEqual({ type: 'CenterCrop', height: 224, width: 224, offsetRounding: 'floor' });
    expect(inferenceTransforms({ ...hub, do_center_crop: false }, 16).map((t) => t.type)).toEqual([
      'UniformTemporalSubsample',
      'Resize',
      'Div255',
      'Normalize',
    ]);
  });

  test('validation names the bad field', () => {
    expect(() => validateTransforms([{ type: 'RandomCrop', height: 0, width: 3 }])).toThrow(/transforms\[0\]\.height/);
    expect(() => validateTransforms([{ type: 'Normalize', mean: [1, 2], std: [1] }])).toThrow(/transforms\[0\]\.std/);
  });
});
