/**
 * Concurrency contracts under many promises at once, beyond the single-pair cases of
 * decoder.test.ts / model-errors.test.ts / pipeline.test.ts: one operation per reader and per
 * model (every other call, async or synchronous, is ERR_VIDEOMAE_BUSY and changes nothing),
 * close()/dispose() while work is in flight, one epoch per DataLoader, and worker_threads
 * terminated mid-decode (a child process: a crash there must not take jest down).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader } from '../../lib/decoder';
import { DataLoader } from '../../lib/data/loader';
import { VideoFolderDataset } from '../../lib/data/folder-dataset';
import { synthesizeDataset } from '../../lib/data/synth';
import { VideoMAEForVideoClassification } from '../../lib/model';
import { VideoImageProcessor, VideoClassificationPipeline } from '../../lib/pipeline';
import type { ClassifierModel } from '../../lib/pipeline/backends';
import type { RawFrame } from '../../lib/pipeline/frames-input';
import { repoRoot, runNode } from '../helpers/run-node';
import { TINY_MODEL, makeVideo, tempDir } from './pipeline-helpers';

jest.setTimeout(60_000);

let dir: string;
let video: string;
let synthRoot: string;

beforeAll(async () => {
  dir = tempDir('videomae-concurrency-');
  video = makeVideo(path.join(dir, 'pattern.avi'), { width: 64, height: 48, frames: 24 });
  synthRoot = path.join(dir, 'synth');
  await synthesizeDataset({ output: synthRoot, classes: 2, train: 2, val: 0, test: 0, width: 48, height: 32, seconds: 1, seed: 5 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 'ok' or the error code of each settled promise. */
async function outcomes(promises: Array<Promise<unknown>>): Promise<string[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : ((s.reason as { code?: string }).code ?? String(s.reason))));
}

function syncOutcome(call: () => unknown): string {
  try {
    call();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('one VideoReader, many promises', () => {
  it('16 calls at once: the first decodes, the other 15 and the synchronous calls are ERR_VIDEOMAE_BUSY; the reader is intact', async () => {
    const reader = await VideoReader.open(fs.readFileSync(video));
    const first = reader.getFramesAt([0, 7, 23]);
    const others = [
      ...Array.from({ length: 13 }, (_, i) => reader.getFramesAt([i])),
      reader.sampleClip({ start: 0, end: 1, numFrames: 4 }),
      reader.getFramesPlayedAt([0.5]),
    ];
    const sync = [() => reader.outputSize(), () => reader.clipIndices({ start: 0, end: 1 }), () => reader.frameTimestamps()].map(
      syncOutcome,
    );
    expect(await outcomes(others)).toEqual(Array(15).fill('ERR_VIDEOMAE_BUSY'));
    expect(sync).toEqual(Array(3).fill('ERR_VIDEOMAE_BUSY'));
    const frames = await first;
    expect(frames.shape).toEqual([3, 48, 64, 3]);
    // Once settled, the reader works, and decodes the same frames again.
    const again = await reader.getFramesAt([0, 7, 23]);
    expect(Buffer.compare(Buffer.from(again.data.buffer), Buffer.from(frames.data.buffer))).toBe(0);
    expect(reader.frameTimestamps()).toHaveLength(24);
    reader.close();
  });

  it('close() of 8 readers with decodes in flight: each decode still delivers its own frames, later calls are ERR_VIDEOMAE_CLOSED', async () => {
    const reference = await VideoReader.open(video);
    const expected = await reference.getFramesAt([3, 20]);
    reference.close();
    const readers = await Promise.all(Array.from({ length: 8 }, (_, i) => VideoReader.open(i % 2 ? video : fs.readFileSync(video))));
    const inFlight = readers.map((r) => r.getFramesAt([3, 20]));
    for (const r of readers) r.close();
    for (const frames of await Promise.all(inFlight))
      expect(Buffer.compare(Buffer.from(frames.data.buffer), Buffer.from(expected.data.buffer))).toBe(0);
    expect(await outcomes(readers.map((r) => r.getFramesAt([0])))).toEqual(Array(8).fill('ERR_VIDEOMAE_CLOSED'));
    expect(readers.every((r) => r.closed)).toBe(true);
  });
});

describe('one model, many promises', () => {
  it('mixed operations at once: the first runs; every other async and synchronous call is ERR_VIDEOMAE_BUSY and changes nothing', async () => {
    const model = await VideoMAEForVideoClassification.fromPretrained(TINY_MODEL);
    model.eval();
    const c = model.config;
    const shape = [1, c.numFrames, 3, c.imageSize as number, c.imageSize as number];
    const pixels = () => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)), shape });
    const optimizer = model.createOptimizer({ lr: 0.1 });
    const bias = Float32Array.from(model.getParameter('classifier.bias').data);
    const out = path.join(dir, 'busy-model');

    const first = model.forward({ pixelValues: pixels() });
    const asyncCalls = [
      model.forward({ pixelValues: pixels() }),
      model.forwardBackward({ pixelValues: pixels(), labels: [1] }),
      model.trainStep({ pixelValues: pixels(), labels: [1] }, { lr: 0.1 }),
      model.savePretrained(out),
      optimizer.saveState(path.join(dir, 'busy-optimizer.safetensors')),
    ];
    const syncCalls = [
      () => model.numParameters(),
      () => model.train(),
      () => model.getParameter('classifier.bias'),
      () => model.createOptimizer({ lr: 1 }),
      () => model.dispose(),
    ].map(syncOutcome);
    expect(await outcomes(asyncCalls)).toEqual(Array(5).fill('ERR_VIDEOMAE_BUSY'));
    expect(syncCalls).toEqual(Array(5).fill('ERR_VIDEOMAE_BUSY'));
    const { logits } = await first;
    // Nothing of the refused calls happened: still in eval mode, same parameters, no file written
    // (savePretrained makes its folder before the model refuses, so an empty folder may exist).
    expect(model.training).toBe(false);
    expect(Array.from(model.getParameter('classifier.bias').data)).toEqual(Array.from(bias));
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'busy-optimizer.safetensors'))).toBe(false);
    const again = await model.forward({ pixelValues: pixels() });
    expect(Array.from(again.logits.data)).toEqual(Array.from(logits.data));

    model.dispose();
    expect(await outcomes([model.forward({ pixelValues: pixels() }), model.savePretrained(out), optimizer.saveState(out)])).toEqual(
      Array(3).fill('ERR_VIDEOMAE_CLOSED'),
    );
  });
});

