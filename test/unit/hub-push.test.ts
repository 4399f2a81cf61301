/**
 * Pushing to the Hugging Face Hub, against the local fake hub (test/helpers/fake-hub.ts plus the
 * upload routes of fake-hub-upload.ts): what a real client would see on the server — the files'
 * bytes, the commits and their messages, where the token travelled — for pushToHub, the Trainer's
 * hubStrategy flows (with the train fakes), failures and retries, and `videomae push`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { addUploadRoutes, repoFile, type FakeUploads, type UploadRouteOptions } from '../helpers/fake-hub-upload';
import { DEFAULT_IGNORE, listFolderFiles, pushToHub } from '../../lib/hub/push';
import { Trainer } from '../../lib/train/trainer';
import { resolveTrainingArguments, trainingArgumentsFromJson, type TrainingArgumentsInput } from '../../lib/train/training-args';
import { classificationMetrics } from '../../lib/metrics/evaluation-report';
import { buildProgram } from '../../lib/cli/main';
import { pushAfterTraining } from '../../lib/cli/commands/push';
import { FakeModel, FakeSource } from './train-fakes';

const TOKEN = 'hf_aliceSecretToken0123456789';
const USER = 'alice';
const ENV_KEYS = ['HF_ENDPOINT', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HF_HOME', 'HF_TOKEN_PATH', 'HF_HUB_OFFLINE'];

let hub: FakeHub;
let uploads: FakeUploads;
let savedEnv: Record<string, string | undefined>;
let stderr: string[];
let stdout: string[];
let spies: jest.SpyInstance[];

function tmpDir(prefix = 'videomae-push-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function startHub(options: UploadRouteOptions = {}): Promise<void> {
  hub = await startFakeHub();
  uploads = addUploadRoutes(hub, options);
  hub.tokens.set(TOKEN, USER);
  process.env.HF_ENDPOINT = hub.url;
}

beforeEach(async () => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.HF_HOME = tmpDir('videomae-hfhome-'); // no token file from the machine running the tests
  stderr = [];
  stdout = [];
  const capture = (stream: NodeJS.WriteStream, into: string[]) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      into.push(String(chunk));
      return true;
    });
  spies = [capture(process.stderr, stderr), capture(process.stdout, stdout)];
  await startHub();
});

afterEach(async () => {
  for (const spy of spies) spy.mockRestore();
  await hub.close();
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

/** Every place the token showed up in what the hub received, other than the Authorization header. */
function tokenLeaks(): string[] {
  const leaks: string[] = [];
  for (const r of hub.requests) {
    if (r.url.includes(TOKEN)) leaks.push(`${r.method} ${r.path}: in the URL`);
    if (r.body.includes(TOKEN)) leaks.push(`${r.method} ${r.path}: in the body`);
    for (const [name, value] of Object.entries(r.headers))
      if (name !== 'authorization' && String(value).includes(TOKEN)) leaks.push(`${r.method} ${r.path}: header ${name}`);
  }
  return leaks;
}

function modelFolder(): string {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'videomae', id2label: { 0: 'a', 1: 'b' } }));
  fs.writeFileSync(path.join(dir, 'model.safetensors'), crypto.randomBytes(300_000));
  fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), '{"do_resize": true}\n');
  fs.writeFileSync(path.join(dir, 'training_args.json'), '{"learning_rate": 5e-05}\n');
  fs.writeFileSync(path.join(dir, 'trainer_state.json'), '{"log_history": []}\n');
  fs.writeFileSync(path.join(dir, 'report.html'), '<html>report</html>');
  fs.mkdirSync(path.join(dir, 'checkpoint-5'));
  fs.writeFileSync(path.join(dir, 'checkpoint-5', 'model.safetensors'), 'old');
  fs.writeFileSync(path.join(dir, '_private.txt'), 'x');
  fs.writeFileSync(path.join(dir, '.hidden'), 'x');
  fs.writeFileSync(path.join(dir, 'config.json.tmp-123'), 'x');
  return dir;
}

function headFiles(repo: string, revision = 'main'): string[] {
  const r = hub.repo('model', repo);
  const commit = r && hub.resolveRevision(r, revision);
  return commit ? [...commit.files.keys()].sort() : [];
}

