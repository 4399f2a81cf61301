/**
 * `videomae pretrain` end to end on a small synthetic set (real CLI processes): it learns from
 * every video under --data whatever the layout, evaluates the reconstruction loss on --eval-data,
 * writes a transformers VideoMAEForPreTraining folder, checkpoints and a report with
 * reconstruction pictures; SIGINT + --resume ends with the uninterrupted run's weights; and
 * `videomae train --model <it>` fine-tunes it, reporting the decoder unused and the classifier new.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizeDataset } from '../../lib/data/synth';
import { repoRoot, spawnCollect } from '../helpers/run-node';
import { weights } from '../helpers/model-weights';
import { UnlabelledVideoDataset } from '../../lib/data/unlabelled-dataset';
import { VideoMAEForPreTraining, parseConfig } from '../../lib/model';
import { Trainer } from '../../lib/train/trainer';
import { preTrainingPresetConfig } from '../../lib/train/model-presets';

jest.setTimeout(240_000);

const cli = path.join(repoRoot, 'bin', 'videomae.js');
let work: string;
let data: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-e2e-pretrain-'));
  data = path.join(work, 'data');
  await synthesizeDataset({ output: data, classes: 3, train: 4, val: 2, test: 2, seconds: 1.6, seed: 3 });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const COMMON = ['--config', 'tiny', '--per-device-train-batch-size', '4', '--seed', '3', '--mask-ratio', '0.75'];
const run = (args: string[]) =>
  spawnCollect(process.execPath, [cli, ...args], { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeoutMs: 180_000 });
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('videomae pretrain', () => {
  const out = () => path.join(work, 'pretrained');

  it('pre-trains on every video of a folder, evaluates on held-out videos, and writes an HF pre-training folder with a report', async () => {
    const result = await run([
      'pretrain',
      '--data',
      path.join(data, 'train'),
      '--eval-data',
      path.join(data, 'val'),
      '--output',
      out(),
      ...COMMON,
      '--num-train-epochs',
      '2',
      '--disable-tqdm',
      '--figures',
      '2',
    ]);
    expect(result.stderr).toContain('pre-trained model saved to');
    expect(result.status).toBe(0);
    expect(readJson(path.join(out(), 'config.json'))).toMatchObject({
      architectures: ['VideoMAEForPreTraining'],
      norm_pix_loss: true,
      use_mean_pooling: false,
    });
    const keys = Object.keys(await weights(out()));
    for (const key of ['mask_token', 'encoder_to_decoder.weight', 'decoder.head.weight', 'videomae.layernorm.weight'])
      expect(keys).toContain(key);
    // 12 train videos / batch 4 = 3 steps per epoch; an eval (6 val videos) and a checkpoint per epoch.
    const state = readJson(path.join(out(), 'trainer_state.json')) as { global_step: number; log_history: Array<Record<string, number>> };
    expect(state.global_step).toBe(6);
    const evals = state.log_history.filter((e) => e.eval_loss !== undefined);
    expect(evals.map((e) => e.step)).toEqual([3, 6]);
    for (const e of evals) expect(e.eval_loss).toBeGreaterThan(0);
    expect(
      fs
        .readdirSync(out())
        .filter((n) => n.startsWith('checkpoint-'))
        .sort(),
    ).toEqual(['checkpoint-3', 'checkpoint-6']);
    expect(readJson(path.join(out(), 'training_args.json'))).toMatchObject({
      weight_decay: 0.05,
      adam_beta2: 0.95,
      lr_scheduler_type: 'cosine',
    });
    // The report: loss curves and 2 clips × (original, masked, reconstruction) × 4 temporal slots.
    const html = fs.readFileSync(path.join(out(), 'report.html'), 'utf8');
    expect(html).toContain('Reconstructions');
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(24);
    expect(fs.readdirSync(path.join(out(), 'reconstructions'))).toHaveLength(24);
  });

  it('any layout: class folders, splits and loose files are all just videos', async () => {
    const loose = path.join(work, 'loose');
    fs.mkdirSync(path.join(loose, 'deeper', 'still'), { recursive: true });
    const firstClass = fs.readdirSync(path.join(data, 'train')).sort()[0]!;
    const files = fs.readdirSync(path.join(data, 'train', firstClass)).sort();
    fs.copyFileSync(path.join(data, 'train', firstClass, files[0]!), path.join(loose, files[0]!));
    fs.copyFileSync(path.join(data, 'train', firstClass, files[1]!), path.join(loose, 'deeper', 'still', files[1]!));
    fs.writeFileSync(path.join(loose, 'notes.txt'), 'not a video');
    const result = await run([
      'pretrain',
      '--data',
      loose,
      '--output',
      path.join(work, 'loose-out'),
      ...COMMON,
      '--max-steps',
      '1',
      '--disable-tqdm',
      '--figures',
      '0',
    ]);
    expect(result.status).toBe(0);
    expect(readJson(path.join(work, 'loose-out', 'trainer_state.json'))).toMatchObject({ global_step: 1 });
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    const refused = await run(['pretrain', '--data', empty, '--output', path.join(work, 'empty-out'), ...COMMON]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/holds no video files.*ERR_VIDEOMAE_DATASET/);
    const badRatio = await run(['pretrain', '--data', loose, '--output', path.join(work, 'bad-out'), ...COMMON, '--mask-ratio', '1.5']);
    expect(badRatio.stderr).toContain('ERR_VIDEOMAE_INVALID_ARG');
  });

  it('SIGINT saves a checkpoint; --resume ends with the weights of the uninterrupted run', async () => {
    const args = (dir: string) => [
      'pretrain',
      '--data',
      path.join(data, 'train'),
      '--output',
      dir,
      ...COMMON,
      '--max-steps',
      '8',
      '--logging-steps',
      '1',
      '--save-strategy',
      'no',
    ];
    const full = path.join(work, 'full');
    expect((await run([...args(full), '--disable-tqdm'])).status).toBe(0);
    const cut = path.join(work, 'cut');
    const child = spawn(process.execPath, [cli, ...args(cut)], {
      cwd: repoRoot,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      if (!sent && d.toString().includes('"step":2')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(fs.readdirSync(cut).filter((n) => n.startsWith('checkpoint-'))).toHaveLength(1);
    const resumed = await run([...args(cut), '--resume', '--disable-tqdm']);
    expect(resumed.status).toBe(0);
    const [a, b] = [await weights(full), await weights(cut)];
    for (const key of Object.keys(a))
      expect({ key, equal: Buffer.compare(Buffer.from(a[key]!.buffer), Buffer.from(b[key]!.buffer)) === 0 }).toEqual({ key, equal: true });
  });

  it('videomae train --model <pre-trained> fine-tunes it: the decoder is reported unused, the classifier new', async () => {
    const result = await run([
      'train',
      '--data',
      data,
      '--model',
      out(),
      '--output',
      path.join(work, 'finetuned'),
      '--num-train-epochs',
      '1',
      '--disable-tqdm',
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/were not used \(e\.g\. a pre-training decoder\): encoder_to_decoder\.weight, mask_token, decoder\./);
    expect(result.stderr).toMatch(/newly initialised; train them on this task: classifier\.weight, classifier\.bias/);
    expect(readJson(path.join(work, 'finetuned', 'config.json'))).toMatchObject({
      architectures: ['VideoMAEForVideoClassification'],
      use_mean_pooling: false,
    });
  });

  it('new Trainer({ model: VideoMAEForPreTraining, … }) takes the model and unlabelled datasets directly, as HF’s Trainer takes a model', async () => {
    const model = await VideoMAEForPreTraining.fromConfig(parseConfig(preTrainingPresetConfig('tiny').config), { seed: 1, device: 'cpu' });
    const train = await UnlabelledVideoDataset.load(path.join(data, 'train'));
    const evalSet = await UnlabelledVideoDataset.load(path.join(data, 'val'));
    const trainer = new Trainer({
      model,
      args: {
        outputDir: path.join(work, 'library'),
        maxSteps: 2,
        perDeviceTrainBatchSize: 4,
        evalStrategy: 'steps',
        evalSteps: 2,
        saveStrategy: 'no',
        disableTqdm: true,
      },
      trainDataset: train,
      evalDataset: evalSet,
      handleSignals: false,
      writeReport: false,
    });
    try {
      const result = await trainer.train();
      expect(result.globalStep).toBe(2);
      const evals = trainer.state.logHistory.filter((e) => e.eval_loss !== undefined);
      expect(evals).toHaveLength(1);
      expect(evals[0]!.eval_loss).toBeGreaterThan(0);
    } finally {
      await trainer.close();
      model.dispose();
    }
  });
});
