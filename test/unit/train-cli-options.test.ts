import { Command } from 'commander';
import { addTrainingArgumentOptions, kebab, parseClipFps, trainingArgumentsFromOptions } from '../../lib/train/cli-options';
import { createVideoLoader, type LabelledDataset } from '../../lib/train/runtime';
import type { DataLoader } from '../../lib/data/loader';
import { resolveTrainingArguments } from '../../lib/train/training-args';
import { CLI_DEFAULTS } from '../../lib/cli/commands/train';
import { MODEL_PRESETS, presetConfig } from '../../lib/train/model-presets';

function parse(argv: string[]) {
  const command = addTrainingArgumentOptions(new Command('train').exitOverride(), CLI_DEFAULTS);
  command.parse(argv, { from: 'user' });
  return { ...trainingArgumentsFromOptions(command.opts(), CLI_DEFAULTS), outputDir: 'out' };
}

describe('train command flags', () => {
  it('maps HF names to kebab-case flags', () => {
    expect(kebab('perDeviceTrainBatchSize')).toBe('per-device-train-batch-size');
    expect(kebab('adamBeta1')).toBe('adam-beta1');
  });

  it('defaults to the HF guide settings and lets every TrainingArguments field be overridden', () => {
    const a = resolveTrainingArguments(parse([]));
    expect(a).toMatchObject({
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
      metricForBestModel: 'accuracy',
      greaterIsBetter: true,
      loggingSteps: 10,
      warmupSteps: 0.1,
    });
    const b = resolveTrainingArguments(
      parse([
        '--learning-rate',
        '1e-4',
        '--per-device-train-batch-size',
        '4',
        '--no-load-best-model-at-end',
        '--bf16',
        '--lr-scheduler-type',
        'cosine',
      ]),
    );
    expect(b).toMatchObject({
      learningRate: 1e-4,
      perDeviceTrainBatchSize: 4,
      loadBestModelAtEnd: false,
      bf16: true,
      lrSchedulerType: 'cosine',
    });
  });

  it('rejects a non-numeric value with the flag name', () => {
    expect(() => parse(['--learning-rate', 'fast'])).toThrow('Expected a number for --learning-rate but received "fast"');
  });

  it('validates flag values through the TrainingArguments schema', () => {
    expect(() => resolveTrainingArguments(parse(['--gradient-accumulation-steps', '0']))).toThrow(
      /for gradientAccumulationSteps but received 0/,
    );
  });
});

describe('model presets', () => {
  it('fills the labels into a preset config', () => {
    const { config, preprocessor } = presetConfig('tiny', ['a', 'b']);
    expect(config).toMatchObject({
      num_labels: 2,
      id2label: { 0: 'a', 1: 'b' },
      label2id: { a: 0, b: 1 },
      image_size: 112,
      model_type: 'videomae',
    });
    expect(preprocessor).toMatchObject({ size: { shortest_edge: 112 }, crop_size: { height: 112, width: 112 } });
    expect(MODEL_PRESETS.base.config).toMatchObject({
      hidden_size: 768,
      num_hidden_layers: 12,
      image_size: 224,
      num_frames: 16,
      use_mean_pooling: false,
    });
    expect(() => presetConfig('huge', [])).toThrow('Expected one of tiny, small, base for --config but received "huge"');
  });
});

// Issue 18: the HF guide's clip_duration is num_frames × 4 / 30 whatever the video's fps; our CLI
// used each video's own fps, so a 25 fps synthetic set got 0.64 s clips (16 frames) and 4 uniform
// eval clips per 2.8 s video where HF took 0.533 s clips (13–14 frames) and 5 eval clips.
describe('--clip-fps (clip duration of the train/evaluate loaders)', () => {
  // A dataset header view without the addon: planSamples only reads durations and fps.
  const dataset = {
    videos: [{ id: 0, path: 'a.avi', label: 0 }],
    info: new Map([[0, { durationSeconds: 2.8, fps: 25, numFrames: 70, width: 64, height: 48 }]]),
    labels: ['a'],
  } as unknown as LabelledDataset;
  const preprocessor = { size: { shortest_edge: 32 }, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };
  const windows = (clipFps?: string, train = false) => {
    const source = createVideoLoader(dataset, {
      train,
      batchSize: 8,
      seed: 42,
      workers: 1,
      dropLast: false,
      numFrames: 4,
      preprocessor,
      ...parseClipFps(clipFps),
    });
    return (source as unknown as { loader: DataLoader }).loader.planSamples(0).map((s) => s.end - s.start);
  };

  it('defaults to the guide: num_frames × 4 / 30 s, and 5 uniform eval clips from a 2.8 s video', () => {
    expect(parseClipFps(undefined)).toEqual({ clipDurationFrom: 'fixed', fixedFps: 30 });
    const eval4 = windows();
    expect(eval4).toHaveLength(5);
    for (const d of eval4) expect(d).toBeCloseTo(16 / 30, 12);
    expect(windows(undefined, true)[0]).toBeCloseTo(16 / 30, 12);
  });

  it('"video" uses each video\'s own fps; a number fixes another rate; anything else is refused', () => {
    expect(parseClipFps('video')).toEqual({ clipDurationFrom: 'fps' });
    expect(windows('video')).toHaveLength(4);
    expect(windows('video')[0]).toBeCloseTo(16 / 25, 12);
    expect(windows('16')[0]).toBeCloseTo(1, 12);
    expect(() => parseClipFps('fast')).toThrow(/--clip-fps/);
    expect(() => parseClipFps('0')).toThrow(/--clip-fps/);
  });
});
