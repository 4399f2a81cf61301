import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, runNode } from '../helpers/run-node';

// The examples run as a user would run them: `require('videomae')` resolves to this package.
describe('examples/', () => {
  let work: string;
  let nodePath: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-examples-'));
    nodePath = path.join(work, 'node_modules');
    fs.mkdirSync(nodePath);
    fs.symlinkSync(repoRoot, path.join(nodePath, 'videomae'));
  });

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('fine-tune-and-classify.js trains, evaluates, saves and classifies', () => {
    const run = runNode([path.join(repoRoot, 'examples', 'fine-tune-and-classify.js'), path.join(work, 'run')], {
      env: { NODE_PATH: nodePath },
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [evalLine, predictionLine] = run.stdout.trim().split('\n');
    expect(evalLine).toMatch(/^eval accuracy [0-9.]+, loss [0-9.]+$/);
    const prediction = JSON.parse(predictionLine!);
    expect(prediction.predictions).toHaveLength(3);
    const scores = prediction.predictions.map((p: { score: number }) => p.score);
    expect(scores[0]).toBeGreaterThanOrEqual(scores[1]);
    expect(scores.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    expect(fs.existsSync(path.join(work, 'run', 'model', 'model.safetensors'))).toBe(true);
    expect(fs.existsSync(path.join(work, 'run', 'model', 'config.json'))).toBe(true);
  }, 120_000);

  it('decode-clip.js decodes a normalised 16-frame CTHW clip', () => {
    const video = path.join(work, 'run', 'data', 'test');
    const file = path.join(video, fs.readdirSync(video)[0]!, fs.readdirSync(path.join(video, fs.readdirSync(video)[0]!))[0]!);
    const run = runNode([path.join(repoRoot, 'examples', 'decode-clip.js'), file], { env: { NODE_PATH: nodePath } });
    expect(run.status).toBe(0);
    const [metadataLine, clipLine] = run.stdout.trim().split('\n');
    expect(JSON.parse(metadataLine!)).toMatchObject({ width: 64, height: 64, fps: 25 });
    expect(JSON.parse(clipLine!).shape).toEqual([3, 16, 224, 224]);
  });
});
