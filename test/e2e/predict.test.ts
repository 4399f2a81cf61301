/**
 * `videomae predict` as a real child process (bin/videomae.js → dist/): JSON and text output,
 * model resolution through a Hugging Face cache folder, and one-line errors with exit code 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from '../../lib/pipeline';
import { runNode, repoRoot } from '../helpers/run-node';
import { TINY_MODEL, makeVideo, tempDir } from '../native/pipeline-helpers';

const cli = path.join(repoRoot, 'bin', 'videomae.js');
let dir: string;
let videoA: string;
let videoB: string;

beforeAll(() => {
  dir = tempDir('videomae-predict-');
  videoA = makeVideo(path.join(dir, 'a.mp4'), { width: 48, height: 36, frames: 30 });
  videoB = makeVideo(path.join(dir, 'b.mp4'), { width: 32, height: 48, frames: 12, pattern: 'testsrc' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function predict(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runNode([cli, 'predict', ...args], { env, timeoutMs: 120_000 });
}

describe('videomae predict', () => {
  it('prints [{ file, predictions: [{ label, score }] }] with --json, equal to the library pipeline', async () => {
    const run = predict([videoA, videoB, '--model', TINY_MODEL, '--top-k', '3', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as Array<{ file: string; predictions: Array<{ label: string; score: number }> }>;
    expect(out.map((r) => r.file)).toEqual([videoA, videoB]);
    const classifier = await pipeline('video-classification', { model: TINY_MODEL });
    try {
      for (const [i, file] of [videoA, videoB].entries()) {
        const expected = await classifier(file, { topK: 3 });
        expect(out[i].predictions.map((p) => p.label)).toEqual(expected.map((p) => p.label));
        out[i].predictions.forEach((p, k) => expect(p.score).toBeCloseTo(expected[k].score, 5));
      }
    } finally {
      classifier.dispose();
    }
  }, 120_000);

  it('prints the file and one "score  label" line per label as text (default top 5)', () => {
    const run = predict([videoA, '--model', TINY_MODEL]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(videoA);
    expect(lines.slice(1)).toHaveLength(5);
    for (const line of lines.slice(1))
      expect(line).toMatch(/^ {2}[01]\.\d{4} {2}(ApplyEyeMakeup|Archery|BabyCrawling|BalanceBeam|BandMarching)$/);
  }, 60_000);

  it('finds a hub id in the Hugging Face cache named by HF_HUB_CACHE, offline', () => {
    const commit = 'c0ffee0000000000000000000000000000000001';
    const repo = path.join(dir, 'hub', 'models--test-org--videomae-tiny');
    const snapshot = path.join(repo, 'snapshots', commit);
    fs.mkdirSync(snapshot, { recursive: true });
    fs.mkdirSync(path.join(repo, 'refs'));
    fs.writeFileSync(path.join(repo, 'refs', 'main'), commit);
    for (const file of ['config.json', 'model.safetensors', 'preprocessor_config.json'])
      fs.copyFileSync(path.join(TINY_MODEL, file), path.join(snapshot, file));
    const run = predict([videoA, '--model', 'test-org/videomae-tiny', '--json', '--top-k', '1'], {
      HF_HUB_CACHE: path.join(dir, 'hub'),
      HF_HUB_OFFLINE: '1',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)[0].predictions).toHaveLength(1);
  }, 60_000);

  it('fails with one line and exit code 1 for a missing video, a folder that is no model, or an uncached hub id', () => {
    const missing = predict([path.join(dir, 'nope.mp4'), '--model', TINY_MODEL]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`videomae: ${path.join(dir, 'nope.mp4')}: no such file [ERR_VIDEOMAE_IO]\n`);
    const notModel = predict([videoA, '--model', dir]);
    expect(notModel.status).toBe(1);
    expect(notModel.stderr).toBe(
      `videomae: model ${dir}: ${dir} has no config.json (not a Hugging Face model folder) [ERR_VIDEOMAE_CHECKPOINT]\n`,
    );
    const uncached = predict([videoA, '--model', 'nobody/nothing'], { HF_HUB_CACHE: path.join(dir, 'empty-hub'), HF_HUB_OFFLINE: '1' });
    expect(uncached.status).toBe(1);
    expect(uncached.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(uncached.stderr).toMatch(
      /^videomae: model nobody\/nothing: neither a folder nor in the Hugging Face cache .*downloading is off \[ERR_VIDEOMAE_IO\]\n$/,
    );
  }, 60_000);

  it('rejects a bad --top-k and a missing --model before doing any work', () => {
    const badK = predict([videoA, '--model', TINY_MODEL, '--top-k', '0']);
    expect(badK.status).not.toBe(0);
    expect(badK.stderr).toContain("option '-k, --top-k <k>' argument '0' is invalid. expected a positive integer");
    const noModel = predict([videoA]);
    expect(noModel.status).not.toBe(0);
    expect(noModel.stderr).toContain("required option '-m, --model <dir>' not specified");
  });

  it('a corrupt file fails with a decode error naming it', () => {
    const corrupt = path.join(dir, 'corrupt.mp4');
    fs.writeFileSync(corrupt, Buffer.alloc(4096, 7));
    const run = predict([corrupt, '--model', TINY_MODEL]);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(corrupt);
    expect(run.stderr).toMatch(/\[ERR_VIDEOMAE_(DECODE|UNSUPPORTED)\]\n$/);
  }, 60_000);
});
