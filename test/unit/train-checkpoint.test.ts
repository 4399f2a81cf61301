import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { latestCheckpoint, listCheckpoints, removeStaleTemporaries } from '../../lib/train/checkpoint';
import { CHECKPOINT_CLASSES, CHECKPOINT_FEATURES, FakeModel, checkpointTrainer } from './train-fakes';

const F = CHECKPOINT_FEATURES;
const C = CHECKPOINT_CLASSES;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-ckpt-'));
}

const withoutTimes = (history: Array<Record<string, number>>) =>
  history.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !/runtime|per_second/.test(k))));

describe('checkpoints', () => {
  it('writes checkpoint-<step> in HF layout with a sorted, indent-2 trainer_state.json', async () => {
    const out = tmpDir();
    const { trainer } = checkpointTrainer(out, { maxSteps: 4, saveSteps: 2, loggingSteps: 1 });
    await trainer.train();
    expect(listCheckpoints(out).map((d) => path.basename(d))).toEqual(['checkpoint-2', 'checkpoint-4']);
    const files = fs.readdirSync(path.join(out, 'checkpoint-2')).sort();
    expect(files).toEqual(
      [
        'config.json',
        'model.safetensors',
        'optimizer.safetensors',
        'preprocessor_config.json',
        'rng_state.json',
        'scheduler.json',
        'trainer_state.json',
        'training_args.json',
      ].sort(),
    );
    const text = fs.readFileSync(path.join(out, 'checkpoint-2', 'trainer_state.json'), 'utf8');
    const state = JSON.parse(text) as Record<string, unknown>;
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toMatch(/^ {2}"best_global_step": null,$/);
    expect(Object.keys(state)).toEqual([...Object.keys(state)].sort());
    expect(state).toMatchObject({
      global_step: 2,
      max_steps: 4,
      logging_steps: 1,
      save_steps: 2,
      train_batch_size: 8,
      is_world_process_zero: true,
      trial_name: null,
    });
    expect((state.log_history as unknown[]).length).toBe(2);
    expect(state.stateful_callbacks).toMatchObject({ TrainerControl: { args: { should_save: true, should_training_stop: false } } });
    // The final summary entry exists only in outputDir's copy.
    const final = JSON.parse(fs.readFileSync(path.join(out, 'trainer_state.json'), 'utf8')) as {
      log_history: Array<Record<string, number>>;
    };
    expect(Object.keys(final.log_history[final.log_history.length - 1]).sort()).toEqual(
      ['epoch', 'step', 'total_flos', 'train_loss', 'train_runtime', 'train_samples_per_second', 'train_steps_per_second'].sort(),
    );
    expect(fs.existsSync(path.join(out, 'model.safetensors'))).toBe(true);
  });

  it('resuming from an interrupted run reproduces the uninterrupted losses, weights and log history', async () => {
    const args = {
      maxSteps: 9,
      saveSteps: 100,
      loggingSteps: 2,
      gradientAccumulationSteps: 2,
      warmupSteps: 2,
      evalStrategy: 'steps' as const,
      evalSteps: 4,
    };
    const full = checkpointTrainer(tmpDir(), args);
    await full.trainer.train();

    const out = tmpDir();
    const first = checkpointTrainer(out, args);
    first.trainer.addCallback({ onStepEnd: (_a, state) => void (state.globalStep === 5 && first.trainer.stop()) });
    const stopped = await first.trainer.train();
    expect(stopped).toMatchObject({ interrupted: 'stop', globalStep: 5, checkpoint: path.join(out, 'checkpoint-5') });

    const second = checkpointTrainer(out, { ...args, resumeFromCheckpoint: true });
    await second.trainer.train();
    const losses = (m: FakeModel) => m.steps.map((s) => s.loss);
    expect([...losses(first.model), ...losses(second.model)]).toEqual(losses(full.model));
    expect(second.model.params).toEqual(full.model.params);
    expect(withoutTimes(second.trainer.state.logHistory)).toEqual(withoutTimes(full.trainer.state.logHistory));
  });

  it('keeps the best and the newest checkpoint under saveTotalLimit and loads every parameter of the best at the end', async () => {
    const out = tmpDir();
    const model = new FakeModel(F, C);
    const snapshots = new Map<number, Float64Array>();
    const { trainer } = checkpointTrainer(
      out,
      {
        numTrainEpochs: 6,
        evalStrategy: 'epoch',
        saveStrategy: 'epoch',
        loadBestModelAtEnd: true,
        metricForBestModel: 'accuracy',
        saveTotalLimit: 2,
        learningRate: 0.3,
      },
      model,
    );
    let accuracies: number[] = [];
    trainer.addCallback({
      onEvaluate: (_a, state, _c, e) => {
        accuracies.push(e.metrics?.eval_accuracy as number);
        snapshots.set(state.globalStep, Float64Array.from(model.params));
      },
    });
    // Make epochs 2 and later worse than epoch 1 by scrambling the weights after the first evaluation.
    trainer.addCallback({ onSave: (_a, state) => void (state.globalStep === 3 && model.params.reverse()) });
    await trainer.train();
    accuracies = accuracies.slice(0);
    const bestIndex = accuracies.indexOf(Math.max(...accuracies));
    const bestStep = (bestIndex + 1) * 3;
    expect(bestStep).toBeLessThan(18);
    expect(trainer.state.bestGlobalStep).toBe(bestStep);
    expect(trainer.state.bestModelCheckpoint).toBe(path.join(out, `checkpoint-${bestStep}`));
    const kept = listCheckpoints(out).map((d) => path.basename(d));
    expect(kept).toContain(`checkpoint-${bestStep}`);
    expect(kept).toContain('checkpoint-18');
    expect(kept.length).toBeLessThanOrEqual(2);
    expect(model.params).toEqual(snapshots.get(bestStep));
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'model.safetensors'), 'utf8')) as number[];
    expect(Float64Array.from(saved)).toEqual(snapshots.get(bestStep));
  });

  it('a save that fails midway leaves no checkpoint folder behind, and resume picks the last complete one', async () => {
    const out = tmpDir();
    const model = new FakeModel(F, C);
    model.failSaveAt = 2;
    const { trainer } = checkpointTrainer(out, { maxSteps: 6, saveSteps: 2 }, model);
    await expect(trainer.train()).rejects.toThrow('disk full (simulated)');
    expect(fs.readdirSync(out).sort()).toEqual(['checkpoint-2']);
    expect(latestCheckpoint(out)).toBe(path.join(out, 'checkpoint-2'));
  });

  it('ignores and removes temp folders of a killed process', () => {
    const out = tmpDir();
    fs.mkdirSync(path.join(out, 'checkpoint-4'));
    fs.writeFileSync(path.join(out, 'checkpoint-4', 'trainer_state.json'), '{}');
    fs.mkdirSync(path.join(out, 'checkpoint-6.tmp-999999999'));
    fs.writeFileSync(path.join(out, 'checkpoint-6.tmp-999999999', 'trainer_state.json'), '{}');
    fs.mkdirSync(path.join(out, 'checkpoint-8'));
    expect(latestCheckpoint(out)).toBe(path.join(out, 'checkpoint-4'));
    expect(removeStaleTemporaries(out)).toEqual(['checkpoint-6.tmp-999999999']);
  });

  it('refuses to resume from an incomplete checkpoint, naming what is missing', async () => {
    const out = tmpDir();
    fs.mkdirSync(path.join(out, 'checkpoint-3'));
    fs.writeFileSync(path.join(out, 'checkpoint-3', 'trainer_state.json'), '{}');
    const { trainer } = checkpointTrainer(out, { maxSteps: 6, resumeFromCheckpoint: true });
    await expect(trainer.train()).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_CHECKPOINT',
      message: expect.stringMatching(/missing model.safetensors, config.json, optimizer/),
    });
  });
});
