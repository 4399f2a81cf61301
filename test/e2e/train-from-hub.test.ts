/**
 * The HF guide's steps 1–2 from the command line: `videomae train --data hf://datasets/…/UCF101_subset.tar.gz`
 * downloads the dataset archive into the HF cache (from the local fake hub, through HF_ENDPOINT),
 * extracts it once into the package cache and trains on it; a second run neither downloads nor
 * extracts again. A local archive path works the same way. Children run asynchronously: the fake
 * hub answers from this process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { synthesizeDataset } from '../../lib/data/synth';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { repoRoot, spawnCollect, type NodeRun } from '../helpers/run-node';

jest.setTimeout(240_000);

const cli = path.join(repoRoot, 'bin', 'videomae.js');
const REPO = 'sayakpaul/ucf101-subset';
const FILE = 'UCF101_subset.tar.gz';
/** The package cache moves to a temp folder; libtorch is then named directly (it lives in the real cache). */
const LIBTORCH = JSON.parse(fs.readFileSync(path.join(repoRoot, 'build', 'Release', 'videomae.node.json'), 'utf8')).libtorch
  .builtAgainst as string;

let work: string;
let archive: Buffer;
let hub: FakeHub;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-e2e-hubdata-'));
  // The guide's archive layout: one top folder holding train/, val/, test/.
  await synthesizeDataset({
    output: path.join(work, 'src', 'UCF101_subset'),
    classes: 3,
    train: 3,
    val: 1,
    test: 1,
    seconds: 1.6,
    seed: 5,
  });
  const file = path.join(work, FILE);
  await tar.c({ gzip: true, file, cwd: path.join(work, 'src'), portable: true }, ['UCF101_subset']);
  archive = fs.readFileSync(file);
  hub = await startFakeHub();
  hub.addRepo({ type: 'dataset', id: REPO, files: { [FILE]: archive, 'README.md': '# UCF101 subset\n' } });
});

afterAll(async () => {
  await hub?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function train(data: string, output: string): Promise<NodeRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HF_|HUGGING_FACE_)/.test(k)));
  const args = [cli, 'train', '--data', data, '--config', 'tiny', '--output', output, '--num-train-epochs', '1'];
  args.push('--per-device-train-batch-size', '3', '--no-test');
  return spawnCollect(process.execPath, args, {
    env: { ...env, HF_HOME: path.join(work, 'hf'), HF_ENDPOINT: hub.url, VIDEOMAE_CACHE: path.join(work, 'cache'), LIBTORCH },
  });
}

const archiveGets = () => hub.requests.filter((r) => r.method === 'GET' && r.path.includes(`/resolve/`) && r.path.endsWith(FILE)).length;

it('downloads and extracts the hub archive once, then trains on it', async () => {
  const first = await train(`hf://datasets/${REPO}/${FILE}`, path.join(work, 'out-1'));
  expect(`${first.status} ${first.stderr}`).toMatch(/^0 /);
  expect(first.stderr).toContain('[videomae] extracting');
  expect(archiveGets()).toBe(1);
  const state = JSON.parse(fs.readFileSync(path.join(work, 'out-1', 'trainer_state.json'), 'utf8'));
  expect(state.global_step).toBe(3); // 9 training clips (3 classes × 3), batch 3, one epoch
  const config = JSON.parse(fs.readFileSync(path.join(work, 'out-1', 'config.json'), 'utf8'));
  expect(Object.values(config.id2label).length).toBe(3);

  // The blob sits in the HF cache layout; the extraction in the package cache, once.
  const blobs = path.join(work, 'hf', 'hub', 'datasets--sayakpaul--ucf101-subset', 'blobs');
  expect(fs.readdirSync(blobs)).toHaveLength(1);
  const extracted = fs.readdirSync(path.join(work, 'cache', 'datasets'));
  expect(extracted).toEqual([expect.stringMatching(/^datasets--sayakpaul--ucf101-subset--[0-9a-f]{64}$/)]);

  const second = await train(`hf://datasets/${REPO}/${FILE}`, path.join(work, 'out-2'));
  expect(`${second.status} ${second.stderr}`).toMatch(/^0 /);
  expect(second.stderr).not.toContain('[videomae] extracting');
  expect(archiveGets()).toBe(1);
});

it('trains on a local archive path; a path inside the hub repo that is missing is a clear error', async () => {
  const local = await train(path.join(work, FILE), path.join(work, 'out-local'));
  expect(`${local.status} ${local.stderr}`).toMatch(/^0 /);
  expect(fs.existsSync(path.join(work, 'out-local', 'model.safetensors'))).toBe(true);

  const missing = await train(`hf://datasets/${REPO}/nothing.tar.gz`, path.join(work, 'out-missing'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/nothing\.tar\.gz/);
  expect(fs.existsSync(path.join(work, 'out-missing'))).toBe(false);
});