describe('pushToHub', () => {
  it("creates the repo under the token's user and uploads the folder in one commit, bytes intact, LFS for the weights", async () => {
    const dir = modelFolder();
    const result = await pushToHub({ folder: dir, repo: 'my-model', token: TOKEN, commitMessage: 'first upload' });
    expect(result.repo).toBe('alice/my-model');
    const expected = [
      'config.json',
      'model.safetensors',
      'preprocessor_config.json',
      'report.html',
      'trainer_state.json',
      'training_args.json',
    ];
    expect(result.files).toEqual(expected);
    expect(uploads.commits).toHaveLength(1);
    expect(uploads.commits[0]).toMatchObject({
      repo: 'alice/my-model',
      message: 'first upload',
      paths: expected,
      lfsPaths: ['model.safetensors'],
    });
    expect(result.commit.oid).toBe(uploads.commits[0].oid);
    for (const file of expected) expect(repoFile(hub, 'alice/my-model', file)).toEqual(fs.readFileSync(path.join(dir, file)));
    // The library asked for xet; the fake hub answered basic LFS, and the library followed.
    expect(uploads.batchTransfers[0]).toEqual(expect.arrayContaining(['basic', 'xet']));
    expect(headFiles('alice/my-model')).toEqual(['.gitattributes', ...expected]);
  });

  it('sends the token only in Authorization headers, and never to the LFS storage URL', async () => {
    await pushToHub({ folder: modelFolder(), repo: 'alice/m', token: TOKEN });
    expect(tokenLeaks()).toEqual([]);
    const lfsPuts = hub.requests.filter((r) => r.path.startsWith('/fake-lfs/'));
    expect(lfsPuts.length).toBe(1);
    expect(lfsPuts[0].headers.authorization).toBeUndefined();
    const api = hub.requests.filter((r) => r.path.startsWith('/api/'));
    expect(api.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('accepts an existing repo (409), keeps pushing to it, and creates a named branch', async () => {
    const dir = modelFolder();
    await pushToHub({ folder: dir, repo: 'alice/m', token: TOKEN, private: true });
    expect(hub.repo('model', 'alice/m')?.private).toBe(true);
    fs.writeFileSync(path.join(dir, 'report.html'), '<html>second</html>');
    const second = await pushToHub({ folder: dir, repo: 'alice/m', token: TOKEN, revision: 'experiment', commitMessage: 'on a branch' });
    expect(hub.requests.filter((r) => r.path === '/api/repos/create').length).toBe(2);
    expect(second.revision).toBe('experiment');
    expect(repoFile(hub, 'alice/m', 'report.html', 'experiment')?.toString()).toBe('<html>second</html>');
    expect(repoFile(hub, 'alice/m', 'report.html', 'main')?.toString()).toBe('<html>report</html>');
    // Unchanged weights: the hub already has the LFS object, so only the first push uploaded it.
    expect(hub.requests.filter((r) => r.path.startsWith('/fake-lfs/')).length).toBe(1);
  });

  it('leaves out checkpoint-*, _*, hidden and temporary files by default; pathInRepo and an explicit file list work', async () => {
    const dir = modelFolder();
    expect(listFolderFiles(dir, DEFAULT_IGNORE)).not.toContain('checkpoint-5/model.safetensors');
    const sub = await pushToHub({
      folder: dir,
      repo: 'alice/m',
      token: TOKEN,
      files: ['checkpoint-5/model.safetensors'],
      pathInRepo: 'old',
    });
    expect(sub.files).toEqual(['old/checkpoint-5/model.safetensors']);
    expect(repoFile(hub, 'alice/m', 'old/checkpoint-5/model.safetensors')?.toString()).toBe('old');
  });

  it('takes HF_TOKEN when no token is given, and says how to get one when there is none', async () => {
    const dir = modelFolder();
    await expect(pushToHub({ folder: dir, repo: 'alice/m' })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
      message: expect.stringContaining('videomae login'),
    });
    process.env.HF_TOKEN = TOKEN;
    await expect(pushToHub({ folder: dir, repo: 'alice/m' })).resolves.toMatchObject({ repo: 'alice/m' });
  });

  it("fails with a token-free error: refused token, another user's namespace, a server error, offline mode", async () => {
    const dir = modelFolder();
    const bad = 'hf_notAValidTokenAtAll12345';
    const refused = await pushToHub({ folder: dir, repo: 'alice/m', token: bad }).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    expect((refused as Error).message).not.toContain(bad);
    await expect(pushToHub({ folder: dir, repo: 'bob/m', token: TOKEN })).rejects.toMatchObject({
      message: expect.stringContaining('HTTP 403'),
    });
    hub.fault(/\/commit\/main$/, { status: 500 });
    const failed = await pushToHub({ folder: dir, repo: 'alice/m', token: TOKEN }).catch((e: Error) => e);
    expect(failed).toMatchObject({ code: 'ERR_VIDEOMAE_IO', message: expect.stringContaining('HTTP 500') });
    expect((failed as Error).message).not.toContain(TOKEN);
    expect(fs.readdirSync(dir).sort()).toContain('model.safetensors'); // nothing local is touched
    process.env.HF_HUB_OFFLINE = '1';
    await expect(pushToHub({ folder: dir, repo: 'alice/m', token: TOKEN })).rejects.toThrow(/HF_HUB_OFFLINE/);
  });
});

// ------------------------------------------------------------------ the Trainer

const F = 6;
const C = 3;

function makeTrainer(args: Partial<TrainingArgumentsInput>, options: { writeReport?: boolean } = {}) {
  const outputDir = path.join(tmpDir(), 'run');
  const model = new FakeModel(F, C);
  const trainer = new Trainer({
    model,
    args: {
      outputDir,
      disableTqdm: true,
      learningRate: 0.1,
      maxSteps: 6,
      saveStrategy: 'steps',
      saveSteps: 2,
      evalStrategy: 'steps',
      evalSteps: 2,
      loggingSteps: 1,
      pushToHub: true,
      hubToken: TOKEN,
      hubAlwaysPush: true,
      ...args,
    },
    trainDataset: new FakeSource(10, F, C, 4),
    evalDataset: new FakeSource(9, F, C, 4, { shuffle: false }),
    computeMetrics: classificationMetrics(),
    preprocessorConfig: { do_resize: true, size: { shortest_edge: 8 } },
    handleSignals: false,
    writeReport: options.writeReport ?? false,
  });
  return { trainer, outputDir, model };
}

const ROOT_FILES = ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json', 'training_args.json'];
const CHECKPOINT_FILES = [
  'config.json',
  'model.safetensors',
  'optimizer.safetensors',
  'preprocessor_config.json',
  'rng_state.json',
  'scheduler.json',
  'trainer_state.json',
  'training_args.json',
];

describe('Trainer with pushToHub', () => {
  it('every_save: each save pushes the checkpoint\'s model to the repo root ("Training in progress, step N"), then pushToHub() the final folder', async () => {
    const { trainer, outputDir } = makeTrainer({ hubStrategy: 'every_save' }, { writeReport: true });
    const output = await trainer.train();
    expect(uploads.commits.map((c) => [c.message, c.paths])).toEqual([
      ['Training in progress, step 2', ROOT_FILES],
      ['Training in progress, step 4', ROOT_FILES],
      ['Training in progress, step 6', ROOT_FILES],
    ]);
    expect(uploads.commits.every((c) => c.repo === 'alice/run')).toBe(true);
    expect(output.hub).toMatchObject({ repo: 'alice/run', failed: 0, skippedSteps: [] });
    expect(output.hub?.records.map((r) => [r.step, r.ok, r.pathInRepo])).toEqual([
      [2, true, ''],
      [4, true, ''],
      [6, true, ''],
    ]);
    // The step-4 push carried checkpoint-4's weights (later pushes replaced them on main).
    const step4 = hub.repo('model', 'alice/run')!.commits.get(uploads.commits[1].oid)!;
    expect(step4.files.get('model.safetensors')?.content).toEqual(
      fs.readFileSync(path.join(outputDir, 'checkpoint-4', 'model.safetensors')),
    );

    const final = await trainer.pushToHub();
    expect(final.commit.oid).toBe(uploads.commits[3].oid);
    expect(uploads.commits[3].message).toBe('End of training');
    const finalFiles = [
      'README.md',
      'config.json',
      'model.safetensors',
      'preprocessor_config.json',
      'report.html',
      'trainer_state.json',
      'training_args.json',
    ];
    expect(uploads.commits[3].paths).toEqual(finalFiles);
    for (const file of finalFiles) expect(repoFile(hub, 'alice/run', file)).toEqual(fs.readFileSync(path.join(outputDir, file)));
    expect(fs.readdirSync(outputDir).filter((n) => n.startsWith('.hub-push'))).toEqual([]); // staging cleaned up
    // The token never reached a file, the hub's copy of training_args.json, the report or the log.
    const args = JSON.parse(repoFile(hub, 'alice/run', 'training_args.json')!.toString()) as Record<string, unknown>;
    expect(args.hub_token).toBe('<HUB_TOKEN>');
    for (const file of ['training_args.json', 'report.html', 'README.md', 'checkpoint-6/training_args.json'])
      expect(fs.readFileSync(path.join(outputDir, file), 'utf8')).not.toContain(TOKEN);
    expect(stderr.join('')).not.toContain(TOKEN);
    expect(tokenLeaks()).toEqual([]);
  });

  it('checkpoint: also pushes each checkpoint folder to last-checkpoint/ in a "…, checkpoint" commit', async () => {
    const { trainer, outputDir } = makeTrainer({ hubStrategy: 'checkpoint' });
    await trainer.train();
    const last = CHECKPOINT_FILES.map((f) => `last-checkpoint/${f}`);
    expect(uploads.commits.map((c) => [c.message, c.paths])).toEqual([
      ['Training in progress, step 2', ROOT_FILES],
      ['Training in progress, step 2, checkpoint', last],
      ['Training in progress, step 4', ROOT_FILES],
      ['Training in progress, step 4, checkpoint', last],
      ['Training in progress, step 6', ROOT_FILES],
      ['Training in progress, step 6, checkpoint', last],
    ]);
    for (const file of CHECKPOINT_FILES)
      expect(repoFile(hub, 'alice/run', `last-checkpoint/${file}`)).toEqual(fs.readFileSync(path.join(outputDir, 'checkpoint-6', file)));
    // What resuming from the hub's last-checkpoint needs: its own trainer_state at step 6.
    expect(JSON.parse(repoFile(hub, 'alice/run', 'last-checkpoint/trainer_state.json')!.toString()).global_step).toBe(6);
  });

  it('all_checkpoints: each checkpoint-N/ as it is on disk; epoch saves are "Training in progress, epoch N"', async () => {
    const { trainer, outputDir } = makeTrainer({ hubStrategy: 'all_checkpoints', saveStrategy: 'epoch', evalStrategy: 'epoch' });
    await trainer.train();
    // 3 batches per epoch: saves at steps 3 and 6 (epochs 1 and 2).
    expect(uploads.commits.map((c) => c.message)).toEqual([
      'Training in progress, epoch 1',
      'Training in progress, epoch 1, checkpoint',
      'Training in progress, epoch 2',
      'Training in progress, epoch 2, checkpoint',
    ]);
    expect(uploads.commits[1].paths).toEqual(CHECKPOINT_FILES.map((f) => `checkpoint-3/${f}`));
    expect(uploads.commits[3].paths).toEqual(CHECKPOINT_FILES.map((f) => `checkpoint-6/${f}`));
    expect(repoFile(hub, 'alice/run', 'checkpoint-3/model.safetensors')).toEqual(
      fs.readFileSync(path.join(outputDir, 'checkpoint-3', 'model.safetensors')),
    );
  });

  it('end: nothing is pushed while training; pushToHub() creates the repo and pushes once, to hubModelId on hubRevision', async () => {
    const { trainer } = makeTrainer({ hubStrategy: 'end', hubModelId: 'alice/videomae-run', hubRevision: 'v1', hubPrivateRepo: true });
    const output = await trainer.train();
    expect(uploads.commits).toEqual([]);
    expect(output.hub).toMatchObject({ records: [], failed: 0 });
    await trainer.pushToHub({ commitMessage: 'final model' });
    expect(uploads.commits.map((c) => [c.repo, c.revision, c.message])).toEqual([['alice/videomae-run', 'v1', 'final model']]);
    expect(hub.repo('model', 'alice/videomae-run')?.private).toBe(true);
  });

  it('a failing push is logged without the token, never stops training, and the next save pushes again (failed checkpoints too)', async () => {
    const { trainer, outputDir } = makeTrainer({ hubStrategy: 'all_checkpoints' });
    hub.fault('/api/models/alice/run/commit/main', { status: 500, times: 2 }); // both commits of step 2
    const output = await trainer.train();
    expect(output.globalStep).toBe(6);
    expect(output.interrupted).toBeNull();
    expect(output.hub?.failed).toBe(2);
    expect(output.hub?.records.filter((r) => !r.ok).map((r) => [r.step, r.pathInRepo])).toEqual([
      [2, ''],
      [2, 'checkpoint-2'],
    ]);
    expect(output.hub?.lastError).toMatch(/HTTP 500/);
    // Step 4 pushed the newer model and, in its checkpoint commit, the checkpoint-2 that failed.
    expect(uploads.commits.map((c) => c.message)).toEqual([
      'Training in progress, step 4',
      'Training in progress, step 4, checkpoint',
      'Training in progress, step 6',
      'Training in progress, step 6, checkpoint',
    ]);
    expect(uploads.commits[1].paths).toEqual([
      ...CHECKPOINT_FILES.map((f) => `checkpoint-2/${f}`),
      ...CHECKPOINT_FILES.map((f) => `checkpoint-4/${f}`),
    ]);
    expect(uploads.commits[3].paths).toEqual(CHECKPOINT_FILES.map((f) => `checkpoint-6/${f}`));
    const log = stderr.join('');
    expect(log).toMatch(/hub push of step 2 failed: .*HTTP 500.*the next save pushes again/);
    expect(log).not.toContain(TOKEN);
    // Everything local is there.
    for (const dir of ['checkpoint-2', 'checkpoint-4', 'checkpoint-6'])
      expect(fs.existsSync(path.join(outputDir, dir, 'model.safetensors'))).toBe(true);
    expect(fs.existsSync(path.join(outputDir, 'model.safetensors'))).toBe(true);
  });

  it('the final push reports a failure clearly and keeps the trained model on disk', async () => {
    const { trainer, outputDir } = makeTrainer({ hubStrategy: 'end' });
    await trainer.train();
    hub.fault('/api/models/alice/run/preupload/main', { status: 503 });
    const error = await trainer.pushToHub().catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'VideomaeError', code: 'ERR_VIDEOMAE_IO' });
    expect((error as Error).message).toMatch(
      /pushing the final model failed: .*HTTP 503.*everything stays in .*run.*videomae push --model/,
    );
    expect((error as Error).message).not.toContain(TOKEN);
    for (const file of ['model.safetensors', 'config.json', 'trainer_state.json', 'README.md'])
      expect(fs.existsSync(path.join(outputDir, file))).toBe(true);
    await expect(trainer.pushToHub()).resolves.toMatchObject({ repo: 'alice/run' }); // and a retry works
  });

  it('skips a save while the previous push is still running (HF without hub_always_push); train() waits for it', async () => {
    await hub.close();
    await startHub({ commitDelayMs: 1500 });
    const { trainer } = makeTrainer({ hubStrategy: 'every_save', hubAlwaysPush: false });
    const output = await trainer.train();
    expect(output.hub?.skippedSteps).toEqual([4, 6]);
    expect(uploads.commits.map((c) => c.message)).toEqual(['Training in progress, step 2']); // done before train() returned
    expect(stderr.join('')).toMatch(/step 4 is not pushed/);
  });

  it('without any token, trains anyway and says so', async () => {
    const { trainer, outputDir } = makeTrainer({ hubToken: null });
    const output = await trainer.train();
    expect(output.globalStep).toBe(6);
    expect(output.hub?.failed).toBe(3);
    expect(stderr.join('')).toMatch(/needs a token: set HF_TOKEN, run `videomae login`/);
    expect(fs.existsSync(path.join(outputDir, 'model.safetensors'))).toBe(true);
  });
});

