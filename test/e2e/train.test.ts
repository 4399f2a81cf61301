/**
 * The Trainer on the real VideoMAE (libtorch) and the real video DataLoader, on a small synthetic
 * dataset: lr 0 leaves every parameter unchanged, resume reproduces an uninterrupted run's
 * losses, the best checkpoint is restored exactly, and the CLI writes HF's files and stops
 * cleanly on SIGINT.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizeDataset } from '../../lib/data/synth';
import { VideoMAEForVideoClassification } from '../../lib/model/videomae';
import { classificationMetrics } from '../../lib/metrics/evaluation-report';
import { Trainer } from '../../lib/train/trainer';
import type { TrainingArgumentsInput } from '../../lib/train/training-args';
import { presetConfig } from '../../lib/train/model-presets';
import { createVideoLoader, loadFolderSplit, modelFromConfig, TrainableVideoMAE, type LabelledDataset } from '../../lib/train/runtime';
import { repoRoot, runNode } from '../helpers/run-node';

jest.setTimeout(180_000);

let work: string;
let data: string;
let train: LabelledDataset;
let val: LabelledDataset;
const cli = path.join(repoRoot, 'bin', 'videomae.js');

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-e2e-train-'));
  data = path.join(work, 'data');
  await synthesizeDataset({ output: data, classes: 3, train: 4, val: 2, test: 2, seconds: 1.6, seed: 3 });
  train = await loadFolderSplit(data, 'train');
  val = await loadFolderSplit(data, 'val', train.labels);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function tinyModel(): Promise<TrainableVideoMAE> {
  return modelFromConfig(presetConfig('tiny', train.labels).config, { seed: 7, device: 'cpu', dtype: 'float32' });
}

function makeTrainer(
  model: TrainableVideoMAE,
  args: Partial<TrainingArgumentsInput>,
  extra: { computeMetrics?: (p: never) => Record<string, number> } = {},
) {
  const { preprocessor } = presetConfig('tiny', train.labels);
  return new Trainer({
    model,
    args: {
      outputDir: fs.mkdtempSync(path.join(work, 'out-')),
      disableTqdm: true,
      perDeviceTrainBatchSize: 4,
      perDeviceEvalBatchSize: 4,
      saveStrategy: 'no',
      learningRate: 1e-3,
      ...args,
    },
    trainDataset: train,
    evalDataset: val,
    computeMetrics: (extra.computeMetrics as never) ?? classificationMetrics(),
    preprocessorConfig: preprocessor,
    createLoader: (d, o) => createVideoLoader(d as LabelledDataset, { ...o, numFrames: 8, preprocessor }),
    handleSignals: false,
    writeReport: false,
  });
}

function allParameters(model: TrainableVideoMAE): Map<string, Float32Array> {
  return new Map(model.model.namedParameters().map((p) => [p.name, Float32Array.from(model.model.getParameter(p.name).data)]));
}

function fixedInput(): { data: Float32Array; shape: number[] } {
  const shape = [1, 8, 3, 112, 112];
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)), shape };
}

describe('Trainer with the real model and data', () => {
  it('a learning rate of 0 leaves every parameter unchanged, and training with lr > 0 changes them', async () => {
    const model = await tinyModel();
    const before = allParameters(model);
    const trainer = makeTrainer(model, { maxSteps: 2, learningRate: 0 });
    await trainer.train();
    await trainer.close();
    const after = allParameters(model);
    expect(after.size).toBe(before.size);
    for (const [name, values] of before)
      expect({ name, same: Buffer.compare(Buffer.from(values.buffer), Buffer.from(after.get(name)!.buffer)) === 0 }).toEqual({
        name,
        same: true,
      });
    const moved = makeTrainer(model, { maxSteps: 1, learningRate: 1e-3, warmupSteps: 0 });
    await moved.train();
    await moved.close();
    const changed = [...allParameters(model)].filter(
      ([name, v]) => Buffer.compare(Buffer.from(v.buffer), Buffer.from(before.get(name)!.buffer)) !== 0,
    );
    expect(changed.length).toBeGreaterThan(before.size / 2);
    model.dispose();
  });

  it('resuming from a mid-epoch checkpoint gives the same losses as an uninterrupted run (CPU)', async () => {
    const args = {
      maxSteps: 5,
      loggingSteps: 1,
      gradientAccumulationSteps: 2,
      perDeviceTrainBatchSize: 2,
      saveStrategy: 'steps' as const,
      saveSteps: 100,
    };
    const full = makeTrainer(await tinyModel(), args);
    await full.train();
    await full.close();
    const losses = (t: Trainer) =>
      t.state.logHistory.filter((e) => e.loss !== undefined).map((e) => [e.step, e.loss, e.grad_norm, e.learning_rate]);

    const firstModel = await tinyModel();
    const first = makeTrainer(firstModel, args);
    first.addCallback({ onStepEnd: (_a, s) => void (s.globalStep === 2 && first.stop()) });
    const stopped = await first.train();
    await first.close();
    expect(stopped.globalStep).toBe(2);
    firstModel.dispose();

    const second = makeTrainer(await tinyModel(), {
      ...args,
      outputDir: first.args.outputDir,
      resumeFromCheckpoint: stopped.checkpoint as string,
    });
    await second.train();
    await second.close();
    expect(losses(second)).toEqual(losses(full));
  });

  it('loads every parameter of the best checkpoint at the end: the saved model reproduces its logits exactly', async () => {
    const model = await tinyModel();
    let evaluations = 0;
    const trainer = makeTrainer(
      model,
      {
        numTrainEpochs: 3,
        evalStrategy: 'epoch',
        saveStrategy: 'epoch',
        loadBestModelAtEnd: true,
        metricForBestModel: 'score',
        greaterIsBetter: true,
        learningRate: 5e-3,
        warmupSteps: 0,
      },
      // The first evaluation scores best, so the best checkpoint is not the last one.
      { computeMetrics: () => ({ score: -evaluations++ }) },
    );
    await trainer.train();
    await trainer.close();
    const out = trainer.args.outputDir;
    expect(trainer.state.bestModelCheckpoint).toBe(path.join(out, 'checkpoint-3'));
    const input = fixedInput();
    const logitsOf = async (dir: string) => {
      const m = await VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu' });
      m.eval();
      const out = Float32Array.from((await m.forward({ pixelValues: input })).logits.data);
      m.dispose();
      return out;
    };
    const best = await logitsOf(path.join(out, 'checkpoint-3'));
    const last = await logitsOf(path.join(out, 'checkpoint-9'));
    model.eval();
    const live = Float32Array.from((await model.forward({ pixelValues: input })).logits.data);
    expect(Array.from(await logitsOf(out))).toEqual(Array.from(best));
    expect(Array.from(live)).toEqual(Array.from(best));
    expect(Array.from(last)).not.toEqual(Array.from(best));
    model.dispose();
  });
});

describe('videomae train / evaluate (CLI)', () => {
  it('trains from a preset, writes HF files, a report and test results; evaluate --json reads the model back', () => {
    const out = path.join(work, 'cli-out');
    const run = runNode(
      [
        cli,
        'train',
        '--data',
        data,
        '--config',
        'tiny',
        '--output',
        out,
        '--num-train-epochs',
        '2',
        '--per-device-train-batch-size',
        '4',
        '--logging-steps',
        '1',
      ],
      { timeoutMs: 120_000 },
    );
    expect(run.stderr).toContain('test accuracy');
    expect(run.status).toBe(0);
    for (const f of [
      'config.json',
      'model.safetensors',
      'preprocessor_config.json',
      'trainer_state.json',
      'training_args.json',
      'report.html',
      'test_results.json',
    ]) {
      expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
    const state = JSON.parse(fs.readFileSync(path.join(out, 'trainer_state.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ global_step: 6, max_steps: 6, logging_steps: 1 });
    expect(['checkpoint-3', 'checkpoint-6']).toContain(path.basename(state.best_model_checkpoint as string));
    const logLines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logLines.filter((l) => l.event === 'log' && l.loss !== undefined)).toHaveLength(6);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    for (const label of train.labels) expect(html).toContain(label);

    const evaluated = runNode([cli, 'evaluate', '--data', data, '--model', out, '--split', 'test', '--json'], { timeoutMs: 60_000 });
    expect(evaluated.status).toBe(0);
    const result = JSON.parse(evaluated.stdout) as { metrics: Record<string, number>; classes: string[]; video: { numSamples: number } };
    expect(result.classes).toEqual(train.labels);
    expect(result.video.numSamples).toBe(6);
    const testResults = JSON.parse(fs.readFileSync(path.join(out, 'test_results.json'), 'utf8')) as Record<string, number>;
    expect(result.metrics.test_accuracy).toBe(testResults.test_accuracy);
    expect(result.metrics.test_loss).toBeCloseTo(testResults.test_loss, 6);
  });

  it('SIGINT stops after the current step, saves a checkpoint and exits 130; --resume continues', async () => {
    const out = path.join(work, 'cli-sigint');
    const args = [
      cli,
      'train',
      '--data',
      data,
      '--config',
      'tiny',
      '--output',
      out,
      '--max-steps',
      '400',
      '--per-device-train-batch-size',
      '2',
      '--logging-steps',
      '1',
      '--no-test',
    ];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      if (!sent && d.toString().includes('"step":2')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('SIGINT received');
    expect(code).toBe(130);
    // The interrupted step's checkpoint is the newest one; an epoch-end save may precede it when the
    // signal lands after an epoch boundary (a loaded machine delays the parent's read of "step":2).
    const steps = fs
      .readdirSync(out)
      .filter((n) => /^checkpoint-\d+$/.test(n))
      .map((n) => Number(n.split('-')[1]));
    expect(steps.length).toBeGreaterThanOrEqual(1);
    const step = Math.max(...steps);
    expect(stderr).toContain(`checkpoint-${step}`);
    expect(step).toBeGreaterThanOrEqual(2);
    expect(step).toBeLessThan(400);
    const resumed = runNode(
      [
        ...args.slice(0, 8),
        '--max-steps',
        String(step + 2),
        '--per-device-train-batch-size',
        '2',
        '--logging-steps',
        '1',
        '--no-test',
        '--resume',
      ],
      {
        timeoutMs: 120_000,
      },
    );
    expect(resumed.status).toBe(0);
    const resumedSteps = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>)
      .filter((l) => l.loss !== undefined)
      .map((l) => l.step);
    expect(resumedSteps).toEqual([step + 1, step + 2]);
  });
});
