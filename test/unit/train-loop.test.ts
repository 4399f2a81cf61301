import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Trainer } from '../../lib/train/trainer';
import type { TrainingArgumentsInput } from '../../lib/train/training-args';
import { classificationMetrics } from '../../lib/metrics/evaluation-report';
import { FakeModel, FakeSource } from './train-fakes';

const F = 6;
const C = 3;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-train-'));
}

function makeTrainer(args: Partial<TrainingArgumentsInput>, opts: { model?: FakeModel; train?: FakeSource; evalSource?: FakeSource } = {}) {
  const model = opts.model ?? new FakeModel(F, C);
  const train = opts.train ?? new FakeSource(10, F, C, 4);
  const trainer = new Trainer({
    model,
    args: { outputDir: tmpDir(), disableTqdm: true, saveStrategy: 'no', learningRate: 0.1, ...args },
    trainDataset: train,
    evalDataset: opts.evalSource ?? new FakeSource(9, F, C, 4, { shuffle: false }),
    computeMetrics: classificationMetrics(),
    handleSignals: false,
    writeReport: false,
  });
  return { model, train, trainer };
}

describe('Trainer loop', () => {
  it('logs the lr each update used (0 first with warmup), the update loss and the pre-clip grad norm', async () => {
    const { model, trainer } = makeTrainer({ maxSteps: 6, warmupSteps: 0.1, loggingSteps: 1, learningRate: 5e-5 });
    await trainer.train();
    const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
    expect(logs.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    [0, 5e-5, 4e-5, 3e-5, 2e-5, 1e-5].forEach((lr, i) => expect(logs[i].learning_rate).toBeCloseTo(lr, 15));
    expect(model.steps.map((s) => s.lr)).toEqual(logs.map((e) => e.learning_rate));
    logs.forEach((e, i) => {
      expect(e.loss).toBe(model.steps[i].loss);
      expect(e.grad_norm).toBe(model.steps[i].gradNorm);
    });
  });

  it('computes HF step arithmetic: 3 batches/epoch, GA 2 → 2 updates/epoch, epoch fractions 2/3 and 1', async () => {
    const { model, trainer } = makeTrainer({ numTrainEpochs: 2, gradientAccumulationSteps: 2, loggingSteps: 1 });
    await trainer.train();
    expect(trainer.state.maxSteps).toBe(4);
    expect(trainer.state.globalStep).toBe(4);
    const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
    expect(logs.map((e) => e.epoch)).toEqual([2 / 3, 1, 1 + 2 / 3, 2]);
    // batches of 4, 4 | 2: each micro-batch weighted by its share of the update's labels.
    expect(model.steps.slice(0, 3).map((s) => [s.batch, s.lossScale, s.step])).toEqual([
      [4, 0.5, false],
      [4, 0.5, true],
      [2, 1, true],
    ]);
    expect(logs[0].loss).toBeCloseTo(0.5 * model.steps[0].loss + 0.5 * model.steps[1].loss, 15);
  });

  it('accumulating two micro-batches of 4 equals one batch of 8 (same samples)', async () => {
    const a = makeTrainer({ maxSteps: 3, gradientAccumulationSteps: 2 }, { train: new FakeSource(24, F, C, 4) });
    const b = makeTrainer({ maxSteps: 3 }, { train: new FakeSource(24, F, C, 8) });
    await a.trainer.train();
    await b.trainer.train();
    a.model.params.forEach((p, i) => expect(p).toBeCloseTo(b.model.params[i], 12));
    expect(a.model.params).not.toEqual(new FakeModel(F, C).params);
  });

  it('stops at maxSteps mid-epoch and still runs the epoch-end evaluation', async () => {
    const { trainer } = makeTrainer({ maxSteps: 4, evalStrategy: 'epoch', loggingSteps: 100 });
    await trainer.train();
    const evals = trainer.state.logHistory.filter((e) => e.eval_loss !== undefined);
    expect(evals.map((e) => e.step)).toEqual([3, 4]);
    expect(trainer.state.epoch).toBeCloseTo(1 + 1 / 3, 15);
  });

  it('a learning rate of 0 leaves every parameter unchanged', async () => {
    const { model, trainer } = makeTrainer({ maxSteps: 5, learningRate: 0, weightDecay: 0.1 });
    const before = Float64Array.from(model.params);
    await trainer.train();
    expect(model.steps.length).toBe(5);
    expect(model.params).toEqual(before);
  });

  it('the loss falls', async () => {
    const { trainer } = makeTrainer({ numTrainEpochs: 20, loggingSteps: 3, learningRate: 0.05 }, { train: new FakeSource(30, F, C, 5) });
    await trainer.train();
    const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
  });

  it('evaluate() returns eval_* keys with eval_loss as the per-sample mean over uneven batches', async () => {
    const evalSource = new FakeSource(9, F, C, 4, { shuffle: false });
    const { model, trainer } = makeTrainer({}, { evalSource });
    const metrics = await trainer.evaluate();
    // Per-sample mean over 4 + 4 + 1 samples, computed independently from the whole set at once.
    const all = await model.forward({ pixelValues: { data: evalSource.features, shape: [9, F] }, labels: evalSource.labels });
    expect(metrics.eval_loss).toBeCloseTo(all.loss as number, 12);
    expect(Object.keys(metrics)).toEqual(
      expect.arrayContaining([
        'eval_loss',
        'eval_accuracy',
        'eval_macro_f1',
        'eval_runtime',
        'eval_samples_per_second',
        'eval_steps_per_second',
        'epoch',
      ]),
    );
    const preds = Array.from({ length: 9 }, (_, i) => {
      const row = Array.from(all.logits.data).slice(i * C, i * C + C);
      return row.indexOf(Math.max(...row));
    });
    expect(metrics.eval_accuracy).toBeCloseTo(preds.filter((p, i) => p === evalSource.labels[i]).length / 9, 12);
    const test = await trainer.predict(evalSource);
    expect(test.metrics.test_accuracy).toBe(metrics.eval_accuracy);
    expect(test.predictions.length).toBe(9 * C);
  });

  it('early stopping ends training after `patience` evaluations without improvement', async () => {
    const { EarlyStoppingCallback } = await import('../../lib/train/callbacks');
    const { trainer } = makeTrainer({
      numTrainEpochs: 50,
      learningRate: 0,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
    });
    trainer.addCallback(new EarlyStoppingCallback(2));
    await trainer.train();
    // lr 0: eval_loss never improves after the first evaluation → stop at the third.
    expect(trainer.state.logHistory.filter((e) => e.eval_loss !== undefined)).toHaveLength(3);
    expect(trainer.state.bestGlobalStep).toBe(3);
  });
});