describe('hub TrainingArguments', () => {
  it('has HF defaults, validates with the usual wording, and never writes the token to training_args.json', () => {
    const a = resolveTrainingArguments({ outputDir: 'o' });
    expect(a).toMatchObject({
      pushToHub: false,
      hubModelId: null,
      hubStrategy: 'every_save',
      hubToken: null,
      hubPrivateRepo: null,
      hubAlwaysPush: false,
      hubRevision: null,
    });
    expect(() => resolveTrainingArguments({ outputDir: 'o', hubStrategy: 'sometimes' as never })).toThrow(
      'Expected one of end, every_save, checkpoint, all_checkpoints for hubStrategy but received "sometimes"',
    );
    expect(() => resolveTrainingArguments({ outputDir: 'o', hubModelId: 'a/b/c' })).toThrow(/for hubModelId but received "a\/b\/c"/);
    expect(() => resolveTrainingArguments({ outputDir: 'o', hubToken: 42 as never })).toThrow(/for hubToken but received 42/);
    expect(() => resolveTrainingArguments({ outputDir: 'my run', pushToHub: true })).toThrow(
      'pushToHub requires a hubModelId here: the output folder\'s name "my run" is not a valid hub repository name',
    );
    expect(resolveTrainingArguments({ outputDir: 'my run', pushToHub: true, hubModelId: 'alice/run' }).hubModelId).toBe('alice/run');
    const withToken = resolveTrainingArguments({ outputDir: 'o', pushToHub: true, hubToken: TOKEN });
    const json = JSON.stringify(trainingArgumentsFromJson({ ...JSON.parse(JSON.stringify(withToken)) }));
    expect(json).not.toContain(TOKEN); // read back, the token is gone (it comes from the environment again)
  });

  it('gets train flags: --push-to-hub --hub-strategy --hub-model-id, and no --hub-token', () => {
    const train = buildProgram().commands.find((c) => c.name() === 'train')!;
    const flags = train.options.map((o) => o.long);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--push-to-hub',
        '--hub-strategy',
        '--hub-model-id',
        '--hub-revision',
        '--hub-private-repo',
        '--hub-always-push',
      ]),
    );
    expect(flags).not.toContain('--hub-token');
  });
});

