/**
 * sampling: 'hf' against HF's own VideoClassificationPipeline (PyAV decode + VideoMAEImageProcessorPil
 * + VideoMAEForVideoClassification, tools/reference/hf_pipeline.py) on generated videos and the
 * tiny checkpoint: every label's score within 0.01. Needs the reference Python; skipped visibly without.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline, type VideoClassifier } from '../../lib/pipeline';
import { TINY_MODEL, makeVideo, referencePython, tempDir } from './pipeline-helpers';

type Result = Array<{ label: string; score: number }>;
const python = referencePython();
const live = python ? describe : describe.skip;
if (!python) console.warn('SKIPPED HF pipeline parity: no reference Python (run scripts/python-env.sh or set VIDEOMAE_PYTHON)');

const RATES = [1, 2, 4];

live('sampling "hf" matches HF VideoClassificationPipeline within 0.01 per score', () => {
  let dir: string;
  let videos: string[];
  let reference: { path: string; results: Record<string, Result[]>; frames: number[] };
  let classifier: VideoClassifier;

  beforeAll(async () => {
    dir = tempDir('videomae-hf-parity-');
    videos = [
      makeVideo(path.join(dir, 'landscape.mp4'), { width: 48, height: 36, frames: 30 }),
      makeVideo(path.join(dir, 'portrait.mp4'), { width: 32, height: 48, frames: 20, pattern: 'testsrc' }),
      makeVideo(path.join(dir, 'wide.mp4'), { width: 80, height: 36, frames: 24, pattern: 'rgbtestsrc' }),
    ];
    const out = path.join(dir, 'hf.json');
    execFileSync(
      python!,
      [path.join(__dirname, '../../tools/reference/hf_pipeline.py'), TINY_MODEL, out, ...videos, '--rates', RATES.join(',')],
      { stdio: 'pipe' },
    );
    reference = JSON.parse(fs.readFileSync(out, 'utf8'));
    classifier = await pipeline('video-classification', { model: TINY_MODEL });
  }, 120_000);

  afterAll(() => {
    classifier?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ran HF through PyAV + the PIL image processor', () => {
    expect(reference.path).toBe('pyav+image_processor');
  });

  it.each(RATES.flatMap((rate) => [0, 1, 2].map((v) => [rate, v] as const)))('frame_sampling_rate %i, video %i', async (rate, v) => {
    const ours = (await classifier(videos[v], { sampling: 'hf', frameSamplingRate: rate })) as Result;
    const theirs = reference.results[String(rate)][v];
    expect(ours.map((p) => p.label).sort()).toEqual(theirs.map((p) => p.label).sort());
    const maxDiff = Math.max(...theirs.map((t) => Math.abs(t.score - ours.find((o) => o.label === t.label)!.score)));
    expect(maxDiff).toBeLessThanOrEqual(0.01);
    // The ranking agrees wherever HF's scores are not within the tolerance of each other.
    theirs.forEach((t, i) => {
      if (i > 0 && theirs[i - 1].score - t.score > 0.02)
        expect(ours.findIndex((o) => o.label === t.label)).toBeGreaterThan(ours.findIndex((o) => o.label === theirs[i - 1].label));
    });
    (globalThis as { __hfParityMax?: number }).__hfParityMax = Math.max(
      (globalThis as { __hfParityMax?: number }).__hfParityMax ?? 0,
      maxDiff,
    );
  });

  it('reports the largest score difference seen', () => {
    const max = (globalThis as { __hfParityMax?: number }).__hfParityMax ?? NaN;
    console.log(`HF parity: max |score difference| over ${RATES.length * 3} cases = ${max.toExponential(2)}`);
    expect(max).toBeLessThanOrEqual(0.01);
  });
});
