import { resolveTrainingArguments, trainingArgumentsFromJson, trainingArgumentsToJson } from '../../lib/train/training-args';
import { LrScheduler, lrLambda, warmupStepsFor } from '../../lib/train/schedule';

describe('TrainingArguments', () => {
  it('fills HF defaults', () => {
    const a = resolveTrainingArguments({ outputDir: 'out' });
    expect(a).toMatchObject({
      learningRate: 5e-5,
      perDeviceTrainBatchSize: 8,
      perDeviceEvalBatchSize: 8,
      numTrainEpochs: 3,
      maxSteps: -1,
      lrSchedulerType: 'linear',
      adamBeta1: 0.9,
      adamBeta2: 0.999,
      adamEpsilon: 1e-8,
      maxGradNorm: 1,
      gradientAccumulationSteps: 1,
      loggingSteps: 500,
      evalStrategy: 'no',
      saveStrategy: 'steps',
      saveSteps: 500,
      evalSteps: 500,
      seed: 42,
      saveTotalLimit: null,
      metricForBestModel: null,
      greaterIsBetter: null,
    });
  });

  it('derives metricForBestModel "loss" (lower is better) for loadBestModelAtEnd, and greaterIsBetter for accuracy', () => {
    const loss = resolveTrainingArguments({ outputDir: 'o', loadBestModelAtEnd: true, evalStrategy: 'epoch', saveStrategy: 'epoch' });
    expect([loss.metricForBestModel, loss.greaterIsBetter]).toEqual(['loss', false]);
    const acc = resolveTrainingArguments({
      outputDir: 'o',
      loadBestModelAtEnd: true,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      metricForBestModel: 'accuracy',
    });
    expect(acc.greaterIsBetter).toBe(true);
  });

  it('reports one "Expected … for … but received …" line per wrong field', () => {
    let message = '';
    try {
      resolveTrainingArguments({
        outputDir: 'o',
        perDeviceTrainBatchSize: 0,
        learningRate: -1,
        lrSchedulerType: 'poly' as never,
        bogus: 1,
      } as never);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
      message = (error as Error).message;
    }
    const lines = message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'Expected an integer >= 1 for perDeviceTrainBatchSize but received 0',
        'Expected a finite number >= 0 for learningRate but received -1',
        'Expected one of linear, cosine, constant, constant_with_warmup for lrSchedulerType but received "poly"',
      ]),
    );
    expect(lines.some((l) => l.startsWith('Unknown training argument bogus'))).toBe(true);
    expect(lines).toHaveLength(4);
  });

  it('rejects a missing outputDir and a non-integer warmup step count', () => {
    expect(() => resolveTrainingArguments({} as never)).toThrow(/for outputDir but received undefined/);
    expect(() => resolveTrainingArguments({ outputDir: 'o', warmupSteps: 2.5 })).toThrow(/for warmupSteps but received 2.5/);
  });

  it('applies HF cross-field rules for loadBestModelAtEnd', () => {
    expect(() =>
      resolveTrainingArguments({ outputDir: 'o', loadBestModelAtEnd: true, evalStrategy: 'epoch', saveStrategy: 'steps' }),
    ).toThrow(/saveStrategy to match evalStrategy/);
    expect(() =>
      resolveTrainingArguments({
        outputDir: 'o',
        loadBestModelAtEnd: true,
        evalStrategy: 'steps',
        saveStrategy: 'steps',
        evalSteps: 3,
        saveSteps: 4,
      }),
    ).toThrow(/saveSteps to be a round multiple of evalSteps, but found 4 and 3/);
    expect(() => resolveTrainingArguments({ outputDir: 'o', loadBestModelAtEnd: true })).toThrow(/evalStrategy other than "no"/);
    expect(() =>
      resolveTrainingArguments({
        outputDir: 'o',
        loadBestModelAtEnd: true,
        evalStrategy: 'steps',
        saveStrategy: 'steps',
        evalSteps: 3,
        saveSteps: 6,
      }),
    ).not.toThrow();
  });

  it('round-trips through training_args.json with HF snake_case names', () => {
    const a = resolveTrainingArguments({ outputDir: 'o', adamBeta1: 0.8, perDeviceTrainBatchSize: 4, evalStrategy: 'epoch' });
    const json = trainingArgumentsToJson(a);
    expect(json).toMatchObject({
      adam_beta1: 0.8,
      per_device_train_batch_size: 4,
      eval_strategy: 'epoch',
      output_dir: 'o',
      learning_rate: 5e-5,
      bf16: false,
    });
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(trainingArgumentsFromJson(JSON.parse(JSON.stringify({ ...json, some_hf_only_key: 1 })) as Record<string, unknown>)).toEqual(a);
  });
});

describe('learning-rate schedules', () => {
  it('computes warmup from a step count, a 5.x ratio (< 1) or the 4.x warmupRatio', () => {
    expect(warmupStepsFor(148, 0.1, 0)).toBe(15);
    expect(warmupStepsFor(148, 0, 0.1)).toBe(15);
    expect(warmupStepsFor(148, 7, 0.1)).toBe(7);
    expect(warmupStepsFor(148, 0, 0)).toBe(0);
  });

  it('reproduces the guide schedule: first update lr 0, peak at update 16, 3.759e-7 at update 148', () => {
    const s = new LrScheduler('linear', 5e-5, 15, 148);
    const used: number[] = [];
    for (let k = 1; k <= 148; k++) {
      used.push(s.lr);
      s.step();
    }
    expect(used[0]).toBe(0);
    expect(used[9]).toBeCloseTo((5e-5 * 9) / 15, 15);
    expect(used[15]).toBe(5e-5);
    expect(used[147]).toBeCloseTo((5e-5 * 1) / 133, 15);
    expect(used[147]).toBeCloseTo(3.759e-7, 10);
  });

  it('matches transformers 5.18 with max_steps 6 and warmup 0.1: 0, 5e-5, 4e-5, 3e-5, 2e-5, 1e-5', () => {
    const s = new LrScheduler('linear', 5e-5, warmupStepsFor(6, 0.1, 0), 6);
    const used = Array.from({ length: 6 }, () => {
      const lr = s.lr;
      s.step();
      return lr;
    });
    [0, 5e-5, 4e-5, 3e-5, 2e-5, 1e-5].forEach((v, i) => expect(used[i]).toBeCloseTo(v, 15));
  });

  it('implements cosine, constant and constant_with_warmup as HF', () => {
    expect(lrLambda('cosine', 0, 2, 10)).toBe(0);
    expect(lrLambda('cosine', 1, 2, 10)).toBe(0.5);
    expect(lrLambda('cosine', 2, 2, 10)).toBe(1);
    expect(lrLambda('cosine', 6, 2, 10)).toBeCloseTo(0.5, 15);
    expect(lrLambda('cosine', 10, 2, 10)).toBeCloseTo(0, 15);
    expect(lrLambda('constant', 0, 5, 10)).toBe(1);
    expect(lrLambda('constant_with_warmup', 1, 4, 10)).toBe(0.25);
    expect(lrLambda('constant_with_warmup', 9, 4, 10)).toBe(1);
    expect(lrLambda('linear', 12, 0, 10)).toBe(0);
  });

  it('saves and restores its step count', () => {
    const a = new LrScheduler('linear', 1, 2, 10);
    for (let i = 0; i < 4; i++) a.step();
    const b = new LrScheduler('linear', 1, 2, 10);
    b.load(JSON.parse(JSON.stringify(a.state())));
    expect(b.lr).toBe(a.lr);
    expect(a.state()).toMatchObject({ last_epoch: 4, _step_count: 5, base_lrs: [1] });
  });
});