describe('a classifier disposed while it works', () => {
  it('dispose() does not throw: the forward in flight finishes, queued calls reject ERR_VIDEOMAE_CLOSED, the model is freed after', async () => {
    const model = await VideoMAEForVideoClassification.fromPretrained(TINY_MODEL);
    model.eval();
    let started!: () => void;
    const forwardStarted = new Promise<void>((resolve) => (started = resolve));
    const watched: ClassifierModel = {
      config: model.config,
      eval: () => model.eval(),
      forward: (inputs) => {
        started();
        return model.forward(inputs);
      },
      dispose: () => model.dispose(),
    };
    const impl = new VideoClassificationPipeline(watched, VideoImageProcessor.fromPretrained(TINY_MODEL, 32), VideoReader);
    const frames: RawFrame[] = Array.from({ length: 8 }, (_, i) => ({
      data: new Uint8Array(32 * 32 * 3).fill(i * 20),
      width: 32,
      height: 32,
    }));
    const calls = [
      impl.classify(video),
      impl.classify(fs.readFileSync(video)),
      impl.classify(frames),
      impl.classify(video, { crops: 3 }),
      impl.classify([video, frames]),
    ];
    await forwardStarted;
    expect(() => impl.dispose()).not.toThrow();
    impl.dispose();
    const results = await outcomes(calls);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'ERR_VIDEOMAE_CLOSED')).toHaveLength(calls.length - 1);
    await expect(impl.classify(video)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_CLOSED' });
    // The deferred dispose ran once the queue drained: the native model is gone.
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => model.numParameters()).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CLOSED' }));
  });
});

describe('one DataLoader, concurrent epochs', () => {
  it('a second epoch while one runs is ERR_VIDEOMAE_BUSY; close() with next() in flight ends the iteration without an error', async () => {
    const dataset = await VideoFolderDataset.load(synthRoot, { split: 'train' });
    const loader = new DataLoader(dataset, {
      batchSize: 1,
      workers: 1,
      prefetch: 1,
      clipSampler: 'random',
      numFrames: 4,
      transforms: [{ type: 'UniformTemporalSubsample', numSamples: 4 }, { type: 'Div255' }],
    });
    const one = loader.epoch(0)[Symbol.asyncIterator]();
    const two = loader.epoch(1)[Symbol.asyncIterator]();
    const batch = await one.next();
    expect(batch.done).toBe(false);
    await expect(two.next()).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_BUSY' });
    // Let the worker finish the prefetched batch, so next() resolves with data while close() is already asked for.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pending = one.next();
    loader.close();
    await expect(pending).resolves.toMatchObject({ done: true });
    loader.close();
  });
});

describe('worker_threads terminated mid-work', () => {
  it('terminating workers mid-decode, mid-decodeClips and mid-classification crashes nothing; the main thread gets the same results', () => {
    const child = path.join(__dirname, 'child', 'terminate-mid-decode.js');
    const lib = path.join(repoRoot, 'dist', 'lib', 'index.js');
    if (!fs.existsSync(lib)) throw new Error('dist/ is missing: run `npm run build:ts` (npm test does)');
    const run = runNode([child, lib, video, TINY_MODEL], { timeoutMs: 50_000 });
    expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    const result = JSON.parse(run.stdout) as {
      before: unknown;
      after: unknown;
      terminated: Array<{ mode: string; exitCode: number; errors: string[] }>;
    };
    expect(result.after).toEqual(result.before);
    expect(result.terminated).toHaveLength(9);
    for (const t of result.terminated)
      expect({ mode: t.mode, exitCode: t.exitCode, errors: t.errors }).toEqual({ mode: t.mode, exitCode: 1, errors: [] });
  });
});
