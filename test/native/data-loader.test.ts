import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoFolderDataset } from '../../lib/data/folder-dataset';
import { DataLoader, type Batch } from '../../lib/data/loader';
import { synthesizeDataset } from '../../lib/data/synth';
import type { VideoTransform } from '../../lib/data/transforms';
import { Ucf101Dataset } from '../../lib/data/ucf101-dataset';

let root: string;
const mean = [0.485, 0.456, 0.406];
const std = [0.229, 0.224, 0.225];
const trainChain: VideoTransform[] = [
  { type: 'UniformTemporalSubsample', numSamples: 4 },
  { type: 'Div255' },
  { type: 'Normalize', mean, std },
  { type: 'RandomShortSideScale', minSize: 24, maxSize: 32 },
  { type: 'RandomCrop', height: 16, width: 16 },
  { type: 'RandomHorizontalFlip', p: 0.5 },
];

async function collect(loader: DataLoader, epoch: number): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of loader.epoch(epoch)) batches.push(batch);
  return batches;
}

const pixels = (b: Batch): Float32Array => b.pixelValues.toTypedArray() as Float32Array;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-data-'));
  await synthesizeDataset({ output: root, classes: 3, train: 3, val: 1, test: 0, width: 48, height: 32, seconds: 1.2, seed: 1 });
  fs.writeFileSync(path.join(root, 'train', 'MoveLeft', 'notes.txt'), 'not a video, not a video extension');
}, 60000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('VideoFolderDataset', () => {
  test('lists a split without decoding: sorted class folders are the labels', () => {
    const ds = VideoFolderDataset.scan(root, { split: 'train' });
    expect(ds.labels).toEqual(['MoveLeft', 'MoveRight', 'MoveUp']);
    expect(ds.label2id).toEqual({ MoveLeft: 0, MoveRight: 1, MoveUp: 2 });
    expect(ds.id2label[2]).toBe('MoveUp');
    expect(ds.length).toBe(9);
    expect(ds.videos.slice(0, 3).map((v) => [path.basename(v.path), v.label])).toEqual([
      ['v_MoveLeft_g01_c01.avi', 0],
      ['v_MoveLeft_g01_c02.mp4', 0],
      ['v_MoveLeft_g01_c03.avi', 0],
    ]);
    expect(ds.info.size).toBe(0);
  });

  test('load() reads each header: duration, fps, frames, size', async () => {
    const ds = await VideoFolderDataset.load(root, { split: 'val' });
    expect(ds.badVideos).toEqual([]);
    for (const video of ds.videos)
      expect(ds.info.get(video.id)).toEqual({ durationSeconds: expect.closeTo(1.2, 3), fps: 25, numFrames: 30, width: 48, height: 32 });
  });

  test.each<[string, () => unknown, RegExp]>([
    ['a missing root', () => VideoFolderDataset.scan(path.join(root, 'nope'), { split: 'train' }), /does not exist/],
    [
      'a missing split, listing the present ones',
      () => VideoFolderDataset.scan(root, { split: 'test' }),
      /test does not exist \(folders in .*: train, val\)/,
    ],
    ['a split without class folders', () => VideoFolderDataset.scan(path.join(root, 'train', 'MoveUp')), /has no class folders/],
    [
      'a class folder that is not a label',
      () => VideoFolderDataset.scan(root, { split: 'train', labels: ['MoveLeft', 'MoveRight'] }),
      /MoveUp is not one of the labels/,
    ],
  ])('rejects %s with ERR_VIDEOMAE_DATASET', (_name, run, message) => {
    expect(run).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_DATASET', message: expect.stringMatching(message) }));
  });

  test('an empty class folder is an error naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-empty-'));
    fs.mkdirSync(path.join(dir, 'train', 'A'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'train', 'B'), { recursive: true });
    fs.copyFileSync(VideoFolderDataset.scan(root, { split: 'val' }).videos[0]!.path, path.join(dir, 'train', 'A', 'a.avi'));
    expect(() => VideoFolderDataset.scan(dir, { split: 'train' })).toThrow(
      expect.objectContaining({ code: 'ERR_VIDEOMAE_DATASET', message: expect.stringMatching(/B has no videos/) }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('files that are not videos are listed (skip) or fail the load (error)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-bad-'));
    fs.cpSync(path.join(root, 'val'), path.join(dir, 'val'), { recursive: true });
    const bad = path.join(dir, 'val', 'MoveUp', 'broken.avi');
    fs.writeFileSync(bad, 'this is text, not an AVI file');
    const skipped = await VideoFolderDataset.load(dir, { split: 'val', onBadVideo: 'skip' });
    expect(skipped.length).toBe(3);
    expect(skipped.badVideos).toEqual([
      { path: bad, code: expect.stringMatching(/^ERR_VIDEOMAE_/), reason: expect.stringContaining('broken.avi') },
    ]);
    await expect(VideoFolderDataset.load(dir, { split: 'val', onBadVideo: 'error' })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_DATASET',
      message: expect.stringContaining('broken.avi'),
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Ucf101Dataset (official lists)', () => {
  test('reads classInd, trainlist and testlist; labels follow classInd', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-ucf-'));
    fs.cpSync(path.join(root, 'train'), path.join(dir, 'UCF-101'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'ucfTrainTestlist'));
    fs.writeFileSync(path.join(dir, 'ucfTrainTestlist', 'classInd.txt'), '1 MoveLeft\n2 MoveRight\n3 MoveUp\n');
    fs.writeFileSync(
      path.join(dir, 'ucfTrainTestlist', 'trainlist01.txt'),
      'MoveLeft/v_MoveLeft_g01_c01.avi 1\r\nMoveUp/v_MoveUp_g01_c02.mp4 3\r\n',
    );
    fs.writeFileSync(path.join(dir, 'ucfTrainTestlist', 'testlist01.txt'), 'MoveRight/v_MoveRight_g01_c03.avi\n');
    const train = await Ucf101Dataset.load(dir, { split: 'train' });
    expect(train.videos.map((v) => [path.basename(v.path), v.label])).toEqual([
      ['v_MoveLeft_g01_c01.avi', 0],
      ['v_MoveUp_g01_c02.mp4', 2],
    ]);
    expect(train.info.size).toBe(2);
    const test = Ucf101Dataset.scan(dir, { split: 'test' });
    expect(test.videos.map((v) => v.label)).toEqual([1]);
    expect(() => Ucf101Dataset.scan(dir, { split: 'test', fold: 2 })).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_DATASET' }));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('DataLoader', () => {
  let train: VideoFolderDataset;
  beforeAll(async () => {
    train = await VideoFolderDataset.load(root, { split: 'train' });
  });

  test('yields (B,T,C,H,W) float32 batches covering each video once per epoch (random sampler)', async () => {
    const loader = new DataLoader(train, {
      batchSize: 4,
      shuffle: true,
      seed: 5,
      clipSampler: 'random',
      numFrames: 4,
      sampleRate: 2,
      transforms: trainChain,
    });
    expect(loader.batchesPerEpoch).toBe(3);
    const batches = await collect(loader, 0);
    expect(batches.map((b) => b.pixelValues.shape)).toEqual([
      [4, 4, 3, 16, 16],
      [4, 4, 3, 16, 16],
      [1, 4, 3, 16, 16],
    ]);
    const ids = batches.flatMap((b) => b.videoIds);
    expect([...ids].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const b of batches) b.videoIds.forEach((id, i) => expect(b.labels[i]).toBe(train.videos.find((v) => v.id === id)!.label));
    expect(loader.stats.samples).toBe(9);
    expect(loader.stats.dataWaitMs).toBeGreaterThan(0);
    loader.close();
  });

  test('the same seed gives the same pixels with 1 or 2 workers; another epoch gives others', async () => {
    const options = {
      batchSize: 3,
      shuffle: true,
      seed: 11,
      clipSampler: 'random' as const,
      numFrames: 4,
      sampleRate: 2,
      transforms: trainChain,
    };
    const one = new DataLoader(train, { ...options, workers: 1 });
    const two = new DataLoader(train, { ...options, workers: 2, prefetch: 3 });
    const [a, b, c] = [await collect(one, 2), await collect(two, 2), await collect(two, 3)];
    expect(a.map((x) => x.videoIds)).toEqual(b.map((x) => x.videoIds));
    a.forEach((batch, i) => expect(Buffer.from(pixels(batch).buffer).equals(Buffer.from(pixels(b[i]!).buffer))).toBe(true));
    expect(c.map((x) => x.videoIds)).not.toEqual(a.map((x) => x.videoIds));
    one.close();
    two.close();
  });

  test('a batch row equals loadSample of its plan entry, in (T,C,H,W) layout', async () => {
    const loader = new DataLoader(train, {
      batchSize: 2,
      clipSampler: 'uniform',
      numFrames: 4,
      sampleRate: 2,
      transforms: trainChain,
      seed: 3,
    });
    const plan = loader.planBatches(1);
    const [first] = await collect(loader, 1);
    const sample = (await loader.loadSample(plan[0]![1]!, 1))!;
    expect(sample.shape).toEqual([3, 4, 16, 16]);
    const cthw = sample.toTypedArray() as Float32Array;
    const row = pixels(first!).subarray(4 * 3 * 16 * 16);
    let worst = 0;
    for (let t = 0; t < 4; t++)
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < 256; i++) worst = Math.max(worst, Math.abs(row[(t * 3 + c) * 256 + i]! - cthw[(c * 4 + t) * 256 + i]!));
    expect(worst).toBe(0);
    loader.close();
  });

  test('uniform sampling plans consecutive clips, dropLast drops the short batch', () => {
    const loader = new DataLoader(train, {
      batchSize: 4,
      clipSampler: 'uniform',
      numFrames: 4,
      sampleRate: 3,
      transforms: trainChain,
      dropLast: true,
    });
    // 1.2 s videos, clips of 4×3/25 = 0.48 s → 2 clips per video, 18 samples → 4 full batches
    expect(loader.planSamples(0)).toHaveLength(18);
    expect(loader.batchesPerEpoch).toBe(4);
  });

  test('a clip longer than the video gives all its frames (frames repeat in the subsample)', async () => {
    const loader = new DataLoader(train, {
      batchSize: 9,
      clipSampler: 'uniform',
      numFrames: 16,
      sampleRate: 4,
      transforms: trainChain.map((t) => (t.type === 'UniformTemporalSubsample' ? { ...t, numSamples: 40 } : t)),
    });
    const [batch] = await collect(loader, 0);
    expect(batch!.pixelValues.shape).toEqual([9, 40, 3, 16, 16]);
    loader.close();
  });

  test('breaking out of an epoch stops it, and the next epoch starts cleanly', async () => {
    const loader = new DataLoader(train, { batchSize: 2, clipSampler: 'random', numFrames: 4, transforms: trainChain });
    for await (const batch of loader.epoch(0)) {
      expect(batch.labels.length).toBe(2);
      break;
    }
    expect(await collect(loader, 1)).toHaveLength(5);
    loader.close();
    loader.close();
  });

  test('cancel() ends a pending iteration without an error', async () => {
    const loader = new DataLoader(train, {
      batchSize: 1,
      prefetch: 1,
      workers: 1,
      clipSampler: 'random',
      numFrames: 4,
      transforms: trainChain,
    });
    let seen = 0;
    for await (const _batch of loader.epoch(0)) {
      if (++seen === 2) loader.cancel();
    }
    expect(seen).toBe(2);
    loader.close();
  });

  test('a video that became unreadable is skipped and listed, or rejects with onBadVideo "error"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-gone-'));
    fs.cpSync(path.join(root, 'val'), path.join(dir, 'val'), { recursive: true });
    const ds = await VideoFolderDataset.load(dir, { split: 'val' });
    fs.writeFileSync(ds.videos[1]!.path, 'overwritten with garbage');
    const skip = new DataLoader(ds, { batchSize: 3, clipSampler: 'random', numFrames: 4, transforms: trainChain });
    const batches = await collect(skip, 0);
    expect(batches[0]!.videoIds).toEqual([0, 2]);
    expect(skip.stats.skipped).toEqual([expect.stringContaining(ds.videos[1]!.path)]);
    const strict = new DataLoader(ds, { batchSize: 3, clipSampler: 'random', numFrames: 4, transforms: trainChain, onBadVideo: 'error' });
    await expect(collect(strict, 0)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_VIDEOMAE_(DECODE|IO|UNSUPPORTED)$/) });
    skip.close();
    strict.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('rejects bad options and an unloaded dataset', () => {
    const base = { batchSize: 2, clipSampler: 'random' as const, numFrames: 4, transforms: trainChain };
    expect(() => new DataLoader(train, { ...base, batchSize: 0 })).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }));
    expect(() => new DataLoader(train, { ...base, clipSampler: { type: 'constantClipsPerVideo', clipsPerVideo: 0 } })).toThrow(
      /clipsPerVideo/,
    );
    expect(() => new DataLoader(train, { ...base, clipDurationFrom: 'guess' as 'fps' })).toThrow(/clipDurationFrom/);
    const unloaded = new DataLoader(VideoFolderDataset.scan(root, { split: 'train' }), base);
    expect(unloaded.batchesPerEpoch).toBeUndefined();
    expect(() => unloaded.planSamples(0)).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_DATASET' }));
  });
});