describe('videomae push', () => {
  it('uploads a model folder with a generated model card and prints the commit URL', async () => {
    const dir = modelFolder();
    process.env.HF_TOKEN = TOKEN;
    await buildProgram().parseAsync(['push', '--model', dir, '--repo', 'alice/pushed', '--private', '--message', 'from the cli'], {
      from: 'user',
    });
    expect(uploads.commits.map((c) => [c.repo, c.message])).toEqual([['alice/pushed', 'from the cli']]);
    expect(uploads.commits[0].paths).toContain('README.md');
    expect(repoFile(hub, 'alice/pushed', 'README.md')).toEqual(fs.readFileSync(path.join(dir, 'README.md')));
    expect(repoFile(hub, 'alice/pushed', 'README.md')!.toString()).toMatch(/^---\nlibrary_name: transformers\n/);
    expect(stdout.join('')).toBe(`${hub.url}/alice/pushed/commit/${uploads.commits[0].oid}\n`);
    expect(stderr.join('')).toMatch(/pushed 7 files to .*alice\/pushed/);
    expect(hub.repo('model', 'alice/pushed')?.private).toBe(true);
  });

  it('keeps a README.md written by hand', async () => {
    const dir = modelFolder();
    fs.writeFileSync(path.join(dir, 'README.md'), '# my own card\n');
    await buildProgram().parseAsync(['push', '--model', dir, '--repo', 'alice/own', '--token', TOKEN], { from: 'user' });
    expect(repoFile(hub, 'alice/own', 'README.md')?.toString()).toBe('# my own card\n');
  });

  it('ends `videomae train --push-to-hub`: the card names the base model and its license (from the hub), a failure exits 1', async () => {
    hub.addRoute('GET', /^\/api\/models\/MCG-NJU\/videomae-base\/revision\/HEAD$/, () => ({
      body: { id: 'MCG-NJU/videomae-base', tags: ['transformers', 'license:cc-by-nc-4.0'] },
    }));
    const { trainer, outputDir } = makeTrainer({ hubStrategy: 'end' });
    await trainer.train();
    expect(await pushAfterTraining(trainer, { model: 'MCG-NJU/videomae-base' })).toBe(0);
    const card = repoFile(hub, 'alice/run', 'README.md')!.toString();
    expect(card).toMatch(/^---\nlibrary_name: transformers\nlicense: cc-by-nc-4.0\nbase_model: MCG-NJU\/videomae-base\n/);
    expect(card).toBe(fs.readFileSync(path.join(outputDir, 'README.md'), 'utf8'));
    hub.fault('/api/models/alice/run/commit/main', { status: 500 });
    expect(await pushAfterTraining(trainer, {})).toBe(1);
    expect(stderr.join('')).toMatch(/videomae: pushing the final model failed: .*retry with: videomae push --model/);
  });

  it('refuses a folder that is not a model', async () => {
    await expect(
      buildProgram().parseAsync(['push', '--model', tmpDir(), '--repo', 'alice/x', '--token', TOKEN], { from: 'user' }),
    ).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_CHECKPOINT',
    });
  });
});
